// Candidate results website administration (RULES.md A1-A13, B11): centre staff only, always scoped to the signed-in
// user's centre. Thin: the routes start, update and query the resultsAccess workflow and list from PostgreSQL; they
// never write access state or credentials themselves (DESIGN rule 1).
import { once } from 'node:events';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { createLetterFileStore } from '../../activities/letterFiles';
import type { Db } from '../../db/client';
import { candidates, centres, credentials, entries, resultsAccess, series } from '../../db/schema';
import { formatDay, formatInZone, startOfDayInZone } from '../../domain/calendar';
import { CENTRE_STAFF_ROLES, type RuleViolation } from '../../domain/model';
import { accessSummary, candidateNumberValue, checkAccessChoice, resultsOpenAt } from '../../domain/resultsAccess';
import { resultsAccessWorkflowId } from '../../workflows/ids';
import * as messages from '../../workflows/messages';
import { resultsAccessWorkflow } from '../../workflows/resultsAccess';
import type { Actor, LetterPolicy, ResultsAccessProgress, ResultsAccessState } from '../../workflows/resultsAccessTypes';
import { AccessMode, CentreNumber, SeriesId } from '../../workflows/searchAttributes';
import { HttpError, forbidden, notFound } from '../errors';
import { route, type RouteSpec, type SessionUser } from '../routeTable';

/** How letters are produced (A10); configuration, so tests run small batches and operators can tune them. */
export type ResultsAccessPolicy = LetterPolicy;

export const DEFAULT_RESULTS_ACCESS_POLICY: ResultsAccessPolicy = {
  batchSize: 250,
  batchConcurrency: 3,
  heartbeatTimeoutMs: 60_000,
  maxHistoryEvents: 10_000,
};

export interface ResultsAccessRouteDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: ResultsAccessPolicy;
}

const centreStaff = [...CENTRE_STAFF_ROLES];

