import { desc, ilike, or } from 'drizzle-orm';
import express, { type Request } from 'express';
import type { Db } from '../../db/client';
import { series } from '../../db/schema';
import type { EnquiryState } from '../../workflows/enquiryTypes';
import type { UploadedFile } from './multipart';
import { asList, asText, type Kit } from './pageKit';
import { statusTag } from './enquiries';

// Board staff: the enquiry queue in order of receipt with its actions and alerts (C15, C16, C25), the outcome with
// grades (C28), extensions (C27), and the series calendar (C22). Everything goes through the board API routes.

interface QueueRow {
  id: string;
  seriesId: string;
  centreNumber: string;
  enquiryNumber: number | null;
  service: string;
  syllabusCode: string;
  status: string;
  submittedAt: string | null;
  alerts: string[];
}

const ALERT_TEXT: Record<string, string> = {
  'no-number-24h': 'No enquiry number 24 hours after submission [C25]',
  'no-ack-2-working-days': 'Not acknowledged within 2 working days [C25]',
  'turnaround-overdue': 'Past 30 days since receipt [C16]',
  'approval-deadline-near': 'Awaiting approval near the deadline [C17]',
};

export const BOARD_UPLOAD_PATH = /^\/board\/enquiries\/[^/]+\/documents$/;

const num = (v: string): number | null => (v.trim() === '' ? null : Number(v));

