// What a preparation-centre teacher sees (RULES.md B9, B10): the report of their own centre's candidates, filtered by
// candidate-number range and by full or partial name, sorted and paged, with results only from the release instant
// (B5) and only for published qualifications (B7); and bulk result PDFs as a background job with progress and one zip.
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { resultPdfsDirectoryKey, resultPdfsPartKey } from '../../activities/statementKeys';
import type { DocumentStore } from '../../activities/storage';
import type { Db } from '../../db/client';
import { loadSeriesResults, reportPage } from '../../db/portalResults';
import type { RuleViolation } from '../../domain/model';
import { availableFrom, REPORT_SORTS, seriesResultsView, type ReportFilters } from '../../domain/portalResults';
import { candidateNumberValue } from '../../domain/resultsAccess';
import { teacherResultPdfsWorkflowId } from '../../workflows/ids';
import * as messages from '../../workflows/messages';
import type { TeacherResultPdfsState } from '../../workflows/portalResultsTypes';
import { CentreNumber, SeriesId } from '../../workflows/searchAttributes';
import { teacherResultPdfsWorkflow } from '../../workflows/teacherResultPdfs';
import { forbidden, HttpError, notFound } from '../errors';
import { route, type RouteSpec, type SessionUser } from '../routeTable';

/** How bulk result PDFs are made; configuration, so tests and operators can size the batches. */
export interface TeacherPdfPolicy {
  batchSize: number;
  batchConcurrency: number;
  heartbeatTimeoutMs: number;
}

export const DEFAULT_TEACHER_PDF_POLICY: TeacherPdfPolicy = { batchSize: 50, batchConcurrency: 2, heartbeatTimeoutMs: 60_000 };

export interface TeacherPortalDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  storage: DocumentStore;
  clock: () => Date;
  policy: TeacherPdfPolicy;
}

