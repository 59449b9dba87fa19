// Student accounts in PostgreSQL (issue 7): the one place where an account's status is written, through guarded
// transitions, plus activation secrets, rate limits and the results analysis. The rules themselves are pure code
// in domain/studentAccounts.ts; this module applies them with
//   update student_accounts set ... where id = $1 and status = $expected and version = $read returning *
// so of two concurrent attempts from the same state exactly one changes the row; the other re-reads and is judged
// again against the new state.
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, lte, sql } from 'drizzle-orm';
import {
  buildAnalysis,
  codeFromBytes,
  CODE_RANDOM_BYTES,
  decide,
  normaliseCode,
  type AccountSnapshot,
  type AnalysisSeries,
  type StudentEvent,
  type StudentStatus,
} from '../domain/studentAccounts';
import type { RuleViolation } from '../domain/model';
import type postgres from 'postgres';
import type { Db } from './client';
import {
  candidates,
  componentResults,
  components,
  entries,
  mockResults,
  outbox,
  series,
  studentAccountEvents,
  studentAccounts,
  studentActivationCodes,
  studentRateLimits,
  syllabuses,
} from './schema';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Q = Db | Tx;
export type StudentAccountRow = typeof studentAccounts.$inferSelect;

/** The postgres.js client behind a drizzle database (drizzle keeps it as $client), for COPY and bulk statements. */
export function rawClient(db: Db): postgres.Sql {
  const client = (db as Db & { $client?: postgres.Sql }).$client;
  if (!client) throw new Error('the database has no postgres.js client');
  return client;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

// --- activation secrets ------------------------------------------------------------------------------------------

export interface ActivationSecret {
  /** Typed from a slip: 60 bits from the CSPRNG, e.g. "K7QD-MX2P-9HRA". */
  code: string;
  /** In the personal activation URL: 256 bits from the CSPRNG, base64url. */
  token: string;
  codeHash: string;
  tokenHash: string;
}

export function newActivationSecret(): ActivationSecret {
  return newActivationSecrets(1)[0];
}

/** Many secrets from one draw of the CSPRNG (a batch of accounts). */
export function newActivationSecrets(n: number): ActivationSecret[] {
  const per = CODE_RANDOM_BYTES + 32;
  const bytes = randomBytes(n * per);
  const out: ActivationSecret[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * per;
    const code = codeFromBytes(bytes, at);
    const token = bytes.subarray(at + CODE_RANDOM_BYTES, at + per).toString('base64url');
    out[i] = { code, token, codeHash: sha256(code.replace(/-/g, '')), tokenHash: sha256(token) };
  }
  return out;
}

export const activationUrl = (publicUrl: string, token: string) => `${publicUrl.replace(/\/$/, '')}/students/activate?token=${token}`;
export const activationPageUrl = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/students/activate`;

/** The outbox key of the activation email of one generation: one email per account and generation, ever. */
export const activationEmailKey = (accountId: string, generation: number) => `student-account:${accountId}:activation:${generation}`;

// --- the guarded transition ----------------------------------------------------------------------------------------

const snapshot = (r: StudentAccountRow): AccountSnapshot => ({
  status: r.status,
  failedActivations: r.failedActivations,
  failedSignIns: r.failedSignIns,
  failedResets: r.failedResets,
  activationGeneration: r.activationGeneration,
  email: r.email,
  mockResults: r.mockResults,
  highStakes: r.highStakes,
});

/** Columns an event writes besides the state the rules decide (a password hash, the activation instant). */
export type ExtraColumns = Partial<Pick<StudentAccountRow, 'passwordHash' | 'securityQuestion' | 'securityAnswerHash' | 'activatedAt'>>;

export type TransitionResult =
  | { kind: 'applied'; row: StudentAccountRow; from: StudentStatus }
  | { kind: 'refused'; violation: RuleViolation }
  /** The row changed since it was read (another attempt won): read it again and decide again. */
  | { kind: 'raced' };

/**
 * THE place an account's state changes. Decides with the pure rules, then writes guarded by the status and version
 * that were read: `where id = $1 and status = $expected and version = $read returning *`.
 */
export async function transition(q: Q, account: StudentAccountRow, event: StudentEvent, opts: { actor: string; extra?: ExtraColumns; detail?: Record<string, unknown> }): Promise<TransitionResult> {
  const decision = decide(snapshot(account), event);
  if (!decision.ok) return { kind: 'refused', violation: decision.violation };
  const next = decision.next;
  const [row] = await q
    .update(studentAccounts)
    .set({
      status: next.status,
      failedActivations: next.failedActivations,
      failedSignIns: next.failedSignIns,
      failedResets: next.failedResets,
      activationGeneration: next.activationGeneration,
      email: next.email,
      mockResults: next.mockResults,
      highStakes: next.highStakes,
      version: sql`${studentAccounts.version} + 1`,
      ...(next.status !== account.status ? { statusChangedAt: new Date() } : {}),
      ...opts.extra,
    })
    .where(and(eq(studentAccounts.id, account.id), eq(studentAccounts.status, account.status), eq(studentAccounts.version, account.version)))
    .returning();
  if (!row) return { kind: 'raced' };
  if (event.kind !== 'signed-in' || account.failedSignIns > 0) {
    await q.insert(studentAccountEvents).values({ accountId: row.id, actor: opts.actor, kind: event.kind, fromStatus: account.status, toStatus: row.status, detail: opts.detail ?? null });
  }
  return { kind: 'applied', row, from: account.status };
}

export async function accountById(q: Q, id: string): Promise<StudentAccountRow | null> {
  const [row] = await q.select().from(studentAccounts).where(eq(studentAccounts.id, id));
  return row ?? null;
}

/**
 * Reads the account and applies the event, again on a fresh read when another change won the race; `prepare` runs
 * inside the same transaction after a successful change (issue a code, queue an email).
 */
export async function transitionWithRetry<T>(
  db: Db,
  accountId: string,
  event: (row: StudentAccountRow) => StudentEvent,
  opts: {
    actor: string;
    extra?: ExtraColumns;
    detail?: Record<string, unknown>;
    /** Checked on every read, before deciding: a refusal here changes nothing. */
    guard?: (row: StudentAccountRow) => RuleViolation | null;
    then?: (tx: Tx, row: StudentAccountRow) => Promise<T>;
  },
): Promise<{ kind: 'applied'; row: StudentAccountRow; from: StudentStatus; extra: T | undefined } | { kind: 'refused'; violation: RuleViolation } | { kind: 'missing' }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = await db.transaction(async (tx) => {
      const row = await accountById(tx, accountId);
      if (!row) return { kind: 'missing' as const };
      const refused = opts.guard?.(row);
      if (refused) return { kind: 'refused' as const, violation: refused };
      const r = await transition(tx, row, event(row), opts);
      if (r.kind !== 'applied') return r;
      const extra = opts.then ? await opts.then(tx, r.row) : undefined;
      return { ...r, extra };
    });
    if (outcome.kind !== 'raced') return outcome;
  }
  return { kind: 'refused', violation: { rule: 'D4', field: 'status', message: 'The account is changing right now; try again in a moment.' } };
}

/** Stores a new code for the account's current generation and returns it in plain (for the email or the slip). */
export async function issueActivation(q: Q, account: { id: string; activationGeneration: number }, opts: { kind: 'email' | 'export'; ttlMs: number; exportId?: string; now?: Date }): Promise<ActivationSecret & { expiresAt: Date }> {
  const secret = newActivationSecret();
  const expiresAt = new Date((opts.now ?? new Date()).getTime() + opts.ttlMs);
  await q.insert(studentActivationCodes).values({
    accountId: account.id,
    generation: account.activationGeneration,
    kind: opts.kind,
    // An emailed link carries no typed code: only an export's slips do.
    codeHash: opts.kind === 'export' ? secret.codeHash : null,
    tokenHash: secret.tokenHash,
    exportId: opts.exportId ?? null,
    expiresAt,
  });
  return { ...secret, expiresAt };
}

/** Mail a staff action queued in its transaction; the studentEmail workflow sends it (or the outbox relay, later). */
export async function queueEmail(q: Q, mail: { businessKey: string; to: string; subject: string; text: string }): Promise<void> {
  await q.insert(outbox).values({ businessKey: mail.businessKey, toAddress: mail.to, subject: mail.subject, textBody: mail.text, relay: 'student-email' }).onConflictDoNothing();
}

export type CodeLookup =
  | { kind: 'usable'; codeId: string; account: StudentAccountRow; candidate: typeof candidates.$inferSelect }
  | { kind: 'activation-locked'; account: StudentAccountRow }
  | { kind: 'invalid' };

/**
 * The account behind a code or link if the code still works: unused, unexpired, of the account's current
 * generation (a reactivation or a new email makes older ones stop), and the account Not Activated.
 */
export async function lookupCode(q: Q, by: { code?: string; token?: string }, now = new Date()): Promise<CodeLookup> {
  const hash = by.token ? sha256(by.token) : by.code ? sha256(normaliseCode(by.code) ?? '#') : null;
  if (!hash) return { kind: 'invalid' };
  const [hit] = await q
    .select({ code: studentActivationCodes, account: studentAccounts, candidate: candidates })
    .from(studentActivationCodes)
    .innerJoin(studentAccounts, eq(studentAccounts.id, studentActivationCodes.accountId))
    .innerJoin(candidates, eq(candidates.id, studentAccounts.candidateId))
    .where(by.token ? eq(studentActivationCodes.tokenHash, hash) : eq(studentActivationCodes.codeHash, hash));
  if (!hit) return { kind: 'invalid' };
  const { code, account } = hit;
  if (code.usedAt !== null || code.expiresAt.getTime() <= now.getTime() || code.generation !== account.activationGeneration) return { kind: 'invalid' };
  if (account.status === 'FailedActivation') return { kind: 'activation-locked', account };
  if (account.status !== 'NotActivated') return { kind: 'invalid' };
  return { kind: 'usable', codeId: code.id, account, candidate: hit.candidate };
}

/** Marks the code used, in the activation's transaction: a code works once. False if another use won. */
export async function useCode(q: Q, codeId: string): Promise<boolean> {
  const rows = await q
    .update(studentActivationCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(studentActivationCodes.id, codeId), sql`${studentActivationCodes.usedAt} is null`))
    .returning({ id: studentActivationCodes.id });
  return rows.length === 1;
}

/** The account a student signs in with: their email (any case) or their UCI. */
export async function accountByUsername(q: Q, username: string): Promise<{ account: StudentAccountRow; candidate: typeof candidates.$inferSelect } | null> {
  const u = username.trim();
  if (!u) return null;
  const byEmail = u.includes('@');
  const [hit] = await q
    .select({ account: studentAccounts, candidate: candidates })
    .from(studentAccounts)
    .innerJoin(candidates, eq(candidates.id, studentAccounts.candidateId))
    .where(byEmail ? sql`lower(${studentAccounts.email}) = ${u.toLowerCase()}` : eq(candidates.uci, u));
  return hit ?? null;
}

// --- rate limits (D3) --------------------------------------------------------------------------------------------

/** True while `key` has `limit` or more failures in the current window. */
export async function isRateLimited(q: Q, key: string, limit: number, windowMs: number): Promise<boolean> {
  const [row] = await q.select().from(studentRateLimits).where(eq(studentRateLimits.key, key));
  return !!row && row.windowStart.getTime() > Date.now() - windowMs && row.count >= limit;
}

/** Counts one failure against `key` in a fixed window. */
export async function countFailure(q: Q, key: string, windowMs: number): Promise<number> {
  const expired = sql`${studentRateLimits.windowStart} <= now() - make_interval(secs => ${windowMs / 1000})`;
  const [row] = await q
    .insert(studentRateLimits)
    .values({ key, windowStart: new Date(), count: 1 })
    .onConflictDoUpdate({
      target: studentRateLimits.key,
      set: {
        count: sql`case when ${expired} then 1 else ${studentRateLimits.count} + 1 end`,
        windowStart: sql`case when ${expired} then now() else ${studentRateLimits.windowStart} end`,
      },
    })
    .returning({ count: studentRateLimits.count });
  return row.count;
}

// --- results analysis (D10, D11) ---------------------------------------------------------------------------------

export interface ResultsAnalysis {
  highStakes: AnalysisSeries[];
  mock: AnalysisSeries[];
}

/** Released results only: a series' results appear from its release instant. */
export async function loadAnalysis(q: Q, candidateId: string, now = new Date()): Promise<ResultsAnalysis> {
  const rows = await q
    .select({
      seriesId: entries.seriesId,
      seriesName: series.name,
      syllabusCode: entries.syllabusCode,
      syllabusName: syllabuses.name,
      grade: entries.grade,
      componentCode: componentResults.componentCode,
      componentName: components.name,
      mark: componentResults.mark,
      maxMark: components.maxMark,
      exempt: componentResults.exempt,
    })
    .from(entries)
    .innerJoin(series, eq(series.id, entries.seriesId))
    .innerJoin(syllabuses, eq(syllabuses.code, entries.syllabusCode))
    .innerJoin(componentResults, eq(componentResults.entryId, entries.id))
    .innerJoin(components, and(eq(components.syllabusCode, entries.syllabusCode), eq(components.code, componentResults.componentCode)))
    .where(and(eq(entries.candidateId, candidateId), lte(series.releaseAt, now)))
    .orderBy(desc(series.releaseAt), asc(entries.syllabusCode), asc(componentResults.componentCode));
  const mocks = await q
    .select()
    .from(mockResults)
    .where(eq(mockResults.candidateId, candidateId))
    .orderBy(desc(mockResults.takenOn), asc(mockResults.mockName), asc(mockResults.syllabusCode), asc(mockResults.componentCode));
  return {
    highStakes: buildAnalysis(rows),
    mock: buildAnalysis(
      mocks.map((m) => ({
        seriesId: `${m.mockName}|${m.takenOn}`,
        seriesName: `${m.mockName} (${m.takenOn})`,
        syllabusCode: m.syllabusCode,
        syllabusName: m.syllabusName,
        grade: m.grade,
        componentCode: m.componentCode,
        componentName: m.componentName,
        mark: m.mark,
        maxMark: m.maxMark,
        exempt: false,
      })),
    ),
  };
}
