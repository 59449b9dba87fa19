// Student results-analysis accounts (issue 7, RULES.md D1-D11).
// Staff routes: exams officers, managers and assistants only (D1), always scoped to the signed-in user's centre, so a
// centre never sees another centre's students. The import and the export are workflows (started and queried here);
// an account's status changes only through the guarded transitions of db/studentAccounts.ts.
// Student routes: activation with a code or link plus date of birth, sign-in, password reset, own analysis.
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { and, asc, desc, eq, gte, ilike, lte, sql, type SQL } from 'drizzle-orm';
import type { Request } from 'express';
import { z } from 'zod';
import { activationEmail } from '../../activities/email/studentEmails';
import { IMPORT_CHUNK_BYTES } from '../../activities/studentAccounts';
import type { Db } from '../../db/client';
import { candidates, centres, entries, series, studentAccountEvents, studentAccounts, studentExports, studentFiles, studentImportChunks, studentImportErrors, studentImports } from '../../db/schema';
import {
  accountById,
  accountByUsername,
  activationEmailKey,
  activationUrl,
  countFailure,
  isRateLimited,
  issueActivation,
  loadAnalysis,
  lookupCode,
  queueEmail,
  sha256,
  transitionWithRetry,
  useCode,
  type StudentAccountRow,
  type Tx,
} from '../../db/studentAccounts';
import { endOfDayInZone, parseDay, startOfDayInZone } from '../../domain/calendar';
import type { RuleViolation } from '../../domain/model';
import {
  allowedStaffActions,
  checkNewPassword,
  checkPermissionChange,
  IMPORT_TEMPLATE_CSV,
  isValidStudentEmail,
  MAX_WRONG_RESET_ANSWERS,
  normaliseSecurityAnswer,
  parseDateOfBirth,
  PERMISSION_WARNING,
  SECURITY_QUESTIONS,
  STATUS_EXPLANATIONS,
  STATUS_LABELS,
  STUDENT_ADMIN_ROLES,
  STUDENT_STATUSES,
  type ImportViolation,
  type StudentStatus,
} from '../../domain/studentAccounts';
import { studentEmailWorkflowId, studentExportWorkflowId, studentImportWorkflowId } from '../../workflows/ids';
import * as messages from '../../workflows/messages';
import { AccountId, AccountKind, CentreNumber, SeriesId, StudentJobPhase } from '../../workflows/searchAttributes';
import { studentEmailWorkflow } from '../../workflows/studentEmail';
import { studentExportWorkflow } from '../../workflows/studentExport';
import { studentImportWorkflow } from '../../workflows/studentImport';
import type { Actor, StudentExportState, StudentImportProgress, StudentImportState, StudentJobPolicy } from '../../workflows/studentTypes';
import { HttpError, forbidden, notFound } from '../errors';
import { DUMMY_HASH, hashPassword } from '../passwords';
import { route, type RouteSpec, type SessionUser } from '../routeTable';

/** Settings of the student account processes; configuration, so tests can run them short and small. */
export interface StudentPolicy extends StudentJobPolicy {
  /** How long an upload waits for its import to finish before answering 202 with progress. */
  importWaitMs: number;
  exportWaitMs: number;
  /** Uploads larger than this are refused (there is no row cap; this only bounds the stored file). */
  maxUploadBytes: number;
  /** Failed activation or reset attempts allowed per client address in a window (D3). */
  failureLimit: number;
  failureWindowMs: number;
  /** Failed sign-ins allowed per client address in the window (D8): generous, a school signs in from one address. */
  signInFailureLimit: number;
}

export const DEFAULT_STUDENT_POLICY: StudentPolicy = {
  importBatchSize: 5000,
  validateConcurrency: 2,
  createConcurrency: 2,
  exportBatchSize: 400,
  heartbeatTimeoutMs: 60_000,
  activationTtlMs: 30 * 24 * 3600_000,
  importWaitMs: 10_000,
  exportWaitMs: 20_000,
  maxUploadBytes: 256 * 1024 * 1024,
  failureLimit: 10,
  failureWindowMs: 15 * 60_000,
  signInFailureLimit: 500,
};

export interface StudentRouteDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  publicUrl: string;
  policy: StudentPolicy;
}

/** Only exams officers, managers and assistants (D1). */
const admins = [...STUDENT_ADMIN_ROLES];
const UPLOAD_TYPES = ['text/csv', 'text/plain', 'application/csv', 'application/vnd.ms-excel', 'application/octet-stream'];

const NOT_UTF8 = 'Save the file as "CSV UTF-8" (in Excel: File, Save As, CSV UTF-8) and upload it again.';

/**
 * An upload must be UTF-8 (D2): anything else would import names with replacement characters that then fail to
 * match the exam entries for no visible reason. Checked chunk by chunk as the file streams in; an incomplete
 * character at the end of a chunk is checked with the next one. Answers the refusal, naming the line, or null.
 */
function utf8Check() {
  let carry = Buffer.alloc(0);
  let line = 1;
  let first = true;
  return (chunk: Buffer, last: boolean): ImportViolation | null => {
    const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    if (first && bytes.length >= 2) {
      first = false;
      if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
        return { line: 1, field: 'file', rule: 'D2', message: `The file is saved as UTF-16 (Unicode text). ${NOT_UTF8}` };
      }
    }
    let keep = 0;
    for (let i = bytes.length - 1; !last && i >= Math.max(0, bytes.length - 3); i--) {
      if (bytes[i] < 0x80) break;
      if (bytes[i] >= 0xc0) {
        const need = bytes[i] >= 0xf0 ? 4 : bytes[i] >= 0xe0 ? 3 : 2;
        if (bytes.length - i < need) keep = bytes.length - i;
        break;
      }
    }
    const complete = bytes.subarray(0, bytes.length - keep);
    carry = Buffer.from(bytes.subarray(bytes.length - keep));
    if (!isUtf8(complete)) {
      const text = complete.toString('utf8');
      const at = line + (text.slice(0, text.indexOf('\uFFFD')).match(/\n/g)?.length ?? 0);
      return { line: at, field: 'file', rule: 'D2', message: `Line ${at} has characters that are not UTF-8 (the file may be saved as ANSI or Latin-1). ${NOT_UTF8}` };
    }
    for (const b of complete) if (b === 0x0a) line += 1;
    return null;
  };
}

