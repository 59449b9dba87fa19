// Enquiries about results: centre and board routes. Thin: they start, update and query the enquiry workflow and
// list from PostgreSQL; they never write an enquiry's status (DESIGN rule 1).
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { loadEnquiryFacts } from '../../activities/enquiries';
import type { DocumentStore } from '../../activities/storage';
import type { Db } from '../../db/client';
import { candidates, centres, enquiries, enquiryCandidates, enquiryEvents, series } from '../../db/schema';
import { daysLeft, endOfDayInZone } from '../../domain/calendar';
import { candidatesWithOpenEnquiries, checkEnquiryDraft, normaliseCandidateNumber } from '../../domain/enquiryRules';
import { CENTRE_STAFF_ROLES, SERVICES, SERVICE_NAMES, type EnquiryDraft } from '../../domain/model';
import { enquiryWorkflowId } from '../../workflows/ids';
import * as messages from '../../workflows/messages';
import { enquiryWorkflow } from '../../workflows/enquiry';
import type { Actor, EnquiryState, EnquiryTimings } from '../../workflows/enquiryTypes';
import { CentreNumber, EnquiryService, EnquiryStatus, SeriesId, SyllabusCode } from '../../workflows/searchAttributes';
import { HttpError, notFound } from '../errors';
import { route, type RouteSpec, type SessionUser } from '../routeTable';

/** The durations of the enquiry process (C16, C20, C25); configuration, so tests run them short. */
export type EnquiryPolicy = Omit<EnquiryTimings, 'deadline'>;

export const DEFAULT_ENQUIRY_POLICY: EnquiryPolicy = {
  amendmentWindowMs: 24 * 3600_000,
  numberAlertMs: 24 * 3600_000,
  ackAlertWorkingDays: 2,
  turnaroundMs: 30 * 24 * 3600_000,
};

export interface EnquiryRouteDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  storage: DocumentStore;
  policy: EnquiryPolicy;
}

const centreStaff = [...CENTRE_STAFF_ROLES];
const board = ['board_staff' as const];

