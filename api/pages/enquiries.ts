import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import express, { type Request } from 'express';
import type { Db } from '../../db/client';
import { candidates, components, entries, syllabuses } from '../../db/schema';
import { REPORT_SERVICES, SCRIPT_COPY_SERVICES, SERVICES, SERVICE_NAMES, type EnquiryDraft, type RuleViolation, type Service } from '../../domain/model';
import type { EnquiryState, TimelineEvent } from '../../workflows/enquiryTypes';
import { HttpError } from '../errors';
import { asList, asText, userOf, type Kit } from './pageKit';

// Centre staff: enquiries about results (RULES.md C1-C29), step by step: 1. series, service and syllabus with the
// rules explained; 2. components and candidates (those with an open enquiry marked); 3. the saved draft with its
// checks, declarations and Submit. Then the list with search and each enquiry's status timeline, documents and the
// 24-hour amendment window. Every change goes through the enquiry API routes.

/** What each service is for and the rules that decide whether it can be used (shown beside the choice). */
export const SERVICE_RULES: Record<Service, string> = {
  '1': 'Checks every part was marked and the marks were added up and recorded correctly. Components the board marked. [C1]',
  '1S': 'Service 1 and a copy of the marked script. Not for Art & Design syllabuses. [C2]',
  '2': 'A review of marking, including Service 1: was the mark scheme applied correctly? Not for multiple-choice components. [C3]',
  '2S': 'Service 2 and a copy of the script. Not for multiple-choice components or Art & Design syllabuses. [C4]',
  '5': 'Re-moderation of coursework marked by your centre, with a report. For the whole group, never one candidate; only candidates in the moderation sample are re-moderated. [C5]',
  '9': 'A report on the work of 5 to 15 candidates for a board-marked component; marks are not reviewed. Waits (Pending) while any of them has another enquiry open. [C6]',
  XQ: 'For a NO RESULT (X) or PENDING (Q) grade: free when the Head of Centre asks. Attach evidence by email if you have it. [C7]',
};

const STATUS_COLOURS: Record<string, string> = {
  Saved: 'grey', AwaitingApproval: 'yellow', Pending: 'orange', Submitted: 'blue', Received: 'light-blue', Acknowledged: 'turquoise',
  Completed: 'green', Cancelled: 'red', Rejected: 'red', Closed: 'grey', Deleted: 'grey',
};

interface Services {
  seriesId: string;
  seriesName: string;
  centreEmail: string | null;
  deadline: string;
  daysLeft: number;
  open: boolean;
  groupAwards: string;
}
interface CandidateRow { candidateNumber: string; name: string; grade: string | null; marker: string | null }
interface Detail { enquiry: EnquiryState; timeline: Array<TimelineEvent & { detail?: unknown }> }
interface ListRow {
  id: string;
  seriesId: string;
  enquiryNumber: number | null;
  note: string;
  service: string;
  syllabusCode: string;
  status: string;
  centreNumber: string;
  candidates: string | string[] | { marker: string; candidateNumbers: string[] };
  submittedAt: string | null;
}

export const statusTag = (status: string) => ({ status, colour: STATUS_COLOURS[status] ?? 'grey' });

/** C26: each candidate number, "All" for Service 5 and, for Service 9, a marker that reveals the numbers. */
export const candidatesCell = (c: ListRow['candidates']) =>
  typeof c === 'string' ? { text: c } : Array.isArray(c) ? { text: c.join(', ') } : { marker: c.marker, numbers: c.candidateNumbers.join(', ') };

/** A timeline entry for people: "Submitted" from "submitted", with who and when. */
const timelineItem = (e: { kind: string; at: string; actor: string | null }) => ({
  title: e.kind.replace(/[-_]/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase()),
  at: e.at,
  actor: e.actor,
});

/**
 * The workflow records 'created' when it starts, which is after the first Save that started it ran: a person reads
 * the enquiry as created by that Save, so 'created' is shown only when there was no Save (an API-made enquiry).
 */
const forPeople = <E extends { kind: string }>(timeline: E[]) => (timeline.some((e) => e.kind === 'saved') ? timeline.filter((e) => e.kind !== 'created') : timeline);