export function boardPages(kit: Kit, db: Db) {
  const router = express.Router();

  router.get(
    '/board',
    kit.page(async (req, res) => {
      const seriesId = asText(req.query.seriesId) || undefined;
      const { queue } = await kit.api<{ queue: QueueRow[] }>(req, res, 'get', '/api/board/enquiries', { query: { seriesId, limit: '500' } });
      const rows = queue.map((r, i) => ({ ...r, position: i + 1, tag: statusTag(r.status), alertTexts: r.alerts.map((a) => ALERT_TEXT[a] ?? a) }));
      kit.render(req, res, 'boardQueue', {
        title: 'Enquiry queue',
        seriesId,
        rows,
        alerts: rows.filter((r) => r.alerts.length > 0),
        waiting: rows.filter((r) => r.status === 'Submitted').length,
      });
    }),
  );

  router.post(
    '/board/receive-next',
    kit.page(async (req, res) => {
      const seriesId = asText((req.body as Record<string, unknown>).seriesId) || undefined;
      const back = `/board${seriesId ? `?seriesId=${encodeURIComponent(seriesId)}` : ''}`;
      await kit.submit(req, res, {
        back,
        action: async () => {
          const state = await kit.api<EnquiryState>(req, res, 'post', '/api/board/enquiries/receive-next', { query: { seriesId } });
          kit.setFlash(req, { notice: { title: `Enquiry ${state.enquiryNumber} received`, text: 'Enquiry numbers follow the order of receipt. [C15]' } });
        },
      });
    }),
  );

  for (const action of ['receive', 'acknowledge'] as const) {
    router.post(
      `/board/enquiries/:id/${action}`,
      kit.page(async (req, res) => {
        const id = String(req.params.id);
        const back = asText((req.body as Record<string, unknown>).back) === 'queue' ? '/board' : `/enquiries/${id}`;
        await kit.submit(req, res, {
          back,
          notice: { title: action === 'receive' ? 'Enquiry received' : 'Enquiry acknowledged', text: action === 'acknowledge' ? 'The acknowledgement letter was made and the centre emailed. [C19]' : '' },
          action: async () => {
            await kit.api(req, res, 'post', `/api/board/enquiries/:id/${action}`, { params: { id } });
          },
        });
      }),
    );
  }

  router.post(
    '/board/enquiries/:id/outcome',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const b = req.body as Record<string, unknown>;
      // One row per candidate and component ("mark:0001:11"), and one grade per candidate ("gradeAfter:0001").
      const components = Object.keys(b)
        .filter((k) => k.startsWith('mark:'))
        .map((k) => {
          const [, candidateNumber, componentCode] = k.split(':');
          return { candidateNumber, componentCode, originalMark: num(asText(b[`original:${candidateNumber}:${componentCode}`])), newMark: num(asText(b[k])), reason: asText(b[`reason:${candidateNumber}:${componentCode}`]) };
        })
        .filter((c) => c.newMark !== null || c.reason !== '');
      const grades = Object.keys(b)
        .filter((k) => k.startsWith('gradeAfter:'))
        .map((k) => {
          const candidateNumber = k.slice('gradeAfter:'.length);
          const before = asText(b[`gradeBefore:${candidateNumber}`]) || null;
          return { candidateNumber, gradeBefore: before, gradeAfter: asText(b[k]).trim() || before };
        });
      await kit.submit(req, res, {
        back: `/enquiries/${id}`,
        values: Object.fromEntries(Object.entries(b).filter(([k]) => k !== '_csrf').map(([k, v]) => [k, asText(v)])),
        notice: { title: 'Outcome recorded', text: 'The outcome letter was made and the centre emailed. [C19]' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/board/enquiries/:id/outcome', {
            params: { id },
            body: { components, grades, explanation: asText(b.explanation) || undefined, missingComponents: asList(b.missingComponents).length ? asList(b.missingComponents) : undefined },
          });
        },
      });
    }),
  );

  router.post(
    '/board/enquiries/:id/extend',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const b = req.body as Record<string, unknown>;
      await kit.submit(req, res, {
        back: `/enquiries/${id}`,
        values: { extendCandidates: asText(b.extendCandidates), extendNote: asText(b.extendNote) },
        notice: { title: 'Enquiry extended', text: 'The extension shows on its own tab for the centre. [C27]' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/board/enquiries/:id/extend', { params: { id }, body: { candidateNumbers: asText(b.extendCandidates).split(/[\s,;]+/).filter(Boolean), note: asText(b.extendNote) } });
        },
      });
    }),
  );

  router.post(
    '/board/enquiries/:id/documents',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const b = (req.body ?? {}) as Record<string, string | UploadedFile | undefined>;
      const file = typeof b.document === 'object' ? b.document : null;
      const kind = typeof b.kind === 'string' ? b.kind : '';
      await kit.submit(req, res, {
        back: `/enquiries/${id}`,
        notice: { title: `${kind === 'Rpt' ? 'Report' : 'Copy of script'} attached`, text: 'The centre is emailed that it is available. [C19]' },
        action: async () => {
          // The API takes the PDF as the request body: hand it the uploaded file's bytes.
          const upload = Object.assign(Object.create(req) as Request, { body: file?.content ?? Buffer.alloc(0) });
          await kit.api(req, res, 'post', '/api/board/enquiries/:id/documents', { params: { id }, req: upload, query: { kind, filename: file?.filename || 'document.pdf' } });
        },
      });
    }),
  );

  router.get(
    '/board/series',
    kit.page(async (req, res) => {
      const q = asText(req.query.q).trim();
      const like = `%${q.replace(/[%_\\]/g, '\\$&')}%`;
      const rows = await db.select().from(series).where(q ? or(ilike(series.id, like), ilike(series.name, like)) : undefined).orderBy(desc(series.releaseAt)).limit(50);
      const calendars = await Promise.all(
        rows.map(async (s) => ({
          ...s,
          calendar: await kit.api<{ invoiceAt: string; invoicedAt?: string | null }>(req, res, 'get', '/api/board/series/:seriesId/calendar', { params: { seriesId: s.id } }).catch(() => null),
        })),
      );
      kit.render(req, res, 'boardSeries', { title: 'Series calendar', q, series: calendars });
    }),
  );

  router.post(
    '/board/series/:seriesId/calendar',
    kit.page(async (req, res) => {
      const seriesId = String(req.params.seriesId);
      const invoiceDate = asText((req.body as Record<string, unknown>).invoiceDate);
      await kit.submit(req, res, {
        back: '/board/series',
        notice: { title: invoiceDate ? 'Invoice date changed' : 'Series calendar started', text: '' },
        action: async () => {
          if (invoiceDate) await kit.api(req, res, 'put', '/api/board/series/:seriesId/calendar', { params: { seriesId }, body: { invoiceDate } });
          else await kit.api(req, res, 'post', '/api/board/series/:seriesId/calendar', { params: { seriesId } });
        },
      });
    }),
  );

  return router;
}