const actorOf = (u: SessionUser): Actor => ({ userId: u.id, name: u.name });
const refuse = (status: number, violations: RuleViolation[]) => new HttpError(status, violations.map((v) => v.message).join(' '), violations);
const isUniqueViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
};
/** The promise's value if it settles within `ms`, else null; the timer never outlives the answer. */
async function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
const uuidParam = (s: string) => {
  if (!z.string().uuid().safeParse(s).success) throw notFound();
  return s;
};

const optionalText = z.string().trim().max(200).optional();
const searchQuery = z.object({
  forename: optionalText,
  surname: optionalText,
  uci: optionalText,
  email: optionalText,
  dateOfBirth: z.string().trim().max(20).optional(),
  schoolYear: z.string().trim().max(20).optional(),
  createdFrom: z.string().trim().max(10).optional(),
  createdTo: z.string().trim().max(10).optional(),
  createdBy: optionalText,
  mockResults: z.enum(['true', 'false']).optional(),
  highStakes: z.enum(['true', 'false']).optional(),
  status: z.enum(STUDENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200), offset: z.coerce.number().int().min(0).default(0) });
const uploadQuery = z.object({ consent: z.enum(['true', 'false']).optional(), filename: z.string().trim().max(200).optional() });
const exportBody = z.object({ seriesId: z.string().trim().min(1).max(40), responsibility: z.boolean().default(false) });
const emailBody = z.object({ email: z.string().trim().min(1, 'enter an email address').max(254) });
const permissionsBody = z.object({ mockResults: z.boolean(), highStakes: z.boolean(), confirmRemoval: z.boolean().optional() });

const activateBody = z
  .object({
    code: z.string().trim().max(40).optional(),
    token: z.string().trim().max(100).optional(),
    dateOfBirth: z.string().trim().min(1, 'enter your date of birth').max(20),
    password: z.string().max(200),
    email: z.string().trim().max(254).optional(),
    securityQuestion: z.enum(SECURITY_QUESTIONS),
    securityAnswer: z.string().trim().min(2, 'give an answer of at least 2 characters').max(200),
  })
  .refine((b) => !!b.code || !!b.token, { message: 'enter the verification code from your slip, or open your personal link', path: ['code'] });
const signInBody = z.object({ username: z.string().trim().min(1).max(254), password: z.string().min(1).max(200) });
const questionBody = z.object({ username: z.string().trim().min(1).max(254) });
const resetBody = z.object({
  username: z.string().trim().min(1).max(254),
  method: z.enum(['dateOfBirth', 'securityAnswer']),
  answer: z.string().trim().min(1).max(200),
  newPassword: z.string().max(200),
});

interface StudentSession {
  accountId: string;
  candidateId: string;
  centreNumber: string;
  name: string;
}

const SIGN_IN_REFUSED = `The username or password is not right, or this account cannot be signed in to. After 3 wrong passwords in a row, use "Forgotten your password?". [D8]`;
const RESET_REFUSED = `The answer is not right, or this account cannot be reset here. After ${MAX_WRONG_RESET_ANSWERS} wrong answers the account is locked and only your centre can reactivate it. [D9]`;
const CODE_REFUSED = 'This verification code or link is not valid, has been used or has expired. Ask your centre for a new one. [D3]';