const filterFields = {
  seriesId: z.string().trim().min(1).max(40),
  from: z.string().trim().max(12).optional(),
  to: z.string().trim().max(12).optional(),
  name: z.string().trim().max(100).optional(),
};
const reportQuery = z.object({
  ...filterFields,
  sort: z.enum(REPORT_SORTS).default('candidateNumber'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const pdfsBody = z.object(filterFields);

const refuse = (status: number, violations: RuleViolation[]) => new HttpError(status, violations.map((v) => v.message).join(' '), violations);

const uuidParam = (s: string) => {
  if (!z.string().uuid().safeParse(s).success) throw notFound();
  return s;
};

function centreOf(user: SessionUser | null): string {
  if (!user?.centreNumber) throw forbidden();
  return user.centreNumber;
}

/** B9: From and To are candidate numbers compared by value ("713" finds "0713"); the same number in both finds one. */
function parseFilters(q: { from?: string; to?: string; name?: string }): ReportFilters {
  const bad: RuleViolation[] = [];
  const number = (field: 'from' | 'to', s: string | undefined) => {
    if (!s) return null;
    const v = candidateNumberValue(s);
    if (v === null) bad.push({ field, rule: 'B9', message: `${field === 'from' ? 'From' : 'To'} must be a candidate number (digits only).` });
    return v;
  };
  const filters: ReportFilters = { from: number('from', q.from), to: number('to', q.to), name: q.name || null };
  if (filters.from !== null && filters.to !== null && filters.from! > filters.to!) {
    bad.push({ field: 'to', rule: 'B9', message: 'To must not be smaller than From.' });
  }
  if (bad.length > 0) throw refuse(400, bad);
  return filters;
}

export function teacherPortalRoutes(deps: TeacherPortalDeps): RouteSpec[] {
  const { db, temporal, storage } = deps;

  /** The series and when its results open for the centre (release time plus the centre's delay, B5). */
  async function seriesFor(centreNumber: string, seriesId: string) {
    const [row] = await db.execute<{ name: string; opens_at: string; time_zone: string }>(sql`
      select s.name, to_json(coalesce(ra.opens_at, s.release_at)) #>> '{}' as opens_at, ce.time_zone
      from series s join centres ce on ce.number = ${centreNumber}
      left join results_access ra on ra.series_id = s.id and ra.centre_number = ce.number
      where s.id = ${seriesId}`);
    if (!row) throw refuse(404, [{ field: 'seriesId', rule: 'B9', message: `There is no series ${seriesId}.` }]);
    const opensAt = new Date(row.opens_at).toISOString();
    return { name: row.name, released: deps.clock().getTime() >= Date.parse(opensAt), availableFrom: availableFrom({ opensAt, centreTimeZone: row.time_zone }) };
  }

  const handleOf = (centreNumber: string, jobId: string) => temporal.workflow.getHandle(teacherResultPdfsWorkflowId(centreNumber, jobId));
  const jobView = (s: TeacherResultPdfsState) => ({
    job: s,
    percent: s.total === 0 ? 100 : Math.floor((s.done / s.total) * 100),
    fileUrl: s.phase === 'completed' ? `/api/teacher/result-pdfs/${s.jobId}/file` : null,
  });

  return [
    route({
      method: 'get',
      path: '/api/teacher/report',
      summary:
        'The teacher’s report: their centre’s candidates entered in a series, filtered by candidate-number From/To (the same number in both finds one; "713" finds "0713") and a full or partial first or last name, case-insensitive (B9); sorted by candidateNumber, firstName or lastName; paged, with the total. Results from the release instant only (B5), published qualifications only (B7).',
      access: ['teacher'],
      query: reportQuery,
      handler: async ({ user, query, res }) => {
        const centreNumber = centreOf(user);
        const q = query as z.infer<typeof reportQuery>;
        const filters = parseFilters(q);
        const s = await seriesFor(centreNumber, q.seriesId);
        const page = await reportPage(db, { centreNumber, seriesId: q.seriesId, filters, sort: q.sort, descending: q.order === 'desc', limit: q.limit, offset: q.offset });
        const results = await loadSeriesResults(db, { candidateIds: page.candidateIds, seriesId: q.seriesId, now: deps.clock() });
        const byId = new Map(results.map((r) => [r.candidateId, r]));
        res.setHeader('Cache-Control', 'private, no-store');
        return {
          series: { id: q.seriesId, name: s.name, released: s.released, availableFrom: s.availableFrom },
          filters,
          sort: q.sort,
          order: q.order,
          limit: q.limit,
          offset: q.offset,
          total: page.total,
          // A candidate whose entries went between the two reads is left out rather than shown half.
          candidates: page.candidateIds.flatMap((id) => {
            const r = byId.get(id);
            if (!r) return [];
            const view = seriesResultsView(r);
            return [
              {
                candidateNumber: r.candidateNumber,
                firstName: r.firstName,
                lastName: r.lastName,
                results: view.released ? view.results : null,
                notPublished: view.released ? view.notPublished : null,
              },
            ];
          }),
        };
      },
    }),

    route({
      method: 'post',
      path: '/api/teacher/result-pdfs',
      summary:
        'Bulk result PDFs for the candidates the report’s filters find (B10): no cap; a background job with progress, ending in one zip with a statement of results PDF per candidate. Only once results are released (B5).',
      access: ['teacher'],
      body: pdfsBody,
      handler: async ({ user, body, res }) => {
        const centreNumber = centreOf(user);
        const b = body as z.infer<typeof pdfsBody>;
        const filters = parseFilters(b);
        const s = await seriesFor(centreNumber, b.seriesId);
        if (!s.released) throw refuse(422, [{ field: 'seriesId', rule: 'B5', message: `Results of ${s.name} are available from ${s.availableFrom.local}.` }]);
        const { total } = await reportPage(db, { centreNumber, seriesId: b.seriesId, filters, sort: 'candidateNumber', descending: false, limit: 1, offset: 0 });
        if (total === 0) throw refuse(422, [{ field: 'filters', rule: 'B10', message: 'No candidate of your centre entered in this series matches these filters.' }]);
        const jobId = randomUUID();
        await temporal.workflow.start(teacherResultPdfsWorkflow, {
          workflowId: teacherResultPdfsWorkflowId(centreNumber, jobId),
          taskQueue: deps.taskQueue,
          args: [{ jobId, centreNumber, seriesId: b.seriesId, filters, requestedBy: { userId: user!.id, name: user!.name }, ...deps.policy }],
          typedSearchAttributes: [
            { key: CentreNumber, value: centreNumber },
            { key: SeriesId, value: b.seriesId },
          ],
        });
        res.status(202);
        return { jobId, total, progressUrl: `/api/teacher/result-pdfs/${jobId}`, fileUrl: `/api/teacher/result-pdfs/${jobId}/file` };
      },
    }),

    route({
      method: 'get',
      path: '/api/teacher/result-pdfs/:id',
      summary: 'A bulk result PDFs job of the teacher’s centre: phase, done / total, and the file once made (B10)',
      access: ['teacher'],
      handler: async ({ user, params }) => jobView(await handleOf(centreOf(user), uuidParam(params.id)).query(messages.teacherResultPdfsProgressQuery)),
    }),

    route({
      method: 'get',
      path: '/api/teacher/result-pdfs/:id/file',
      summary: 'Download a finished bulk result PDFs job as one zip (a PDF per candidate, named by candidate number); the teacher’s own centre only (B10)',
      access: ['teacher'],
      handler: async ({ user, params, res }) => {
        const centreNumber = centreOf(user);
        const jobId = uuidParam(params.id);
        const state = await handleOf(centreNumber, jobId).query(messages.teacherResultPdfsProgressQuery);
        if (state.phase !== 'completed' || !state.file) throw new HttpError(409, `The zip is not ready yet: ${state.done} of ${state.total} PDFs made.`);
        const keys = [...Array.from({ length: state.batches }, (_, b) => resultPdfsPartKey(centreNumber, jobId, b)), resultPdfsDirectoryKey(centreNumber, jobId)];
        // Read the first piece before answering, so a missing file is still a clean 404.
        const read = async (key: string) => {
          const meta = await storage.findByKey(key);
          const doc = meta ? await storage.getFor(meta.id, { kind: 'centre', centreNumber }) : null;
          if (!doc) throw notFound('This file does not exist (any more).');
          return doc.content;
        };
        let piece = await read(keys[0]);
        res.setHeader('Content-Type', 'application/zip');
        res.setHeader('Content-Length', String(state.file.sizeBytes));
        res.setHeader('Content-Disposition', `attachment; filename="${state.file.filename}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        try {
          for (let i = 0; ; i++) {
            if (!res.write(piece)) await once(res, 'drain');
            if (i + 1 >= keys.length) break;
            piece = await read(keys[i + 1]);
          }
          res.end();
        } catch (err) {
          // Headers are gone: the client sees a cut download rather than a zip that looks whole.
          res.destroy(err as Error);
        }
        return undefined;
      },
    }),
  ];
}