export function enquiryPages(kit: Kit, db: Db) {
  const router = express.Router();

  /** The series the user's centre has entries in, newest first (to choose from). */
  async function centreSeries(req: Request, res: express.Response) {
    const { series } = await kit.api<{ series: Array<{ seriesId: string; name: string; enteredCandidates: number }> }>(req, res, 'get', '/api/results-access/series');
    return series.filter((s) => s.enteredCandidates > 0);
  }

  /** The syllabuses the centre's candidates are entered for in a series (C23: by name or number). */
  async function centreSyllabuses(centreNumber: string, seriesId: string) {
    return db
      .selectDistinct({ code: syllabuses.code, name: syllabuses.name, groupAward: syllabuses.groupAward })
      .from(entries)
      .innerJoin(candidates, eq(candidates.id, entries.candidateId))
      .innerJoin(syllabuses, eq(syllabuses.code, entries.syllabusCode))
      .where(and(eq(candidates.centreNumber, centreNumber), eq(entries.seriesId, seriesId)))
      .orderBy(asc(syllabuses.name), asc(syllabuses.code));
  }

  router.get(
    '/enquiries',
    kit.page(async (req, res) => {
      const q = asText(req.query.q).trim();
      const seriesId = asText(req.query.seriesId) || undefined;
      const { enquiries } = await kit.api<{ enquiries: ListRow[] }>(req, res, 'get', '/api/enquiries', { query: { q: q || undefined, seriesId, limit: '200' } });
      const user = userOf(req)!;
      kit.render(req, res, 'enquiryList', {
        title: 'Enquiries about results',
        q,
        seriesId,
        canCreate: !user.roles.includes('associate_staff') && !user.roles.includes('board_staff'),
        rows: enquiries.map((e) => ({ ...e, tag: statusTag(e.status), who: candidatesCell(e.candidates) })),
      });
    }),
  );

  // Step 1: series, service and syllabus, with the deadline and the rules of each service.
  router.get(
    '/enquiries/new',
    kit.page(async (req, res) => {
      const all = await centreSeries(req, res);
      const seriesId = asText(req.query.seriesId) || all[0]?.seriesId;
      if (!seriesId) throw new HttpError(404, 'Your centre has no entries, so there is nothing to enquire about.');
      const services = await kit.api<Services>(req, res, 'get', '/api/series/:seriesId/enquiries/services', { params: { seriesId } });
      kit.render(req, res, 'enquiryNew', {
        title: 'New enquiry: service and syllabus',
        back: { href: '/enquiries', text: 'Enquiries' },
        series: all.map((s) => ({ ...s, selected: s.seriesId === seriesId })),
        seriesId,
        services,
        serviceOptions: SERVICES.map((code) => ({ code, name: SERVICE_NAMES[code], rules: SERVICE_RULES[code], checked: asText(req.query.service) === code })),
        syllabuses: (await centreSyllabuses(userOf(req)!.centreNumber ?? '#', seriesId)).map((s) => ({ ...s, selected: s.code === asText(req.query.syllabusCode) })),
        note: asText(req.query.note),
      });
    }),
  );

  // Step 2: components and candidates for the chosen syllabus; those with an open enquiry are marked (C23).
  router.get(
    '/enquiries/new/details',
    kit.page(async (req, res) => {
      const seriesId = asText(req.query.seriesId);
      const service = asText(req.query.service);
      const syllabusCode = asText(req.query.syllabusCode);
      const stepOne = `/enquiries/new?${new URLSearchParams({ seriesId, service, syllabusCode, note: asText(req.query.note) })}`;
      const missing: RuleViolation[] = [];
      if (!SERVICES.includes(service as Service)) missing.push({ field: 'service', rule: 'C23', message: 'Choose a service.' });
      if (!syllabusCode) missing.push({ field: 'syllabusCode', rule: 'C23', message: 'Choose a syllabus.' });
      const [syllabus] = syllabusCode ? await db.select().from(syllabuses).where(eq(syllabuses.code, syllabusCode)) : [];
      // C8: a group award's recalculation is not an enquiry; say so before any details are asked for.
      if (syllabus?.groupAward) missing.push({ field: 'syllabusCode', rule: 'C8', message: `Recalculation of ${syllabus.name} is not an enquiry: ask the board by email.` });
      if (missing.length > 0) {
        kit.setFlash(req, { errors: { title: 'There is a problem', summary: missing.map((m) => ({ href: `#${m.field}`, text: `${m.message} [${m.rule}]` })), byField: Object.fromEntries(missing.map((m) => [m.field, `${m.message} [${m.rule}]`])) } });
        return kit.redirect(req, res, stepOne);
      }
      const { candidates: rows } = await kit.api<{ candidates: CandidateRow[] }>(req, res, 'get', '/api/series/:seriesId/enquiries/candidates', { params: { seriesId }, query: { syllabusCode } });
      const services = await kit.api<Services>(req, res, 'get', '/api/series/:seriesId/enquiries/services', { params: { seriesId } });
      const comps = await db.select().from(components).where(eq(components.syllabusCode, syllabusCode)).orderBy(asc(components.code));
      kit.render(req, res, 'enquiryDetails', {
        title: 'New enquiry: components and candidates',
        back: { href: stepOne, text: 'Back to service and syllabus' },
        // The form's own enquiry id: pressing Save again (after a 503, or back and resubmit) saves the same draft
        // instead of making a second one.
        enquiryId: randomUUID(),
        seriesId,
        service,
        serviceName: SERVICE_NAMES[service as Service],
        serviceRules: SERVICE_RULES[service as Service],
        isGroup: service === '5',
        isXQ: service === 'XQ',
        syllabus,
        note: asText(req.query.note),
        services,
        components: comps.map((c) => ({ ...c, kindText: c.kind === 'mcq' ? 'multiple choice' : c.kind === 'centre' ? 'marked by your centre' : 'marked by the board' })),
        candidates: rows,
      });
    }),
  );

  router.post(
    '/enquiries/new',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const seriesId = asText(b.seriesId);
      const draft = draftFromForm(b);
      const back = `/enquiries/new/details?${new URLSearchParams({ seriesId, service: draft.service, syllabusCode: draft.syllabusCode, note: draft.note })}`;
      await kit.submit(req, res, {
        back,
        values: { componentCodes: draft.componentCodes, candidateNumbers: draft.candidateNumbers, note: draft.note, headOfCentreRequest: draft.headOfCentreRequest ? 'yes' : '' },
        notice: { title: 'Enquiry saved', text: 'Nothing is sent until you tick both declarations and submit. [C24]' },
        action: async () => {
          const state = await kit.api<EnquiryState>(req, res, 'post', '/api/enquiries', { body: { seriesId, enquiryId: asText(b.enquiryId) || randomUUID(), draft } });
          return `/enquiries/${state.enquiryId}`;
        },
      });
    }),
  );

  router.get(
    '/enquiries/:id',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const { enquiry, timeline } = await kit.api<Detail>(req, res, 'get', '/api/enquiries/:id', { params: { id } });
      const user = userOf(req)!;
      const isCentre = !user.roles.includes('board_staff') && !user.roles.includes('associate_staff');
      const check = isCentre && enquiry.status === 'Saved'
        ? await kit.api<{ violations: RuleViolation[]; candidatesWithOpenEnquiries: Array<{ candidateNumber: string }>; warning: string | null }>(req, res, 'get', '/api/enquiries/:id/submission-check', { params: { id } })
        : null;
      const windowOpen = enquiry.amendableUntil !== null && Date.parse(enquiry.amendableUntil) > Date.now();
      const amendable = isCentre && ['Submitted', 'Received', 'Acknowledged', 'Pending', 'AwaitingApproval'].includes(enquiry.status);
      const isBoard = user.roles.includes('board_staff');
      const before = isBoard && enquiry.status === 'Acknowledged' && !enquiry.outcome ? await gradesBefore(db, enquiry) : null;
      const outcomeRows = before
        ? [...before.keys()].sort().map((candidateNumber) => ({
            candidateNumber,
            gradeBefore: before.get(candidateNumber),
            components: enquiry.draft.componentCodes.map((componentCode) => ({ componentCode, key: `${candidateNumber}:${componentCode}` })),
          }))
        : null;
      kit.render(req, res, 'enquiryDetail', {
        title: `Enquiry ${enquiry.enquiryNumber ?? '(no number yet)'}`,
        back: { href: user.roles.includes('board_staff') ? '/board' : '/enquiries', text: 'Enquiries' },
        e: enquiry,
        tag: statusTag(enquiry.status),
        serviceName: SERVICE_NAMES[enquiry.draft.service],
        candidatesText: enquiry.draft.service === '5' ? 'All (the whole group)' : enquiry.draft.candidateNumbers.join(', '),
        timeline: forPeople(timeline).map(timelineItem),
        documents: enquiry.documents.map((d) => ({ ...d, href: `/api/documents/${d.documentId}` })),
        isCentre,
        isBoard,
        canReportAckError: !isBoard && enquiry.acknowledgedAt !== null && enquiry.status === 'Acknowledged',
        outcomeRows,
        // C19: services with a copy of the script (1S, 2S) or a report (5, 9) complete only once it is attached.
        needsDocument: [...SCRIPT_COPY_SERVICES, ...REPORT_SERVICES].includes(enquiry.draft.service),
        isXQ: enquiry.draft.service === 'XQ',
        check,
        canSubmit: check !== null,
        amendable,
        windowOpen,
        windowNote: enquiry.amendableUntil
          ? windowOpen ? 'Changes and cancellation are free until the window closes. [C20]' : `The free window closed; a change or cancellation is charged the administration fee. [C20]`
          : 'Changes and cancellation are free until 24 hours after the acknowledgement. [C20]',
      });
    }),
  );

  // C29: an error in the acknowledgement letter, reported within 24 hours of its issue (by the centre, or for an
  // associate centre by its associate); the workflow decides whether the window is still open.
  router.post(
    '/enquiries/:id/acknowledgement-error',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const description = asText((req.body as Record<string, unknown>).description);
      const associate = userOf(req)?.roles.includes('associate_staff');
      await kit.submit(req, res, {
        back: `/enquiries/${id}`,
        values: { description },
        notice: { title: 'Error reported', text: 'The board has been told. [C29]' },
        action: async () => {
          await kit.api(req, res, 'post', associate ? '/api/associate/enquiries/:id/acknowledgement-error' : '/api/enquiries/:id/acknowledgement-error', { params: { id }, body: { description } });
        },
      });
    }),
  );

  router.post(
    '/enquiries/:id/submit',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const b = req.body as Record<string, unknown>;
      const ticked = new Set(asList(b.declarations));
      await kit.submit(req, res, {
        back: `/enquiries/${id}`,
        notice: { title: 'Enquiry submitted', text: 'Every notice about it goes to your centre’s email address. [C18]' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/enquiries/:id/submit', { params: { id }, body: { declarations: [ticked.has('1'), ticked.has('2')] } });
        },
      });
    }),
  );

  router.post(
    '/enquiries/:id/delete',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      await kit.submit(req, res, {
        back: `/enquiries/${id}`,
        notice: { title: 'Draft deleted', text: '' },
        action: async () => {
          await kit.api(req, res, 'delete', '/api/enquiries/:id', { params: { id } });
          return '/enquiries';
        },
      });
    }),
  );

  router.post(
    '/enquiries/:id/cancel',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      await kit.submit(req, res, {
        back: `/enquiries/${id}`,
        notice: { title: 'Enquiry cancelled', text: '' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/enquiries/:id/cancel', { params: { id } });
        },
      });
    }),
  );

  router.get(
    '/enquiries/:id/amend',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const { enquiry } = await kit.api<Detail>(req, res, 'get', '/api/enquiries/:id', { params: { id } });
      const comps = await db.select().from(components).where(eq(components.syllabusCode, enquiry.draft.syllabusCode)).orderBy(asc(components.code));
      const saved = enquiry.status === 'Saved';
      kit.render(req, res, 'enquiryAmend', {
        title: saved ? 'Change the draft' : 'Amend the enquiry',
        back: { href: `/enquiries/${id}`, text: 'Back to the enquiry' },
        e: enquiry,
        saved,
        components: comps.map((c) => ({ ...c, checked: enquiry.draft.componentCodes.includes(c.code) })),
        candidateNumbers: enquiry.draft.candidateNumbers.join(', '),
      });
    }),
  );

  router.post(
    '/enquiries/:id/amend',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const b = req.body as Record<string, unknown>;
      const { enquiry } = await kit.api<Detail>(req, res, 'get', '/api/enquiries/:id', { params: { id } });
      const draft = draftFromForm({ ...b, service: enquiry.draft.service, syllabusCode: enquiry.draft.syllabusCode });
      await kit.submit(req, res, {
        back: `/enquiries/${id}/amend`,
        values: { note: draft.note, candidateNumbers: asText(b.candidateNumbers) },
        notice: { title: enquiry.status === 'Saved' ? 'Draft saved' : 'Enquiry amended', text: '' },
        action: async () => {
          if (enquiry.status === 'Saved') await kit.api(req, res, 'put', '/api/enquiries/:id', { params: { id }, body: draft });
          else await kit.api(req, res, 'post', '/api/enquiries/:id/amend', { params: { id }, body: draft });
          return `/enquiries/${id}`;
        },
      });
    }),
  );

  return router;
}