const candidateNumber = z.string().trim().regex(/^\d{1,10}$/, 'must be a candidate number (digits)');
export const draftSchema = z.object({
  service: z.enum(SERVICES),
  syllabusCode: z.string().trim().min(1, 'choose a syllabus').max(10),
  componentCodes: z.array(z.string().trim().min(1).max(10)).max(50).default([]),
  candidateNumbers: z.array(candidateNumber).max(500).default([]),
  note: z.string().max(200, 'the note can be at most 200 characters [C23]').default(''),
  headOfCentreRequest: z.boolean().optional(),
});
const createSchema = z.object({
  seriesId: z.string().trim().min(1),
  /** Optional client-made id: repeating the same create is then harmless (DESIGN rule 2). */
  enquiryId: z.string().uuid().optional(),
  draft: draftSchema,
});
const submitSchema = z.object({ declarations: z.tuple([z.boolean(), z.boolean()]).default([false, false]) });
const listQuery = z.object({
  seriesId: z.string().optional(),
  q: z.string().trim().max(100).optional(),
  status: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const outcomeSchema = z.object({
  components: z.array(
    z.object({
      candidateNumber: candidateNumber,
      componentCode: z.string().trim().min(1),
      originalMark: z.number().int().min(0).nullable(),
      newMark: z.number().int().min(0).nullable(),
      reason: z.string().max(500).default(''),
    }),
  ).default([]),
  grades: z.array(z.object({ candidateNumber: candidateNumber, gradeBefore: z.string().max(10).nullable(), gradeAfter: z.string().max(10).nullable() })).default([]),
  missingComponents: z.array(z.string()).optional(),
  explanation: z.string().max(2000).optional(),
});
const extendSchema = z.object({ candidateNumbers: z.array(candidateNumber).min(1), note: z.string().trim().min(1).max(1000) });
const attachQuery = z.object({ kind: z.enum(['CoS', 'Rpt']), filename: z.string().trim().min(1).max(200).regex(/^[\w .()-]+$/, 'letters, digits, spaces and . ( ) - only') });

export const actorOf = (u: SessionUser): Actor => ({ userId: u.id, name: u.name });
const isCentreUser = (u: SessionUser) => !u.roles.includes('board_staff') && !u.roles.includes('associate_staff');

/**
 * The enquiry row if the user may see it: their centre's; their associate centres' for associate staff; any for
 * board staff. Never another centre's: everyone else gets the same 404 as for an id that does not exist.
 */
export async function findVisibleEnquiry(db: Db, user: SessionUser, id: string) {
  if (!z.string().uuid().safeParse(id).success) throw notFound();
  const [row] = await db.select().from(enquiries).where(and(eq(enquiries.id, id), enquiryScope(user)));
  if (!row) throw notFound();
  return row;
}

/** The enquiries a user may see: board staff all, associate staff their associate centres', centre staff their centre's. */
export function enquiryScope(u: SessionUser): SQL | undefined {
  if (u.roles.includes('board_staff')) return undefined;
  if (u.roles.includes('associate_staff')) return eq(enquiries.associateId, u.associateId ?? '#');
  return eq(enquiries.centreNumber, u.centreNumber ?? '#');
}

export function enquiryRoutes(deps: EnquiryRouteDeps): RouteSpec[] {
  const { db, temporal } = deps;

  const findVisible = (user: SessionUser, id: string) => findVisibleEnquiry(db, user, id);

  async function seriesFor(seriesId: string) {
    const [s] = await db.select().from(series).where(eq(series.id, seriesId));
    if (!s) throw new HttpError(400, `Series ${seriesId} does not exist.`, [{ field: 'seriesId', rule: 'C21', message: `Series ${seriesId} does not exist.` }]);
    return s;
  }

  const handleOf = (row: { workflowId: string }) => temporal.workflow.getHandle(row.workflowId);

  /** What a centre user of an associate centre may see of the documents: only those released to it (C29). */
  const visibleDocuments = (user: SessionUser, state: EnquiryState): EnquiryState =>
    isCentreUser(user) && state.associateId ? { ...state, documents: state.documents.filter((d) => d.releasedAt) } : state;

  return [
    route({
      method: 'get',
      path: '/api/series/:seriesId/enquiries/services',
      summary: 'Services available for a series, with the deadline and the days left (C21)',
      access: centreStaff,
      handler: async ({ params, user }) => {
        const s = await seriesFor(params.seriesId);
        const [centre] = await db.select().from(centres).where(eq(centres.number, user!.centreNumber ?? '#'));
        const now = new Date();
        const deadline = endOfDayInZone(String(s.enquiryDeadline), s.timeZone);
        return {
          // C18: the address every notice goes to, shown for confirmation before an enquiry is created.
          centreEmail: centre?.email ?? null,
          seriesId: s.id,
          seriesName: s.name,
          deadline: deadline.toISOString(),
          deadlineDay: s.enquiryDeadline,
          timeZone: s.timeZone,
          daysLeft: Math.max(0, daysLeft(now, String(s.enquiryDeadline), s.timeZone)),
          open: now <= deadline,
          services: SERVICES.map((code) => ({ code, name: SERVICE_NAMES[code] })),
          groupAwards: 'Recalculation of Cambridge ICE or the AICE Diploma is not an enquiry: ask the board by email. [C8]',
        };
      },
    }),

    route({
      method: 'get',
      path: '/api/series/:seriesId/enquiries/candidates',
      summary: 'Candidates entered for a syllabus, with those holding an open enquiry marked (C23)',
      access: centreStaff,
      query: z.object({ syllabusCode: z.string().trim().min(1), candidate: z.string().trim().optional() }),
      handler: async ({ params, query, user }) => {
        const q = query as { syllabusCode: string; candidate?: string };
        const value = q.candidate ? normaliseCandidateNumber(q.candidate) : null;
        if (q.candidate && value === null) throw new HttpError(400, 'A candidate number is digits only.', [{ field: 'candidate', rule: 'C23', message: 'A candidate number is digits only.' }]);
        const draft: EnquiryDraft = { service: '1', syllabusCode: q.syllabusCode, componentCodes: [], candidateNumbers: [], note: '' };
        const rows = await db.execute<{ candidate_number: string }>(sql`
          select c.candidate_number from candidates c join entries e on e.candidate_id = c.id
          where c.centre_number = ${user!.centreNumber} and e.series_id = ${params.seriesId} and e.syllabus_code = ${q.syllabusCode}
          ${value !== null ? sql`and c.number_value = ${Number(value)}` : sql``}
          order by c.number_value limit 500`);
        const facts = await loadEnquiryFacts(db, { enquiryId: null, centreNumber: user!.centreNumber!, seriesId: params.seriesId, draft: { ...draft, candidateNumbers: rows.map((r) => r.candidate_number) } });
        const open = new Map(candidatesWithOpenEnquiries(facts).map((o) => [o.candidateNumber, o.enquiryIds]));
        return {
          candidates: facts.candidates.map((c) => ({
            candidateNumber: c.candidate.candidateNumber,
            name: `${c.candidate.firstName} ${c.candidate.lastName}`,
            grade: c.grade,
            openEnquiryIds: open.get(c.candidate.candidateNumber) ?? [],
            marker: open.has(c.candidate.candidateNumber) ? 'This candidate already has an open enquiry for this syllabus.' : null,
          })),
        };
      },
    }),

    route({
      method: 'post',
      path: '/api/enquiries',
      summary: 'Create and save a draft enquiry (C23, C24); starts its workflow',
      access: centreStaff,
      body: createSchema,
      handler: async ({ body, user, res }) => {
        const b = body as z.infer<typeof createSchema>;
        const u = user!;
        const s = await seriesFor(b.seriesId);
        const deadline = endOfDayInZone(String(s.enquiryDeadline), s.timeZone);
        if (Date.now() > deadline.getTime()) {
          throw new HttpError(422, `The deadline for ${s.name} enquiries was ${s.enquiryDeadline}.`, [{ field: 'seriesId', rule: 'C21', message: `The deadline for ${s.name} enquiries has passed.` }]);
        }
        const draft = b.draft as EnquiryDraft;
        // Check before starting anything, so a refused draft leaves no workflow and no row behind.
        const violations = checkEnquiryDraft(draft, await loadEnquiryFacts(db, { enquiryId: b.enquiryId ?? null, centreNumber: u.centreNumber!, seriesId: s.id, draft }));
        if (violations.length > 0) throw new HttpError(422, violations.map((v) => v.message).join(' '), violations);
        const enquiryId = b.enquiryId ?? randomUUID();
        const workflowId = enquiryWorkflowId(u.centreNumber!, s.id, enquiryId);
        const [centre] = await db.select({ associateId: centres.associateId }).from(centres).where(eq(centres.number, u.centreNumber!));
        const start = new WithStartWorkflowOperation(enquiryWorkflow, {
          workflowId,
          taskQueue: deps.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [{ enquiryId, centreNumber: u.centreNumber!, associateId: centre?.associateId ?? null, seriesId: s.id, draft, actor: u.id, timings: { ...deps.policy, deadline: deadline.toISOString() } }],
          typedSearchAttributes: [
            { key: CentreNumber, value: u.centreNumber! },
            { key: SeriesId, value: s.id },
            { key: EnquiryService, value: draft.service },
            { key: SyllabusCode, value: draft.syllabusCode },
            { key: EnquiryStatus, value: 'Saved' },
          ],
        });
        const state = await temporal.workflow.executeUpdateWithStart(messages.saveEnquiryDraft, { args: [{ draft, actor: actorOf(u) }], startWorkflowOperation: start });
        res.status(201);
        return visibleDocuments(u, state);
      },
    }),

    route({
      method: 'get',
      path: '/api/enquiries',
      summary: "List the centre's enquiries; search by note, enquiry number and candidate (C26)",
      access: [...centreStaff, 'board_staff', 'associate_staff'],
      query: listQuery,
      handler: async ({ query, user }) => {
        const q = query as z.infer<typeof listQuery>;
        const u = user!;
        const filters: (SQL | undefined)[] = [
          enquiryScope(u),
          q.seriesId ? eq(enquiries.seriesId, q.seriesId) : undefined,
          q.status ? eq(enquiries.status, q.status) : undefined,
        ];
        if (q.q) {
          const n = normaliseCandidateNumber(q.q);
          const byCandidate = n !== null
            ? inArray(enquiries.id, db.select({ id: enquiryCandidates.enquiryId }).from(enquiryCandidates).innerJoin(candidates, eq(candidates.id, enquiryCandidates.candidateId)).where(eq(candidates.numberValue, Number(n))))
            : undefined;
          filters.push(or(ilike(enquiries.note, `%${q.q.replace(/[%_\\]/g, '\\$&')}%`), n !== null && n.length <= 12 ? eq(enquiries.enquiryNumber, Number(n)) : undefined, byCandidate));
        }
        const rows = await db.select().from(enquiries).where(and(...filters)).orderBy(desc(enquiries.createdAt)).limit(q.limit).offset(q.offset);
        return {
          enquiries: rows.map((r) => ({
            id: r.id,
            seriesId: r.seriesId,
            enquiryNumber: r.enquiryNumber,
            note: r.note,
            service: r.service,
            syllabusCode: r.syllabusCode,
            status: r.status,
            centreNumber: r.centreNumber,
            // C26: "All" for Service 5; Service 9 shows a marker that reveals the numbers.
            candidates: r.service === '5' ? 'All' : r.service === '9' ? { marker: '?', candidateNumbers: r.candidateNumbers } : r.candidateNumbers,
            submittedAt: r.submittedAt,
            alerts: r.alerts,
          })),
        };
      },
    }),

    route({
      method: 'get',
      path: '/api/enquiries/:id',
      summary: 'One enquiry with its live state, timeline and documents',
      access: [...centreStaff, 'board_staff', 'associate_staff'],
      handler: async ({ params, user }) => {
        const row = await findVisible(user!, params.id);
        const live = await handleOf(row).query(messages.enquiryStateQuery).catch(() => null);
        const timeline = await db.select().from(enquiryEvents).where(eq(enquiryEvents.enquiryId, row.id)).orderBy(asc(enquiryEvents.seq));
        return { enquiry: visibleDocuments(user!, (live ?? row.state) as EnquiryState), timeline };
      },
    }),

    route({
      method: 'put',
      path: '/api/enquiries/:id',
      summary: 'Save changes to a draft (C24)',
      access: centreStaff,
      body: draftSchema,
      handler: async ({ params, user, body }) => {
        const row = await findVisible(user!, params.id);
        return handleOf(row).executeUpdate(messages.saveEnquiryDraft, { args: [{ draft: body as EnquiryDraft, actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'delete',
      path: '/api/enquiries/:id',
      summary: 'Delete a draft (C24)',
      access: centreStaff,
      handler: async ({ params, user }) => {
        const row = await findVisible(user!, params.id);
        return handleOf(row).executeUpdate(messages.deleteEnquiryDraft, { args: [{ actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'get',
      path: '/api/enquiries/:id/submission-check',
      summary: 'Before the declarations: the rules the draft breaks and which candidates already have open enquiries (C6, C23)',
      access: centreStaff,
      handler: async ({ params, user }) => {
        const row = await findVisible(user!, params.id);
        const state = row.state as EnquiryState;
        const facts = await loadEnquiryFacts(db, { enquiryId: row.id, centreNumber: row.centreNumber, seriesId: row.seriesId, draft: state.draft });
        const open = candidatesWithOpenEnquiries(facts);
        return {
          violations: checkEnquiryDraft(state.draft, facts),
          candidatesWithOpenEnquiries: open,
          warning:
            open.length > 0 && state.draft.service === '9'
              ? `Candidates ${open.map((o) => o.candidateNumber).join(', ')} have other enquiries open. You can go back and choose others, or submit: the report will wait (Pending) until those enquiries finish. [C6]`
              : null,
        };
      },
    }),

    route({
      method: 'post',
      path: '/api/enquiries/:id/submit',
      summary: 'Submit a draft with both declarations ticked (C24)',
      access: centreStaff,
      body: submitSchema,
      handler: async ({ params, user, body }) => {
        const row = await findVisible(user!, params.id);
        const { declarations } = body as z.infer<typeof submitSchema>;
        return handleOf(row).executeUpdate(messages.submitEnquiry, { args: [{ declarations, actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'post',
      path: '/api/enquiries/:id/amend',
      summary: 'Amend a submitted enquiry; free within 24 hours of the acknowledgement (C20)',
      access: centreStaff,
      body: draftSchema,
      handler: async ({ params, user, body }) => {
        const row = await findVisible(user!, params.id);
        return handleOf(row).executeUpdate(messages.amendEnquiry, { args: [{ draft: body as EnquiryDraft, actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'post',
      path: '/api/enquiries/:id/cancel',
      summary: 'Cancel a submitted enquiry; free within 24 hours of the acknowledgement (C20)',
      access: centreStaff,
      handler: async ({ params, user }) => {
        const row = await findVisible(user!, params.id);
        return handleOf(row).executeUpdate(messages.cancelEnquiry, { args: [{ actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'post',
      path: '/api/enquiries/:id/acknowledgement-error',
      summary: 'Report an error in the acknowledgement letter within 24 hours of its issue (to the associate, for an associate centre; C29)',
      access: centreStaff,
      body: z.object({ description: z.string().trim().min(1, 'say what is wrong').max(2000) }),
      handler: async ({ params, user, body }) => {
        const row = await findVisible(user!, params.id);
        const { description } = body as { description: string };
        return visibleDocuments(user!, await handleOf(row).executeUpdate(messages.reportAcknowledgementError, { args: [{ by: 'centre', description, actor: actorOf(user!) }] }));
      },
    }),

    route({
      method: 'get',
      path: '/api/documents/:id',
      summary: "Download a document of the user's centre (released ones only for an associate centre, C29)",
      access: [...centreStaff, 'board_staff', 'associate_staff'],
      handler: async ({ params, user, res }) => {
        if (!z.string().uuid().safeParse(params.id).success) throw notFound();
        const u = user!;
        const reader = u.roles.includes('board_staff')
          ? ({ kind: 'board' } as const)
          : u.roles.includes('associate_staff') && u.associateId
            ? ({ kind: 'associate', associateId: u.associateId } as const)
            : ({ kind: 'centre', centreNumber: u.centreNumber ?? '#' } as const);
        const doc = await deps.storage.getFor(params.id, reader);
        if (!doc) throw notFound();
        res.setHeader('Content-Type', doc.contentType);
        res.setHeader('Content-Disposition', `attachment; filename="${doc.filename}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        res.send(doc.content);
        return undefined;
      },
    }),

    // --- board staff ---------------------------------------------------------------------------------------------

    route({
      method: 'get',
      path: '/api/board/enquiries',
      summary: 'The queue in order of receipt (C15), with alerts (C16, C25)',
      access: board,
      query: z.object({
        status: z.enum(['Submitted', 'Received', 'Acknowledged']).optional(),
        seriesId: z.string().trim().min(1).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      handler: async ({ query }) => {
        const q = query as { status?: string; seriesId?: string; limit: number };
        const rows = await db
          .select()
          .from(enquiries)
          .where(
            and(
              q.status ? eq(enquiries.status, q.status) : inArray(enquiries.status, ['Submitted', 'Received', 'Acknowledged']),
              q.seriesId ? eq(enquiries.seriesId, q.seriesId) : undefined,
            ),
          )
          .orderBy(asc(enquiries.submittedAt), asc(enquiries.id))
          .limit(q.limit);
        return { queue: rows.map(({ state: _s, ...r }) => r) };
      },
    }),

    route({
      method: 'post',
      path: '/api/board/enquiries/receive-next',
      summary: 'Receive the oldest submitted enquiry, of one series if given: enquiry numbers follow the order of receipt (C15)',
      access: board,
      query: z.object({ seriesId: z.string().trim().min(1).optional() }),
      handler: async ({ user, query }) => {
        const { seriesId } = query as { seriesId?: string };
        const [next] = await db
          .select()
          .from(enquiries)
          .where(and(eq(enquiries.status, 'Submitted'), seriesId ? eq(enquiries.seriesId, seriesId) : undefined))
          .orderBy(asc(enquiries.submittedAt), asc(enquiries.id))
          .limit(1);
        if (!next) throw new HttpError(404, 'No submitted enquiry is waiting.');
        return handleOf(next).executeUpdate(messages.receiveEnquiry, { args: [{ actor: actorOf(user!) }] });
      },
    }),

    ...(
      [
        ['receive', messages.receiveEnquiry, 'Receive an enquiry and give it its number (C25)'],
        ['acknowledge', messages.acknowledgeEnquiry, 'Acknowledge: the Ack letter is produced and the centre emailed (C19, C25)'],
      ] as const
    ).map(([action, update, summary]) =>
      route({
        method: 'post',
        path: `/api/board/enquiries/:id/${action}`,
        summary,
        access: board,
        handler: async ({ params, user }) => handleOf(await findVisible(user!, params.id)).executeUpdate(update, { args: [{ actor: actorOf(user!) }] }),
      }),
    ),

    route({
      method: 'post',
      path: '/api/board/enquiries/:id/outcome',
      summary: 'Record the outcome per component and the syllabus grade (C7, C22, C28)',
      access: board,
      body: outcomeSchema,
      handler: async ({ params, user, body }) => {
        const row = await findVisible(user!, params.id);
        return handleOf(row).executeUpdate(messages.recordEnquiryOutcome, { args: [{ ...(body as z.infer<typeof outcomeSchema>), actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'post',
      path: '/api/board/enquiries/:id/documents',
      summary: 'Upload a copy of script (CoS) or report (Rpt) as a PDF body (C19)',
      access: board,
      query: attachQuery,
      handler: async ({ params, user, query, req }) => {
        const row = await findVisible(user!, params.id);
        const q = query as z.infer<typeof attachQuery>;
        const content = req.body;
        if (!Buffer.isBuffer(content) || content.length === 0 || content.subarray(0, 5).toString() !== '%PDF-') {
          throw new HttpError(400, 'Send the document as a PDF (Content-Type: application/pdf).', [{ field: 'body', rule: 'C19', message: 'The document must be a PDF file.' }]);
        }
        const stored = await deps.storage.put({ key: `enquiry/${row.id}/${q.kind}`, kind: q.kind, centreNumber: row.centreNumber, enquiryId: row.id, filename: q.filename, contentType: 'application/pdf', content, releasedToCentreAt: row.associateId ? null : new Date() });
        return handleOf(row).executeUpdate(messages.attachEnquiryDocument, { args: [{ kind: q.kind, documentId: stored.id, filename: stored.filename, actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'post',
      path: '/api/board/enquiries/:id/extend',
      summary: 'Extend an enquiry to other candidates (C27; board only)',
      access: board,
      body: extendSchema,
      handler: async ({ params, user, body }) => {
        const row = await findVisible(user!, params.id);
        return handleOf(row).executeUpdate(messages.extendEnquiry, { args: [{ ...(body as z.infer<typeof extendSchema>), actor: actorOf(user!) }] });
      },
    }),
  ];
}