const accessSchema = z.object({
  mode: z.string().trim().toUpperCase(),
  agreement: z.boolean().default(false),
  contact: z
    .object({ name: z.string().max(200).nullish(), telephone: z.string().max(50).nullish(), email: z.string().max(300).nullish() })
    .nullish(),
  delayMinutes: z.number().nullish(),
});
const candidateNumberList = z.array(z.string().trim().max(12)).max(50_000);
const selectionSchema = z.object({ add: candidateNumberList.default([]), remove: candidateNumberList.default([]) });
const listQuery = z.object({
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const actorOf = (u: SessionUser): Actor => ({ userId: u.id, name: u.name });
const refuse = (status: number, violations: RuleViolation[]) => new HttpError(status, violations.map((v) => v.message).join(' '), violations);

export function resultsAccessRoutes(deps: ResultsAccessRouteDeps): RouteSpec[] {
  const { db, temporal } = deps;
  const files = createLetterFileStore(db);

  const centreOf = (u: SessionUser | null): string => {
    if (!u?.centreNumber) throw forbidden();
    return u.centreNumber;
  };

  /** The series with what A1 and A2 need: how many of the centre's candidates are entered, and when it opens. */
  async function seriesFacts(seriesId: string, centreNumber: string) {
    const [s] = await db.select().from(series).where(eq(series.id, seriesId));
    if (!s) throw notFound(`There is no series ${seriesId}.`);
    const [entered] = await db
      .select({ n: sql<number>`count(distinct ${candidates.id})::int` })
      .from(candidates)
      .innerJoin(entries, eq(entries.candidateId, candidates.id))
      .where(and(eq(candidates.centreNumber, centreNumber), eq(entries.seriesId, seriesId)));
    const credentialsOpenAt = startOfDayInZone(String(s.credentialsOpenOn), s.timeZone);
    return { series: s, entered: entered?.n ?? 0, credentialsOpenAt, open: Date.now() >= credentialsOpenAt.getTime() };
  }
  type Facts = Awaited<ReturnType<typeof seriesFacts>>;

  const a1 = (f: Facts): RuleViolation => ({
    rule: 'A1',
    field: 'seriesId',
    message: `Candidate credentials can only be created for a series in which your centre has a valid entry; your centre has none in ${f.series.name}.`,
  });
  const a2 = (f: Facts): RuleViolation => ({
    rule: 'A2',
    field: 'seriesId',
    message: `Credential generation for ${f.series.name} opens on ${formatDay(String(f.series.credentialsOpenOn))}.`,
  });
  const requireConfigurable = (f: Facts) => {
    if (f.entered === 0) throw refuse(422, [a1(f)]);
    if (!f.open) throw refuse(422, [a2(f)]);
  };

  const handleOf = (centreNumber: string, seriesId: string) => temporal.workflow.getHandle(resultsAccessWorkflowId(centreNumber, seriesId));

  async function readModel(centreNumber: string, seriesId: string) {
    const [row] = await db.select().from(resultsAccess).where(and(eq(resultsAccess.centreNumber, centreNumber), eq(resultsAccess.seriesId, seriesId)));
    return row ?? null;
  }

  /** The live state from the workflow, else the read model, else the state of a series never configured (A3). */
  async function currentState(centreNumber: string, f: Facts): Promise<ResultsAccessState> {
    const row = await readModel(centreNumber, f.series.id);
    if (row) {
      const live = await handleOf(centreNumber, f.series.id).query(messages.resultsAccessStateQuery).catch(() => null);
      return live ?? ({ ...(row.state as Omit<ResultsAccessState, 'selected'>), selected: row.selected } as ResultsAccessState);
    }
    const releaseAt = f.series.releaseAt.toISOString();
    return {
      workflowId: resultsAccessWorkflowId(centreNumber, f.series.id),
      centreNumber,
      seriesId: f.series.id,
      configured: false,
      mode: 'NO',
      summary: accessSummary(null),
      agreedAt: null,
      agreedBy: null,
      contact: null,
      delayMinutes: 0,
      releaseAt,
      credentialsOpenAt: f.credentialsOpenAt.toISOString(),
      opensAt: resultsOpenAt(releaseAt, 0),
      viewableAt: null,
      selected: [],
      generations: [],
      timeline: [],
      version: 0,
    };
  }

  async function loginCounts(centreNumber: string, seriesId: string) {
    const [r] = await db
      .select({
        active: sql<number>`count(*) filter (where ${credentials.revokedAt} is null)::int`,
        revoked: sql<number>`count(*) filter (where ${credentials.revokedAt} is not null)::int`,
      })
      .from(credentials)
      .where(and(eq(credentials.centreNumber, centreNumber), eq(credentials.seriesId, seriesId)));
    return { activeLogins: r?.active ?? 0, revokedLogins: r?.revoked ?? 0 };
  }

  const idleProgress: ResultsAccessProgress = { generation: null, reason: null, status: 'idle', done: 0, total: 0, percent: 0, startedAt: null, secondsLeft: null, queued: 0, files: [] };

  async function requireWorkflow(centreNumber: string, seriesId: string, rule: string, field: string) {
    const row = await readModel(centreNumber, seriesId);
    if (!row || !row.configured) throw refuse(422, [{ rule, field, message: 'Choose who has access for this series first.' }]);
    return handleOf(centreNumber, seriesId);
  }

  const generationParam = (s: string) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw notFound();
    return n;
  };

  return [
    route({
      method: 'get',
      path: '/api/results-access/series',
      summary: "Every series with the centre's results-website access state: which can be configured (A1), from when (A2), and who has access (A3)",
      access: centreStaff,
      handler: async ({ user }) => {
        const centreNumber = centreOf(user);
        const all = await db.select().from(series).orderBy(desc(series.releaseAt));
        const entered = await db
          .select({ seriesId: entries.seriesId, n: sql<number>`count(distinct ${candidates.id})::int` })
          .from(entries)
          .innerJoin(candidates, eq(candidates.id, entries.candidateId))
          .where(eq(candidates.centreNumber, centreNumber))
          .groupBy(entries.seriesId);
        const states = await db.select().from(resultsAccess).where(eq(resultsAccess.centreNumber, centreNumber));
        const logins = await db
          .select({ seriesId: credentials.seriesId, n: sql<number>`count(*)::int` })
          .from(credentials)
          .where(and(eq(credentials.centreNumber, centreNumber), isNull(credentials.revokedAt)))
          .groupBy(credentials.seriesId);
        const now = Date.now();
        return {
          series: all.map((s) => {
            const n = entered.find((e) => e.seriesId === s.id)?.n ?? 0;
            const st = states.find((r) => r.seriesId === s.id);
            const opensAt = startOfDayInZone(String(s.credentialsOpenOn), s.timeZone);
            const configured = st?.configured ?? false;
            return {
              seriesId: s.id,
              name: s.name,
              enteredCandidates: n,
              canConfigure: n > 0 && now >= opensAt.getTime(),
              reason: n === 0 ? `No valid entry for your centre in ${s.name}. [A1]` : now < opensAt.getTime() ? `Credential generation opens on ${formatDay(String(s.credentialsOpenOn))}. [A2]` : null,
              credentialsOpenOn: s.credentialsOpenOn,
              releaseAt: s.releaseAt,
              configured,
              mode: configured ? st!.mode : 'NO',
              summary: configured ? accessSummary(st!.mode, st!.selected.length) : accessSummary(null),
              activeLogins: logins.find((l) => l.seriesId === s.id)?.n ?? 0,
              resultsOpenAt: st?.opensAt ?? s.releaseAt,
              resultsViewable: st?.viewableAt != null,
            };
          }),
        };
      },
    }),

    route({
      method: 'get',
      path: '/api/results-access/series/:seriesId',
      summary: 'The administration of one series: access choice, query contact, delay, logins, letters and progress (A1-A12)',
      access: centreStaff,
      handler: async ({ params, user }) => {
        const centreNumber = centreOf(user);
        const f = await seriesFacts(params.seriesId, centreNumber);
        if (f.entered === 0) throw refuse(422, [a1(f)]);
        const state = await currentState(centreNumber, f);
        const live = state.configured ? await handleOf(centreNumber, f.series.id).query(messages.resultsAccessProgressQuery).catch(() => null) : null;
        const [centreRow] = await db.select({ timeZone: centres.timeZone }).from(centres).where(eq(centres.number, centreNumber));
        return {
          series: { id: f.series.id, name: f.series.name, releaseAt: f.series.releaseAt, credentialsOpenOn: f.series.credentialsOpenOn },
          enteredCandidates: f.entered,
          open: f.open,
          // A2: before the opening date the page says when it opens, and nothing can be generated.
          message: f.open ? null : a2(f).message,
          resultsOpenAt: state.opensAt,
          resultsOpenAtLocal: formatInZone(new Date(state.opensAt), centreRow?.timeZone ?? f.series.timeZone),
          ...(await loginCounts(centreNumber, f.series.id)),
          state,
          progress: live ?? idleProgress,
        };
      },
    }),

    route({
      method: 'put',
      path: '/api/results-access/series/:seriesId/access',
      summary: 'Confirm who has access: NO, ALL or SELECTED, with the agreement, query contact and delay (A4-A8); starts the workflow',
      access: centreStaff,
      body: accessSchema,
      handler: async ({ params, user, body }) => {
        const centreNumber = centreOf(user);
        const b = body as z.infer<typeof accessSchema>;
        const f = await seriesFacts(params.seriesId, centreNumber);
        requireConfigurable(f);
        // Check before starting anything, so a refused choice leaves no workflow behind.
        const row = await readModel(centreNumber, f.series.id);
        const violations = checkAccessChoice(b, { resultsOpen: row?.viewableAt != null, currentDelayMinutes: row?.delayMinutes ?? 0 });
        if (violations.length > 0) throw refuse(422, violations);
        const start = new WithStartWorkflowOperation(resultsAccessWorkflow, {
          workflowId: resultsAccessWorkflowId(centreNumber, f.series.id),
          taskQueue: deps.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [
            {
              centreNumber,
              seriesId: f.series.id,
              timings: { releaseAt: f.series.releaseAt.toISOString(), credentialsOpenAt: f.credentialsOpenAt.toISOString() },
              policy: deps.policy,
            },
          ],
          typedSearchAttributes: [
            { key: CentreNumber, value: centreNumber },
            { key: SeriesId, value: f.series.id },
            { key: AccessMode, value: 'NOT_CONFIGURED' },
          ],
        });
        return temporal.workflow.executeUpdateWithStart(messages.setResultsAccess, { args: [{ ...b, actor: actorOf(user!) }], startWorkflowOperation: start });
      },
    }),

    route({
      method: 'get',
      path: '/api/results-access/series/:seriesId/candidates',
      summary: 'Candidates entered in the series, ascending by candidate number, searchable by name, number or UCI, with their access (A11)',
      access: centreStaff,
      query: listQuery,
      handler: async ({ params, user, query }) => {
        const centreNumber = centreOf(user);
        const q = query as z.infer<typeof listQuery>;
        const f = await seriesFacts(params.seriesId, centreNumber);
        if (f.entered === 0) throw refuse(422, [a1(f)]);
        const row = await readModel(centreNumber, f.series.id);
        const mode = row?.configured ? row.mode : 'NO';
        const selected = new Set(row?.selected ?? []);
        const filters: SQL[] = [
          eq(candidates.centreNumber, centreNumber),
          sql`exists (select 1 from ${entries} where ${entries.candidateId} = ${candidates.id} and ${entries.seriesId} = ${f.series.id})`,
        ];
        if (q.q) {
          const like = `%${q.q.replace(/[%_\\]/g, '\\$&')}%`;
          const value = candidateNumberValue(q.q);
          filters.push(
            sql`(${candidates.uci} ilike ${like} or (${candidates.firstName} || ' ' || ${candidates.lastName}) ilike ${like} or ${candidates.lastName} ilike ${like}
              ${value !== null ? sql`or ${candidates.numberValue} = ${value} or ${candidates.candidateNumber} like ${`${q.q}%`}` : sql``})`,
          );
        }
        const rows = await db
          .select({
            candidateNumber: candidates.candidateNumber,
            firstName: candidates.firstName,
            lastName: candidates.lastName,
            uci: candidates.uci,
            username: credentials.username,
            revokedAt: credentials.revokedAt,
            issuedAt: credentials.issuedAt,
            total: sql<number>`count(*) over ()::int`,
          })
          .from(candidates)
          .leftJoin(credentials, and(eq(credentials.candidateId, candidates.id), eq(credentials.seriesId, f.series.id)))
          .where(and(...filters))
          .orderBy(asc(candidates.numberValue), asc(candidates.candidateNumber))
          .limit(q.limit)
          .offset(q.offset);
        return {
          mode,
          total: rows[0]?.total ?? (q.offset > 0 ? (await db.select({ n: sql<number>`count(*)::int` }).from(candidates).where(and(...filters)))[0].n : 0),
          limit: q.limit,
          offset: q.offset,
          candidates: rows.map((r) => ({
            candidateNumber: r.candidateNumber,
            name: `${r.firstName} ${r.lastName}`,
            uci: r.uci,
            selected: mode === 'ALL' || (mode === 'SELECTED' && selected.has(r.candidateNumber)),
            login: r.username === null ? 'none' : r.revokedAt === null ? 'active' : 'revoked',
            username: r.revokedAt === null ? r.username : null,
            issuedAt: r.revokedAt === null ? r.issuedAt : null,
          })),
        };
      },
    }),

    route({
      method: 'post',
      path: '/api/results-access/series/:seriesId/selection',
      summary: 'Save the selection: candidates to add get credentials and letters, candidates removed are revoked (A11, A12)',
      access: centreStaff,
      body: selectionSchema,
      handler: async ({ params, user, body }) => {
        const centreNumber = centreOf(user);
        const b = body as z.infer<typeof selectionSchema>;
        const f = await seriesFacts(params.seriesId, centreNumber);
        requireConfigurable(f);
        const handle = await requireWorkflow(centreNumber, f.series.id, 'A11', 'mode');
        return handle.executeUpdate(messages.saveAccessSelection, { args: [{ add: b.add, remove: b.remove, actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'post',
      path: '/api/results-access/series/:seriesId/candidates/:candidateNumber/reissue',
      summary: "Reissue one candidate's credentials for a lost letter: a new password and a new letter (B11)",
      access: centreStaff,
      handler: async ({ params, user }) => {
        const centreNumber = centreOf(user);
        const f = await seriesFacts(params.seriesId, centreNumber);
        requireConfigurable(f);
        const handle = await requireWorkflow(centreNumber, f.series.id, 'B11', 'candidateNumber');
        return handle.executeUpdate(messages.reissueCredentials, { args: [{ candidateNumber: params.candidateNumber, actor: actorOf(user!) }] });
      },
    }),

    route({
      method: 'get',
      path: '/api/results-access/series/:seriesId/progress',
      summary: 'Letter generation progress: done / total and an estimate of the time left, then the files (A10)',
      access: centreStaff,
      handler: async ({ params, user }) => {
        const centreNumber = centreOf(user);
        const row = await readModel(centreNumber, params.seriesId);
        if (!row) return idleProgress;
        return handleOf(centreNumber, params.seriesId).query(messages.resultsAccessProgressQuery);
      },
    }),

    route({
      method: 'get',
      path: '/api/results-access/series/:seriesId/letters/:generation/:kind',
      summary: "Download a generation's letters: kind pdf (a page per candidate) or zip (a PDF per candidate) (A9); the centre's own only",
      access: centreStaff,
      handler: async ({ params, user, res }) => {
        const centreNumber = centreOf(user);
        if (params.kind !== 'pdf' && params.kind !== 'zip') throw notFound();
        const file = await files.find(centreNumber, params.seriesId, generationParam(params.generation), params.kind);
        if (!file) throw notFound('These letters do not exist or were deleted.');
        res.setHeader('Content-Type', file.contentType);
        res.setHeader('Content-Length', String(file.sizeBytes));
        res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        for await (const chunk of files.read(file)) {
          if (!res.write(chunk)) await once(res, 'drain');
        }
        res.end();
        return undefined;
      },
    }),

    route({
      method: 'delete',
      path: '/api/results-access/series/:seriesId/letters/:generation',
      summary: "Delete a generation's letter files once handed out (the passwords in them are gone with them)",
      access: centreStaff,
      handler: async ({ params, user }) => {
        const centreNumber = centreOf(user);
        const generation = generationParam(params.generation);
        const handle = await requireWorkflow(centreNumber, params.seriesId, 'A9', 'generation');
        return handle.executeUpdate(messages.deleteLetterFiles, { args: [{ generation, actor: actorOf(user!) }] });
      },
    }),
  ];
}
