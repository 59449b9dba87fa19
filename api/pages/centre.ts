import express from 'express';
import { daysLeft, localDay } from '../../domain/calendar';
import type { ResultsAccessProgress, ResultsAccessState } from '../../workflows/resultsAccessTypes';
import { asList, asText, type Kit } from './pageKit';
import { homeOf } from './session';
import { userOf } from './pageKit';

// Centre staff: the home page per series with every deadline, and the candidate results website administration
// (RULES.md A1-A12, B11). Everything goes through the results-access and enquiry API routes.

const ZONE = 'Europe/London';
const PAGE_SIZE = 50;

interface SeriesRow {
  seriesId: string;
  name: string;
  enteredCandidates: number;
  canConfigure: boolean;
  reason: string | null;
  credentialsOpenOn: string;
  releaseAt: string;
  configured: boolean;
  mode: string;
  summary: string;
  activeLogins: number;
  resultsOpenAt: string;
  resultsViewable: boolean;
}
interface Services {
  deadline: string;
  deadlineDay: string;
  timeZone: string;
  daysLeft: number;
  open: boolean;
  centreEmail: string | null;
}
interface Admin {
  series: { id: string; name: string; releaseAt: string; credentialsOpenOn: string };
  enteredCandidates: number;
  open: boolean;
  message: string | null;
  resultsOpenAt: string;
  resultsOpenAtLocal: string;
  activeLogins: number;
  revokedLogins: number;
  state: ResultsAccessState;
  progress: ResultsAccessProgress;
}
interface CandidateList {
  mode: string;
  total: number;
  limit: number;
  offset: number;
  candidates: Array<{ candidateNumber: string; name: string; uci: string; selected: boolean; login: string; username: string | null }>;
}

const daysText = (n: number) => (n < 0 ? 'passed' : n === 0 ? 'today' : n === 1 ? '1 day left' : `${n} days left`);