export function studentAccountRoutes(deps: StudentRouteDeps): RouteSpec[] {
  const { db, temporal, policy } = deps;

  const centreOf = (u: SessionUser | null): string => {
    if (!u?.centreNumber) throw forbidden();
    return u.centreNumber;
  };

  /** The account if it belongs to the centre; any other gets the same 404 as one that does not exist. */
  async function findAccount(centreNumber: string, id: string) {
    const [hit] = await db
      .select({ account: studentAccounts, candidate: candidates })
      .from(studentAccounts)
      .innerJoin(candidates, eq(candidates.id, studentAccounts.candidateId))
      .where(and(eq(studentAccounts.id, uuidParam(id)), eq(studentAccounts.centreNumber, centreNumber)));
    if (!hit) throw notFound('There is no such student account at your centre.');
    return hit;
  }

  async function detail(centreNumber: string, id: string) {
    const { account: a, candidate: c } = await findAccount(centreNumber, id);
    const events = await db.select().from(studentAccountEvents).where(eq(studentAccountEvents.accountId, a.id)).orderBy(desc(studentAccountEvents.id)).limit(50);
    return {
      account: {
        id: a.id,
        forename: c.firstName,
        surname: c.lastName,
        dateOfBirth: c.dateOfBirth,
        uci: c.uci,
        candidateNumber: c.candidateNumber,
        email: a.email,
        schoolYear: a.schoolYear,
        status: a.status,
        statusLabel: STATUS_LABELS[a.status],
        // D4: the status in plain words, and the actions it allows.
        statusExplanation: STATUS_EXPLANATIONS[a.status],
        permissions: { mockResults: a.mockResults, highStakes: a.highStakes },
        permissionWarning: PERMISSION_WARNING,
        createdAt: a.createdAt,
        createdBy: a.createdByName,
        createdVia: a.createdVia,
        activatedAt: a.activatedAt,
        statusChangedAt: a.statusChangedAt,
      },
      allowedActions: allowedStaffActions(a.status).map((x) => ({ ...x, path: `/api/student-accounts/${a.id}/${x.path}` })),
      // Newest first; the creation comes from the account itself (bulk creation writes no event row per account).
      events: [
        ...events.map((e) => ({ at: e.at, actor: e.actor, kind: e.kind, fromStatus: e.fromStatus, toStatus: e.toStatus, detail: e.detail })),
        { at: a.createdAt, actor: a.createdByName, kind: 'created', fromStatus: null, toStatus: 'NotActivated', detail: { via: a.createdVia } },
      ],
    };
  }

  /** Sends a queued email through its own workflow, once (the id is the outbox key). */
  async function sendQueued(businessKey: string, accountId: string) {
    try {
      await temporal.workflow.start(studentEmailWorkflow, {
        workflowId: studentEmailWorkflowId(businessKey),
        taskQueue: deps.taskQueue,
        args: [{ businessKey, accountId }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: AccountKind, value: 'student' },
          { key: AccountId, value: accountId },
        ],
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  /** The answer to a staff action that queued an email (D6, D7, D9): the account as it is now, its email on its way. */
  async function answerWithEmail(r: Awaited<ReturnType<typeof transitionWithRetry<string>>>, centreNumber: string) {
    if (r.kind === 'missing') throw notFound();
    if (r.kind === 'refused') throw refuse(422, [r.violation]);
    await sendQueued(r.extra!, r.row.id);
    return { ...(await detail(centreNumber, r.row.id)), emailQueued: true };
  }

  /** A new activation code of the account's current generation, its email queued in the same transaction. */
  const queueActivation = (reason: 'welcome' | 'reactivated') => async (tx: Tx, row: StudentAccountRow) => {
    const [info] = await tx
      .select({ firstName: candidates.firstName, centreName: centres.name })
      .from(candidates)
      .innerJoin(centres, eq(centres.number, candidates.centreNumber))
      .where(eq(candidates.id, row.candidateId));
    const secret = await issueActivation(tx, row, { kind: 'email', ttlMs: policy.activationTtlMs });
    const key = activationEmailKey(row.id, row.activationGeneration);
    const mail = activationEmail({
      to: row.email!,
      firstName: info.firstName,
      centreName: info.centreName,
      url: activationUrl(deps.publicUrl, secret.token),
      expiresAt: secret.expiresAt,
      reason,
    });
    await queueEmail(tx, { businessKey: key, ...mail });
    return key;
  };

  const clientKey = (req: Request, what: string) => `student-${what}:${req.ip ?? 'unknown'}`;
  async function requireNotLimited(req: Request, what: string, field: string, limit = policy.failureLimit, rule = 'D3') {
    if (await isRateLimited(db, clientKey(req, what), limit, policy.failureWindowMs)) {
      throw new HttpError(429, 'Too many failed attempts from your network. Wait a few minutes and try again.', [
        { field, rule, message: `Too many failed attempts: try again in ${Math.ceil(policy.failureWindowMs / 60_000)} minutes.` },
      ]);
    }
  }
  const countFailed = (req: Request, what: string) => countFailure(db, clientKey(req, what), policy.failureWindowMs);

  async function currentStudent(req: Request) {
    const s = (req.session as { student?: StudentSession } | undefined)?.student;
    if (!s) throw new HttpError(401, 'Sign in to continue.');
    const account = await accountById(db, s.accountId);
    if (!account || account.status !== 'Active') {
      delete (req.session as { student?: StudentSession }).student;
      throw new HttpError(401, 'Sign in to continue.');
    }
    return { session: s, account };
  }

  async function analysisFor(account: StudentAccountRow, who: 'student' | 'staff') {
    const [c] = await db.select().from(candidates).where(eq(candidates.id, account.candidateId));
    const all = await loadAnalysis(db, account.candidateId);
    const withheld = (what: string) => ({
      shown: false,
      message: `${what} are not available: your centre has removed this permission. It can grant it again. [D10]`,
    });
    // D10: a removed permission removes that access until granted again; D11: staff see what the student may see.
    return {
      student: { name: `${c.firstName} ${c.lastName}`, uci: c.uci, candidateNumber: c.candidateNumber },
      viewer: who,
      permissions: { mockResults: account.mockResults, highStakes: account.highStakes },
      highStakes: account.highStakes ? { shown: true, series: all.highStakes } : withheld('High stakes results'),
      mock: account.mockResults ? { shown: true, series: all.mock } : withheld('Mock results'),
    };
  }

  // --- import -------------------------------------------------------------------------------------------------------

  const importHandle = (centreNumber: string, id: string) => temporal.workflow.getHandle(studentImportWorkflowId(centreNumber, id));
  async function importRow(centreNumber: string, id: string) {
    const [row] = await db.select().from(studentImports).where(and(eq(studentImports.id, uuidParam(id)), eq(studentImports.centreNumber, centreNumber)));
    return row ?? null;
  }
  async function importView(centreNumber: string, id: string) {
    const row = await importRow(centreNumber, id);
    if (!row) throw notFound('There is no such import at your centre.');
    const handle = importHandle(centreNumber, id);
    const live = await handle.query(messages.studentImportStateQuery).catch(() => null);
    const progress = await handle.query(messages.studentImportProgressQuery).catch(() => null);
    const state = live ?? (row.state as StudentImportState);
    return { import: state, progress: progress ?? progressOf(state), errorsUrl: `/api/student-accounts/imports/${id}/errors` };
  }
  const progressOf = (s: StudentImportState): StudentImportProgress => ({
    phase: s.phase,
    rows: s.rows,
    percent: ['completed', 'rejected', 'cancelled'].includes(s.phase) ? 100 : 0,
    validatedRows: 0,
    created: s.created,
    alreadyRegistered: s.alreadyRegistered,
    emailsSent: s.emailsSent,
    errorCount: s.errorCount,
    failingRows: s.failingRows,
  });
  async function importErrors(importId: string, limit: number, offset: number) {
    const rows = await db
      .select()
      .from(studentImportErrors)
      .where(eq(studentImportErrors.importId, importId))
      .orderBy(asc(studentImportErrors.line), asc(studentImportErrors.field))
      .limit(limit)
      .offset(offset);
    return rows.map((e) => ({ line: e.line, field: e.field, rule: e.rule, message: e.message }));
  }

  /** Streams the request body into chunks in PostgreSQL: any size, bounded memory. */
  async function storeUpload(req: Request, importId: string): Promise<number> {
    let seq = 0;
    let size = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      await db.insert(studentImportChunks).values({ importId, seq: seq++, content: Buffer.concat(pending) });
      pending = [];
      pendingBytes = 0;
    };
    const encoding = utf8Check();
    const refuseEncoding = (problem: ImportViolation | null) => {
      if (problem) throw new HttpError(422, `Nothing was imported: ${problem.message}`, [problem]);
    };
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > policy.maxUploadBytes) {
          throw new HttpError(413, 'The file is too large.', [{ field: 'file', rule: 'D2', message: `A file can be at most ${Math.floor(policy.maxUploadBytes / 2 ** 20)} MiB.` }]);
        }
        refuseEncoding(encoding(chunk, false));
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= IMPORT_CHUNK_BYTES) await flush();
      }
      refuseEncoding(encoding(Buffer.alloc(0), true));
      await flush();
    } catch (err) {
      await db.delete(studentImportChunks).where(eq(studentImportChunks.importId, importId));
      throw err;
    }
    return size;
  }

  // --- export -------------------------------------------------------------------------------------------------------

  const exportHandle = (centreNumber: string, seriesId: string, id: string) => temporal.workflow.getHandle(studentExportWorkflowId(centreNumber, seriesId, id));
  async function exportView(centreNumber: string, id: string) {
    const [row] = await db.select().from(studentExports).where(and(eq(studentExports.id, uuidParam(id)), eq(studentExports.centreNumber, centreNumber)));
    if (!row) throw notFound('There is no such export at your centre.');
    const live = await exportHandle(centreNumber, row.seriesId, id).query(messages.studentExportStateQuery).catch(() => null);
    const state = live ?? (row.state as StudentExportState);
    return { export: state, files: state.files.map((f) => ({ ...f, url: `/api/student-accounts/exports/${id}/files/${f.kind}` })) };
  }

  return [
    // --- staff: import (D2, D5) ---------------------------------------------------------------------------------------

    route({
      method: 'get',
      path: '/api/student-accounts/import/template',
      summary: 'Download the CSV template for importing students (D2)',
      access: admins,
      handler: async ({ res }) => {
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', 'attachment; filename="student-import-template.csv"');
        res.send(IMPORT_TEMPLATE_CSV);
        return undefined;
      },
    }),

    route({
      method: 'post',
      path: '/api/student-accounts/imports',
      summary:
        'Upload a CSV of students (body: the file, Content-Type text/csv; ?consent=true confirms the students’ consent to share their emails, D2). Every row is validated against the exam-entry data before anything is saved; all or nothing. Answers 201 when done, 422 with every failing row, or 202 with progress for a large file.',
      access: admins,
      query: uploadQuery,
      handler: async ({ req, res, user, query }) => {
        const centreNumber = centreOf(user);
        const q = query as z.infer<typeof uploadQuery>;
        if (q.consent !== 'true') {
          throw refuse(422, [{ field: 'consent', rule: 'D2', message: 'Tick the box to confirm that your centre has the students’ consent to share their email addresses.' }]);
        }
        const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (!UPLOAD_TYPES.includes(type)) {
          throw refuse(400, [{ field: 'file', rule: 'D2', message: 'Send the CSV file itself as the body, with Content-Type text/csv.' }]);
        }
        const importId = randomUUID();
        const size = await storeUpload(req, importId);
        if (size === 0) throw refuse(400, [{ field: 'file', rule: 'D2', message: 'The file is empty: download the template and fill in one student per line.' }]);
        const filename = q.filename && /^[\w .()-]+$/.test(q.filename) ? q.filename : 'students.csv';
        const handle = await temporal.workflow.start(studentImportWorkflow, {
          workflowId: studentImportWorkflowId(centreNumber, importId),
          taskQueue: deps.taskQueue,
          args: [{ importId, centreNumber, filename, sizeBytes: size, actor: actorOf(user!), policy }],
          typedSearchAttributes: [
            { key: CentreNumber, value: centreNumber },
            { key: StudentJobPhase, value: 'reading' },
          ],
        });
        const done = await waitAtMost(handle.result(), policy.importWaitMs);
        if (!done) {
          res.status(202);
          return { importId, ...(await importView(centreNumber, importId).catch(() => ({ import: null, progress: null }))), progressUrl: `/api/student-accounts/imports/${importId}` };
        }
        if (done.phase === 'rejected') {
          // D2: nothing saved; every failing row with its line, field and reason.
          res.status(422);
          const violations = await importErrors(importId, 1000, 0);
          return {
            error: `Nothing was imported: ${done.failingRows} of ${done.rows} rows (or the file itself) failed the checks. Correct them and upload the file again.`,
            violations,
            totalViolations: done.errorCount,
            importId,
            import: done,
            errorsUrl: `/api/student-accounts/imports/${importId}/errors`,
          };
        }
        res.status(201);
        return { importId, import: done };
      },
    }),

    route({
      method: 'get',
      path: '/api/student-accounts/imports',
      summary: "The centre's uploads with their outcome",
      access: admins,
      query: pageQuery,
      handler: async ({ user, query }) => {
        const centreNumber = centreOf(user);
        const q = query as z.infer<typeof pageQuery>;
        const rows = await db.select().from(studentImports).where(eq(studentImports.centreNumber, centreNumber)).orderBy(desc(studentImports.createdAt)).limit(q.limit).offset(q.offset);
        return { imports: rows.map(({ state: _s, ...r }) => r) };
      },
    }),

    route({
      method: 'get',
      path: '/api/student-accounts/imports/:id',
      summary: 'One upload: its phase and progress (rows validated, accounts created, emails sent)',
      access: admins,
      handler: async ({ user, params }) => importView(centreOf(user), params.id),
    }),

    route({
      method: 'get',
      path: '/api/student-accounts/imports/:id/errors',
      summary: 'Every failing row of an upload: line, field, rule and reason (D2), paged',
      access: admins,
      query: pageQuery,
      handler: async ({ user, params, query }) => {
        const centreNumber = centreOf(user);
        const q = query as z.infer<typeof pageQuery>;
        const row = await importRow(centreNumber, params.id);
        if (!row) throw notFound('There is no such import at your centre.');
        return { total: row.errorCount, limit: q.limit, offset: q.offset, violations: await importErrors(row.id, q.limit, q.offset) };
      },
    }),

    route({
      method: 'post',
      path: '/api/student-accounts/imports/:id/cancel',
      summary: 'Cancel an upload while it is still being read or validated (nothing has been saved then)',
      access: admins,
      handler: async ({ user, params }) => {
        const centreNumber = centreOf(user);
        const row = await importRow(centreNumber, params.id);
        if (!row) throw notFound('There is no such import at your centre.');
        if (['rejected', 'cancelled', 'completed'].includes(row.phase)) {
          throw refuse(422, [{ field: 'importId', rule: 'D2', message: `An import that is ${row.phase} cannot be cancelled: it has finished.` }]);
        }
        return importHandle(centreNumber, params.id).executeUpdate(messages.cancelStudentImport, { args: [{ actor: actorOf(user!) }] });
      },
    }),

    // --- staff: export (D3) -----------------------------------------------------------------------------------------

    route({
      method: 'post',
      path: '/api/student-accounts/exports',
      summary:
        'Export verification codes and links for a series, with the responsibility box ticked (D3): creates accounts for every student entered in the series who has none; a CSV of names, candidate numbers, codes and activation URLs and a PDF of slips.',
      access: admins,
      body: exportBody,
      handler: async ({ user, body, res }) => {
        const centreNumber = centreOf(user);
        const b = body as z.infer<typeof exportBody>;
        if (!b.responsibility) {
          throw refuse(422, [{ field: 'responsibility', rule: 'D3', message: 'Tick the box to accept responsibility for the safe, secure storage and distribution of the codes.' }]);
        }
        const [s] = await db.select().from(series).where(eq(series.id, b.seriesId));
        if (!s) throw refuse(422, [{ field: 'seriesId', rule: 'D3', message: `There is no series ${b.seriesId}.` }]);
        const [entered] = await db
          .select({ n: sql<number>`count(distinct ${candidates.id})::int` })
          .from(candidates)
          .innerJoin(entries, eq(entries.candidateId, candidates.id))
          .where(and(eq(candidates.centreNumber, centreNumber), eq(entries.seriesId, s.id)));
        if ((entered?.n ?? 0) === 0) throw refuse(422, [{ field: 'seriesId', rule: 'D3', message: `No student of your centre is entered for exams in ${s.name}.` }]);
        const exportId = randomUUID();
        const handle = await temporal.workflow.start(studentExportWorkflow, {
          workflowId: studentExportWorkflowId(centreNumber, s.id, exportId),
          taskQueue: deps.taskQueue,
          args: [{ exportId, centreNumber, seriesId: s.id, actor: actorOf(user!), policy }],
          typedSearchAttributes: [
            { key: CentreNumber, value: centreNumber },
            { key: SeriesId, value: s.id },
            { key: StudentJobPhase, value: 'planning' },
          ],
        });
        const done = await waitAtMost(handle.result(), policy.exportWaitMs);
        if (!done) {
          res.status(202);
          return { exportId, progressUrl: `/api/student-accounts/exports/${exportId}` };
        }
        res.status(201);
        return { exportId, export: done, files: done.files.map((f) => ({ ...f, url: `/api/student-accounts/exports/${exportId}/files/${f.kind}` })) };
      },
    }),

    route({
      method: 'get',
      path: '/api/student-accounts/exports',
      summary: "The centre's exports of verification links",
      access: admins,
      query: pageQuery,
      handler: async ({ user, query }) => {
        const q = query as z.infer<typeof pageQuery>;
        const rows = await db.select().from(studentExports).where(eq(studentExports.centreNumber, centreOf(user))).orderBy(desc(studentExports.createdAt)).limit(q.limit).offset(q.offset);
        return { exports: rows.map((r) => ({ id: r.id, seriesId: r.seriesId, phase: r.phase, requestedBy: r.requestedByName, createdAt: r.createdAt, state: r.state })) };
      },
    }),

    route({
      method: 'get',
      path: '/api/student-accounts/exports/:id',
      summary: 'One export: progress, counts and files',
      access: admins,
      handler: async ({ user, params }) => exportView(centreOf(user), params.id),
    }),

    route({
      method: 'get',
      path: '/api/student-accounts/exports/:id/files/:kind',
      summary: "Download an export's CSV (kind csv) or PDF of slips (kind pdf); the centre's own only",
      access: admins,
      handler: async ({ user, params, res }) => {
        const centreNumber = centreOf(user);
        if (params.kind !== 'csv' && params.kind !== 'pdf') throw notFound();
        const [file] = await db
          .select()
          .from(studentFiles)
          .where(and(eq(studentFiles.exportId, uuidParam(params.id)), eq(studentFiles.kind, params.kind), eq(studentFiles.centreNumber, centreNumber)));
        if (!file) throw notFound('This file does not exist (yet).');
        res.setHeader('Content-Type', file.contentType);
        res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        res.send(file.content);
        return undefined;
      },
    }),

    // --- staff: account management (D4, D6, D7, D9, D10, D11) ------------------------------------------------------

    route({
      method: 'get',
      path: '/api/student-accounts',
      summary:
        'Search the centre’s student accounts by forename, surname, UCI, email, date of birth, school year, date created, created by, permissions and status, combined, paged (D4)',
      access: admins,
      query: searchQuery,
      handler: async ({ user, query }) => {
        const centreNumber = centreOf(user);
        const q = query as z.infer<typeof searchQuery>;
        const like = (s: string) => `%${s.replace(/[%_\\]/g, '\\$&')}%`;
        const bad: RuleViolation[] = [];
        const dob = q.dateOfBirth ? parseDateOfBirth(q.dateOfBirth) : null;
        if (q.dateOfBirth && !dob) bad.push({ field: 'dateOfBirth', rule: 'D4', message: 'Give the date of birth as YYYY-MM-DD or DD/MM/YYYY.' });
        const from = q.createdFrom ? parseDay(q.createdFrom) : null;
        if (q.createdFrom && !from) bad.push({ field: 'createdFrom', rule: 'D4', message: 'Give the date as YYYY-MM-DD.' });
        const to = q.createdTo ? parseDay(q.createdTo) : null;
        if (q.createdTo && !to) bad.push({ field: 'createdTo', rule: 'D4', message: 'Give the date as YYYY-MM-DD.' });
        if (bad.length > 0) throw refuse(400, bad);
        const [centre] = await db.select({ timeZone: centres.timeZone }).from(centres).where(eq(centres.number, centreNumber));
        const zone = centre?.timeZone ?? 'UTC';
        const filters: Array<SQL | undefined> = [
          eq(studentAccounts.centreNumber, centreNumber),
          q.forename ? ilike(candidates.firstName, like(q.forename)) : undefined,
          q.surname ? ilike(candidates.lastName, like(q.surname)) : undefined,
          q.uci ? ilike(candidates.uci, like(q.uci)) : undefined,
          q.email ? ilike(studentAccounts.email, like(q.email)) : undefined,
          dob ? eq(candidates.dateOfBirth, dob) : undefined,
          q.schoolYear ? sql`lower(${studentAccounts.schoolYear}) = ${q.schoolYear.toLowerCase()}` : undefined,
          from ? gte(studentAccounts.createdAt, startOfDayInZone(from, zone)) : undefined,
          to ? lte(studentAccounts.createdAt, endOfDayInZone(to, zone)) : undefined,
          q.createdBy ? ilike(studentAccounts.createdByName, like(q.createdBy)) : undefined,
          q.mockResults ? eq(studentAccounts.mockResults, q.mockResults === 'true') : undefined,
          q.highStakes ? eq(studentAccounts.highStakes, q.highStakes === 'true') : undefined,
          q.status ? eq(studentAccounts.status, q.status) : undefined,
        ];
        const rows = await db
          .select({ account: studentAccounts, candidate: candidates, total: sql<number>`count(*) over ()::int` })
          .from(studentAccounts)
          .innerJoin(candidates, eq(candidates.id, studentAccounts.candidateId))
          .where(and(...filters))
          .orderBy(asc(candidates.lastName), asc(candidates.firstName), asc(studentAccounts.id))
          .limit(q.limit)
          .offset(q.offset);
        const total = rows[0]?.total ?? (q.offset > 0 ? (await db.select({ n: sql<number>`count(*)::int` }).from(studentAccounts).innerJoin(candidates, eq(candidates.id, studentAccounts.candidateId)).where(and(...filters)))[0].n : 0);
        return {
          total,
          limit: q.limit,
          offset: q.offset,
          accounts: rows.map(({ account: a, candidate: c }) => ({
            id: a.id,
            forename: c.firstName,
            surname: c.lastName,
            dateOfBirth: c.dateOfBirth,
            uci: c.uci,
            candidateNumber: c.candidateNumber,
            email: a.email,
            schoolYear: a.schoolYear,
            permissions: { mockResults: a.mockResults, highStakes: a.highStakes },
            status: a.status,
            statusLabel: STATUS_LABELS[a.status],
            createdAt: a.createdAt,
            createdBy: a.createdByName,
            detailUrl: `/api/student-accounts/${a.id}`,
          })),
        };
      },
    }),

    route({
      method: 'get',
      path: '/api/student-accounts/:id',
      summary: 'One account: details, the status explained in plain words, the actions it allows and its history (D4)',
      access: admins,
      handler: async ({ user, params }) => detail(centreOf(user), params.id),
    }),

    route({
      method: 'put',
      path: '/api/student-accounts/:id/email',
      summary: 'Change the email of a Not Activated (or Failed Activation) account: a new welcome email goes out and older links stop working (D6)',
      access: admins,
      body: emailBody,
      handler: async ({ user, params, body }) => {
        const centreNumber = centreOf(user);
        const { account } = await findAccount(centreNumber, params.id);
        const email = (body as z.infer<typeof emailBody>).email;
        let r;
        try {
          r = await transitionWithRetry(db, account.id, () => ({ kind: 'email-changed', email }), {
            actor: user!.name,
            detail: { email },
            then: queueActivation('welcome'),
          });
        } catch (err) {
          if (isUniqueViolation(err)) throw refuse(422, [{ field: 'email', rule: 'D6', message: 'This email address is already used by another student’s account.' }]);
          throw err;
        }
        return answerWithEmail(r, centreNumber);
      },
    }),

    route({
      method: 'post',
      path: '/api/student-accounts/:id/reactivate',
      summary: 'Reactivate a Failed Activation or Locked account: a new activation link is emailed and older links and codes stop working (D7, D9)',
      access: admins,
      handler: async ({ user, params }) => {
        const centreNumber = centreOf(user);
        const { account } = await findAccount(centreNumber, params.id);
        const r = await transitionWithRetry(db, account.id, () => ({ kind: 'reactivated' }), {
          actor: user!.name,
          guard: (row) =>
            row.email || !['FailedActivation', 'Locked'].includes(row.status)
              ? null
              : { field: 'email', rule: 'D7', message: 'This account has no email address to send the activation link to: change the email address instead, which sends a new welcome email.' },
          then: queueActivation('reactivated'),
        });
        return answerWithEmail(r, centreNumber);
      },
    }),

    route({
      method: 'put',
      path: '/api/student-accounts/:id/permissions',
      summary: 'Grant or remove the Mock results and High stakes permissions; removing needs the warning acknowledged (confirmRemoval) and removes that access until granted again (D10)',
      access: admins,
      body: permissionsBody,
      handler: async ({ user, params, body }) => {
        const centreNumber = centreOf(user);
        const b = body as z.infer<typeof permissionsBody>;
        const { account } = await findAccount(centreNumber, params.id);
        const r = await transitionWithRetry(db, account.id, () => ({ kind: 'permissions-changed', mockResults: b.mockResults, highStakes: b.highStakes }), {
          actor: user!.name,
          detail: { mockResults: b.mockResults, highStakes: b.highStakes },
          guard: (row) => checkPermissionChange(row, b)[0] ?? null,
        });
        if (r.kind === 'missing') throw notFound();
        if (r.kind === 'refused') throw refuse(422, [r.violation]);
        return detail(centreNumber, account.id);
      },
    }),

    route({
      method: 'get',
      path: '/api/student-accounts/:id/analysis',
      summary: "Open a student's results analysis: component marks, percentages and grades per series, high stakes and mock separately as permitted (D11)",
      access: admins,
      handler: async ({ user, params }) => {
        const { account } = await findAccount(centreOf(user), params.id);
        return analysisFor(account, 'staff');
      },
    }),

    // --- students ------------------------------------------------------------------------------------------------------

    route({
      method: 'post',
      path: '/api/students/activate',
      summary:
        'Activate a student account with the verification code (or the token of the personal link) and the date of birth, choosing a password and a security question; too many wrong dates of birth lock activation (D3, D7). Failed attempts are rate-limited per client address.',
      access: 'public',
      body: activateBody,
      handler: async ({ req, body }) => {
        const b = body as z.infer<typeof activateBody>;
        await requireNotLimited(req, 'activation', b.token ? 'token' : 'code');
        const dob = parseDateOfBirth(b.dateOfBirth);
        if (!dob) throw refuse(400, [{ field: 'dateOfBirth', rule: 'D7', message: 'Give your date of birth as DD/MM/YYYY or YYYY-MM-DD.' }]);
        const pw = checkNewPassword(b.password, dob);
        if (pw.length > 0) throw refuse(400, pw);
        const found = await lookupCode(db, b.token ? { token: b.token } : { code: b.code });
        if (found.kind === 'invalid') {
          await countFailed(req, 'activation');
          throw refuse(422, [{ field: b.token ? 'token' : 'code', rule: 'D3', message: CODE_REFUSED }]);
        }
        if (found.kind === 'activation-locked') {
          await countFailed(req, 'activation');
          throw refuse(422, [{ field: 'dateOfBirth', rule: 'D7', message: 'Activation of this account is locked after too many wrong dates of birth. Ask your centre to check your details and reactivate it.' }]);
        }
        const { account, candidate } = found;
        const email = account.email ?? b.email ?? '';
        if (!account.email && !isValidStudentEmail(email)) {
          throw refuse(400, [{ field: 'email', rule: 'D3', message: 'Give the email address you will sign in with.' }]);
        }
        if (dob !== candidate.dateOfBirth) {
          await countFailed(req, 'activation');
          const r = await transitionWithRetry(db, account.id, () => ({ kind: 'wrong-date-of-birth' }), { actor: 'student' });
          const locked = r.kind === 'applied' && r.row.status === 'FailedActivation';
          throw refuse(422, [
            {
              field: 'dateOfBirth',
              rule: 'D7',
              message: locked
                ? 'The date of birth does not match our records. Activation is now locked: ask your centre to check your details and reactivate your account.'
                : 'The date of birth does not match our records. After 3 wrong attempts activation is locked.',
            },
          ]);
        }
        const [passwordHash, securityAnswerHash] = await Promise.all([hashPassword(b.password), hashPassword(normaliseSecurityAnswer(b.securityAnswer))]);
        class CodeAlreadyUsed extends Error {}
        let r;
        try {
          r = await transitionWithRetry(db, account.id, () => ({ kind: 'activated', email: account.email ? null : email }), {
            actor: 'student',
            extra: { passwordHash, securityQuestion: b.securityQuestion, securityAnswerHash, activatedAt: new Date() },
            // The code must still be of the account's current generation: a new email or reactivation meanwhile wins.
            guard: (row) => (row.activationGeneration === account.activationGeneration ? null : { field: 'code', rule: 'D3', message: CODE_REFUSED }),
            then: async (tx) => {
              if (!(await useCode(tx, found.codeId))) throw new CodeAlreadyUsed();
            },
          });
        } catch (err) {
          if (err instanceof CodeAlreadyUsed) throw refuse(422, [{ field: 'code', rule: 'D3', message: CODE_REFUSED }]);
          if (isUniqueViolation(err)) throw refuse(422, [{ field: 'email', rule: 'D3', message: 'This email address is already used by another student’s account.' }]);
          throw err;
        }
        if (r.kind !== 'applied') throw refuse(422, [{ field: b.token ? 'token' : 'code', rule: 'D3', message: CODE_REFUSED }]);
        return { activated: true, status: r.row.status, username: r.row.email, uci: candidate.uci, message: 'Your account is active. Sign in with your email address (or UCI) and your new password.' };
      },
    }),

    route({
      method: 'post',
      path: '/api/students/session',
      summary: 'Student sign-in with email (or UCI) and password; three wrong passwords in a row put the account in Forgotten Password (D8)',
      access: 'public',
      body: signInBody,
      handler: async ({ req, body }) => {
        const { username, password } = body as z.infer<typeof signInBody>;
        await requireNotLimited(req, 'sign-in', 'username', policy.signInFailureLimit, 'D8');
        const hit = await accountByUsername(db, username);
        if (!hit || hit.account.status !== 'Active' || !hit.account.passwordHash) {
          await verify(DUMMY_HASH, password).catch(() => false); // the same work as for an account
          await countFailed(req, 'sign-in');
          throw new HttpError(401, SIGN_IN_REFUSED);
        }
        const ok = await verify(hit.account.passwordHash, password).catch(() => false);
        if (!ok) {
          await countFailed(req, 'sign-in');
          await transitionWithRetry(db, hit.account.id, () => ({ kind: 'wrong-password' }), { actor: 'student' });
          throw new HttpError(401, SIGN_IN_REFUSED);
        }
        const r = await transitionWithRetry(db, hit.account.id, () => ({ kind: 'signed-in' }), {
          actor: 'student',
          guard: (row) => (row.passwordHash === hit.account.passwordHash ? null : { field: 'password', rule: 'D8', message: SIGN_IN_REFUSED }),
        });
        if (r.kind !== 'applied') throw new HttpError(401, SIGN_IN_REFUSED);
        await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
        const student: StudentSession = { accountId: r.row.id, candidateId: r.row.candidateId, centreNumber: r.row.centreNumber, name: `${hit.candidate.firstName} ${hit.candidate.lastName}` };
        (req.session as unknown as { student: StudentSession }).student = student;
        await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
        return { student: { name: student.name, uci: hit.candidate.uci, email: r.row.email } };
      },
    }),

    route({
      method: 'delete',
      path: '/api/students/session',
      summary: 'Student sign-out: the student identity leaves the session (anything else in it, like a staff sign-in or the CSRF binding, stays)',
      access: 'public',
      handler: async ({ req }) => {
        const session = req.session as unknown as { student?: StudentSession };
        if (session.student) {
          delete session.student;
          await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
        }
        return { signedOut: true };
      },
    }),

    route({
      method: 'post',
      path: '/api/students/password-reset/question',
      summary: 'The security question to answer for a reset (the same kind of answer for an unknown username)',
      access: 'public',
      body: questionBody,
      handler: async ({ body }) => {
        const { username } = body as z.infer<typeof questionBody>;
        const hit = await accountByUsername(db, username);
        const decoy = SECURITY_QUESTIONS[parseInt(sha256(username.trim().toLowerCase()).slice(0, 8), 16) % SECURITY_QUESTIONS.length];
        return { question: hit?.account.securityQuestion ?? decoy, alternatives: ['dateOfBirth'] };
      },
    }),

    route({
      method: 'post',
      path: '/api/students/password-reset',
      summary:
        'Forgotten password: answer the date of birth or the security question and choose a new password; three wrong answers put the account in Locked, which only staff reactivation undoes (D8, D9)',
      access: 'public',
      body: resetBody,
      handler: async ({ req, body }) => {
        const b = body as z.infer<typeof resetBody>;
        await requireNotLimited(req, 'reset', 'answer');
        const pw = checkNewPassword(b.newPassword, '');
        if (pw.length > 0) throw refuse(400, pw.map((v) => ({ ...v, field: 'newPassword' })));
        const hit = await accountByUsername(db, b.username);
        const resettable = (s: StudentStatus) => s === 'Active' || s === 'ForgottenPassword';
        if (!hit || !resettable(hit.account.status)) {
          await verify(DUMMY_HASH, b.answer).catch(() => false);
          await countFailed(req, 'reset');
          throw refuse(422, [{ field: 'answer', rule: 'D9', message: RESET_REFUSED }]);
        }
        const { account, candidate } = hit;
        const right =
          b.method === 'dateOfBirth'
            ? parseDateOfBirth(b.answer) === candidate.dateOfBirth
            : !!account.securityAnswerHash && (await verify(account.securityAnswerHash, normaliseSecurityAnswer(b.answer)).catch(() => false));
        if (!right) {
          await countFailed(req, 'reset');
          await transitionWithRetry(db, account.id, () => ({ kind: 'wrong-reset-answer' }), { actor: 'student', detail: { method: b.method } });
          throw refuse(422, [{ field: 'answer', rule: 'D9', message: RESET_REFUSED }]);
        }
        const dobRule = checkNewPassword(b.newPassword, candidate.dateOfBirth);
        if (dobRule.length > 0) throw refuse(400, dobRule.map((v) => ({ ...v, field: 'newPassword' })));
        const passwordHash = await hashPassword(b.newPassword);
        const r = await transitionWithRetry(db, account.id, () => ({ kind: 'password-reset' }), { actor: 'student', extra: { passwordHash }, detail: { method: b.method } });
        if (r.kind !== 'applied') throw refuse(422, [{ field: 'answer', rule: 'D9', message: RESET_REFUSED }]);
        return { reset: true, status: r.row.status, message: 'Your password has been changed. Sign in with your new password.' };
      },
    }),

    route({
      method: 'get',
      path: '/api/students/me',
      summary: 'The signed-in student’s account',
      access: 'public',
      handler: async ({ req }) => {
        const { session, account } = await currentStudent(req);
        return { name: session.name, email: account.email, status: account.status, permissions: { mockResults: account.mockResults, highStakes: account.highStakes } };
      },
    }),

    route({
      method: 'get',
      path: '/api/students/me/analysis',
      summary: 'The signed-in student’s results analysis, within their permissions (D10)',
      access: 'public',
      handler: async ({ req }) => {
        const { account } = await currentStudent(req);
        return analysisFor(account, 'student');
      },
    }),
  ];
}