/** The draft a form describes: components and candidates come as ticked boxes or as typed numbers ("0713, 714"). */
function draftFromForm(b: Record<string, unknown>): EnquiryDraft {
  const typed = asText(b.candidateNumbers).split(/[\s,;]+/).filter(Boolean);
  const ticked = asList(b.candidates);
  return {
    service: asText(b.service) as Service,
    syllabusCode: asText(b.syllabusCode),
    componentCodes: asList(b.componentCodes),
    candidateNumbers: [...new Set([...ticked, ...typed])],
    note: asText(b.note),
    headOfCentreRequest: asText(b.headOfCentreRequest) === 'yes' || undefined,
  };
}

/** For the outcome form: each candidate's grade before the enquiry, read from the entries. */
async function gradesBefore(db: Db, e: EnquiryState): Promise<Map<string, string | null>> {
  const rows = await db
    .select({ candidateNumber: candidates.candidateNumber, grade: entries.grade })
    .from(entries)
    .innerJoin(candidates, eq(candidates.id, entries.candidateId))
    .where(and(eq(candidates.centreNumber, e.centreNumber), eq(entries.seriesId, e.seriesId), eq(entries.syllabusCode, e.draft.syllabusCode), e.draft.candidateNumbers.length ? inArray(candidates.candidateNumber, e.draft.candidateNumbers) : undefined));
  return new Map(rows.map((r) => [r.candidateNumber, r.grade]));
}