export function centrePages(kit: Kit) {
  const router = express.Router();

  router.get(
    '/',
    kit.page(async (req, res) => {
      const user = userOf(req);
      if (!user) return res.redirect(303, '/sign-in');
      if (homeOf(user) !== '/') return res.redirect(303, homeOf(user));
      const { series } = await kit.api<{ series: SeriesRow[] }>(req, res, 'get', '/api/results-access/series');
      const now = new Date();
      const cards = await Promise.all(
        series
          .filter((s) => s.enteredCandidates > 0)
          .map(async (s) => {
            const services = await kit.api<Services>(req, res, 'get', '/api/series/:seriesId/enquiries/services', { params: { seriesId: s.seriesId } });
            const releaseDay = localDay(new Date(s.releaseAt), ZONE);
            return {
              ...s,
              deadlines: [
                { label: 'Candidate credentials can be made from', when: s.credentialsOpenOn, kind: 'day', left: daysText(daysLeft(now, String(s.credentialsOpenOn), ZONE)), rule: 'A2' },
                { label: 'Results released by the board', when: s.releaseAt, kind: 'instant', left: daysText(daysLeft(now, releaseDay, ZONE)), rule: 'A6' },
                { label: 'Your candidates see results from', when: s.resultsOpenAt, kind: 'instant', left: daysText(daysLeft(now, localDay(new Date(s.resultsOpenAt), ZONE), ZONE)), rule: 'A6' },
                { label: 'Deadline for enquiries about results', when: services.deadline, kind: 'instant', left: daysText(services.daysLeft), rule: 'C21', closed: !services.open },
              ],
            };
          }),
      );
      kit.render(req, res, 'centreHome', { title: 'Your centre', centreNumber: user.centreNumber, cards });
    }),
  );

  router.get(
    '/results-access',
    kit.page(async (req, res) => {
      const { series } = await kit.api<{ series: SeriesRow[] }>(req, res, 'get', '/api/results-access/series');
      kit.render(req, res, 'resultsAccessList', { title: 'Candidate results website', series: series.filter((s) => s.enteredCandidates > 0) });
    }),
  );

  router.get(
    '/results-access/:seriesId',
    kit.page(async (req, res) => {
      const seriesId = String(req.params.seriesId);
      const admin = await kit.api<Admin>(req, res, 'get', '/api/results-access/series/:seriesId', { params: { seriesId } });
      const p = admin.progress;
      const working = ['queued', 'running', 'finalising'].includes(p.status) || admin.state.generations.some((g) => g.status !== 'done' && g.status !== 'cancelled');
      kit.render(req, res, 'resultsAccessSeries', {
        title: `Candidate results website: ${admin.series.name}`,
        back: { href: '/results-access', text: 'All series' },
        admin,
        seriesId,
        working,
        progressUrl: `/api/results-access/series/${encodeURIComponent(seriesId)}/progress`,
        generations: admin.state.generations
          .filter((g) => g.files.length > 0 && !g.filesDeletedAt)
          .map((g) => ({ ...g, links: g.files.map((f) => ({ ...f, href: `/api/results-access/series/${encodeURIComponent(seriesId)}/letters/${g.number}/${f.kind}` })) }))
          .reverse(),
        current: {
          mode: admin.state.configured ? admin.state.mode : '',
          agreement: admin.state.agreedAt ? 'yes' : '',
          'contact.name': admin.state.contact?.name ?? '',
          'contact.telephone': admin.state.contact?.telephone ?? '',
          'contact.email': admin.state.contact?.email ?? '',
          delayMinutes: String(admin.state.delayMinutes ?? 0),
        },
      });
    }),
  );

  router.post(
    '/results-access/:seriesId/access',
    kit.page(async (req, res) => {
      const seriesId = String(req.params.seriesId);
      const b = req.body as Record<string, unknown>;
      const values = {
        mode: asText(b.mode),
        agreement: asText(b.agreement),
        'contact.name': asText(b['contact.name']),
        'contact.telephone': asText(b['contact.telephone']),
        'contact.email': asText(b['contact.email']),
        delayMinutes: asText(b.delayMinutes),
      };
      const delay = values.delayMinutes.trim();
      await kit.submit(req, res, {
        back: `/results-access/${encodeURIComponent(seriesId)}`,
        values,
        notice: { title: 'Access saved', text: 'Letters for the candidates with access are being made below.' },
        action: async () => {
          await kit.api(req, res, 'put', '/api/results-access/series/:seriesId/access', {
            params: { seriesId },
            body: {
              mode: values.mode,
              agreement: values.agreement === 'yes',
              contact: { name: values['contact.name'], telephone: values['contact.telephone'] || null, email: values['contact.email'] || null },
              delayMinutes: delay === '' ? null : Number(delay),
            },
          });
          return values.mode === 'SELECTED' ? `/results-access/${encodeURIComponent(seriesId)}/candidates` : undefined;
        },
      });
    }),
  );

  router.get(
    '/results-access/:seriesId/candidates',
    kit.page(async (req, res) => {
      const seriesId = String(req.params.seriesId);
      const q = asText(req.query.q).trim();
      const offset = Math.max(0, Number.parseInt(asText(req.query.offset), 10) || 0);
      const admin = await kit.api<Admin>(req, res, 'get', '/api/results-access/series/:seriesId', { params: { seriesId } });
      const list = await kit.api<CandidateList>(req, res, 'get', '/api/results-access/series/:seriesId/candidates', { params: { seriesId }, query: { q: q || undefined, limit: String(PAGE_SIZE), offset: String(offset) } });
      const base = `/results-access/${encodeURIComponent(seriesId)}/candidates?${q ? `q=${encodeURIComponent(q)}&` : ''}offset=`;
      kit.render(req, res, 'resultsAccessCandidates', {
        title: `Choose candidates: ${admin.series.name}`,
        back: { href: `/results-access/${encodeURIComponent(seriesId)}`, text: 'Back to the series' },
        admin,
        seriesId,
        q,
        list,
        canSelect: list.mode === 'SELECTED',
        from: list.total === 0 ? 0 : offset + 1,
        to: offset + list.candidates.length,
        previous: offset > 0 ? `${base}${Math.max(0, offset - PAGE_SIZE)}` : null,
        next: offset + PAGE_SIZE < list.total ? `${base}${offset + PAGE_SIZE}` : null,
      });
    }),
  );

  router.post(
    '/results-access/:seriesId/selection',
    kit.page(async (req, res) => {
      const seriesId = String(req.params.seriesId);
      const b = req.body as Record<string, unknown>;
      // Only the candidates shown on the page change: ticked ones are added, unticked ones that had access removed.
      const shown = asList(b.shown);
      const wasSelected = new Set(asList(b.wasSelected));
      const ticked = new Set(asList(b.selected));
      const add = shown.filter((n) => ticked.has(n) && !wasSelected.has(n));
      const remove = shown.filter((n) => !ticked.has(n) && wasSelected.has(n));
      await kit.submit(req, res, {
        back: `/results-access/${encodeURIComponent(seriesId)}/candidates${asText(b.returnQuery)}`,
        notice: { title: 'Selection saved', text: `${add.length} ${add.length === 1 ? 'candidate' : 'candidates'} given access, ${remove.length} removed.` },
        action: async () => {
          await kit.api(req, res, 'post', '/api/results-access/series/:seriesId/selection', { params: { seriesId }, body: { add, remove } });
          return `/results-access/${encodeURIComponent(seriesId)}`;
        },
      });
    }),
  );

  router.post(
    '/results-access/:seriesId/candidates/:candidateNumber/reissue',
    kit.page(async (req, res) => {
      const seriesId = String(req.params.seriesId);
      const candidateNumber = String(req.params.candidateNumber);
      await kit.submit(req, res, {
        back: `/results-access/${encodeURIComponent(seriesId)}/candidates`,
        notice: { title: `New letter for candidate ${candidateNumber}`, text: 'A new password was made; the old one no longer works. Download the letter below when it is ready. [B11]' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/results-access/series/:seriesId/candidates/:candidateNumber/reissue', { params: { seriesId, candidateNumber } });
          return `/results-access/${encodeURIComponent(seriesId)}`;
        },
      });
    }),
  );

  router.post(
    '/results-access/:seriesId/letters/:generation/delete',
    kit.page(async (req, res) => {
      const seriesId = String(req.params.seriesId);
      const generation = String(req.params.generation);
      await kit.submit(req, res, {
        back: `/results-access/${encodeURIComponent(seriesId)}`,
        notice: { title: 'Letters deleted', text: 'The files and the passwords printed in them are gone.' },
        action: async () => {
          await kit.api(req, res, 'delete', '/api/results-access/series/:seriesId/letters/:generation', { params: { seriesId, generation } });
        },
      });
    }),
  );

  return router;
}
