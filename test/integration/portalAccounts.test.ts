// Results portal accounts end to end through the API (issue 6, RULES.md B1-B4, B8), on real Temporal, PostgreSQL
// and SMTP: letter and registered sign-in, the lockout and its accountLock workflows, uniform answers, per-address
// limits, reset and invitation links read back from the SMTP sink.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { createApp } from '../../api/app';
import { candidateAccounts, candidates, credentials, signInLocks, users } from '../../db/schema';
import { DEFAULT_PORTAL_ACCOUNTS_POLICY, SIGN_IN_REFUSED, type PortalAccountsPolicy } from '../../domain/portalAccounts';
import { recordFailure, recordSuccess } from '../../db/signInLocks';
import { accountLockWorkflowId, portalEmailWorkflowId } from '../../workflows/ids';
import * as messages from '../../workflows/messages';
import { createLetterLogin, portalVisitor, type LetterLogin } from '../support/portalAccountFixtures';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { eventually, inPool, recordHistory, signIn, startWorld, type World } from '../support/world';

let world: World;
let f: Fixture;
let other: Fixture;
/** Locks that hold for the whole file; the per-address limit is out of the way (each test has its own address). */
let app: ReturnType<typeof createApp>['app'];
/** Locks of eight seconds and reset links of two, to see them end by themselves. */
let shortApp: ReturnType<typeof createApp>['app'];
/** Three failed sign-ins per address, and three wrong Secret Numbers per candidate ID, per window. */
let limitedApp: ReturnType<typeof createApp>['app'];

const appWith = (policy: Partial<PortalAccountsPolicy>) =>
  world.createApp({
    portalAccountsPolicy: { ...DEFAULT_PORTAL_ACCOUNTS_POLICY, signInFailuresPerAddress: 10_000, requestsPerAddress: 10_000, registrationFailuresPerId: 10_000, ...policy },
  }).app;

beforeAll(async () => {
  world = await startWorld();
  [f, other] = await Promise.all([createFixture(world.database.db, { candidates: 12 }), createFixture(world.database.db, { candidates: 2 })]);
  app = appWith({ lockMs: 20 * 60_000 });
  shortApp = appWith({ lockMs: 8000, resetLinkTtlMs: 2000 });
  limitedApp = appWith({ signInFailuresPerAddress: 3, requestsPerAddress: 3, registrationFailuresPerId: 3 });
});
afterAll(() => world?.close());

const db = () => world.database.db;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const login = (n: string): Promise<LetterLogin> => createLetterLogin(db(), { centreNumber: f.centreNumber, seriesId: f.seriesId, candidateNumber: n });
const lockRow = async (kind: string, id: string) => (await db().select().from(signInLocks).where(and(eq(signInLocks.accountKind, kind as 'user'), eq(signInLocks.accountId, id))))[0];
const candidate = async (n: string, fx = f) => (await db().select().from(candidates).where(and(eq(candidates.centreNumber, fx.centreNumber), eq(candidates.candidateNumber, n))))[0];
async function withSecret(n: string, secret: string, fx = f) {
  await db().update(candidates).set({ secretNumber: secret }).where(and(eq(candidates.centreNumber, fx.centreNumber), eq(candidates.candidateNumber, n)));
  return candidate(n, fx);
}
/** The emails to an address whose subject starts with `subject`, once there are at least `n`. */
const mailsTo = (address: string, subject: string, n = 1) =>
  eventually(async () => {
    const m = (await world.mailTo(address)).filter((x) => x.subject.startsWith(subject));
    return m.length >= n ? m : undefined;
  }, 60_000);
const linkToken = (text: string) => /set-password\?token=([\w.-]+)/.exec(text)![1];
/** The accountLock workflows of one account, as an operator finds them in the Temporal UI. */
async function lockWorkflows(kind: string, id: string) {
  const ids: string[] = [];
  for await (const w of world.temporal.workflow.list({ query: `WorkflowType = 'accountLockWorkflow' AND AccountKind = '${kind}' AND AccountId = '${id}'` })) ids.push(w.workflowId);
  return ids;
}

describe('[B1] letter sign-in', () => {
  it('[B1] a candidate signs in with the username and password from the letter, and signs out; a revoked login never signs in', async () => {
    const l = await login('0001');
    const v = await portalVisitor(app);
    const res = await v.signInCandidate(l.username, l.password);
    expect(res.status).toBe(200);
    expect(res.body.candidate).toMatchObject({ name: 'Ada Tester1', via: 'letter', centreNumber: f.centreNumber, seriesId: f.seriesId });
    expect((await v.get('/api/candidates/session')).body.candidate.name).toBe('Ada Tester1');
    expect((await v.del('/api/candidates/session')).status).toBe(200);
    expect((await v.get('/api/candidates/session')).status).toBe(401);

    // Revoked while signed in: the session ends; afterwards the login is refused like any wrong one.
    const w = await portalVisitor(app);
    expect((await w.signInCandidate(l.username, l.password)).status).toBe(200);
    await db().update(credentials).set({ revokedAt: new Date() }).where(eq(credentials.id, l.credentialId));
    expect((await w.get('/api/candidates/session')).status).toBe(401);
    const refused = await w.signInCandidate(l.username, l.password);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: SIGN_IN_REFUSED, violations: [] });
  });

  it('[B1] [B11] a reissue while signed in ends the session of the old password', async () => {
    const l = await login('0002');
    const v = await portalVisitor(app);
    expect((await v.signInCandidate(l.username, l.password)).status).toBe(200);
    expect((await v.get('/api/candidates/session')).status).toBe(200);
    // What a reissue's letter batch writes: the same login row, a new password of a later generation.
    await db().update(credentials).set({ generation: sql`${credentials.generation} + 1` }).where(eq(credentials.id, l.credentialId));
    expect((await v.get('/api/candidates/session')).status).toBe(401);
  });
});

describe('[B1] registration with candidate ID and Secret Number', () => {
  it('[B1] registers with UCI and Secret Number, then signs in with the chosen email; an unknown ID and a wrong Secret Number get the same answer', async () => {
    const c = await withSecret('0002', '40718254');
    const v = await portalVisitor(app);
    const email = `ben-${f.centreNumber.toLowerCase()}@mail.example`;
    const wrong = await v.post('/api/candidates/register', { candidateId: c.uci, secretNumber: '40718255', email, password: 'my own password 1' });
    const unknown = await v.post('/api/candidates/register', { candidateId: `${c.uci}ZZ`, secretNumber: '40718254', email, password: 'my own password 1' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.violations).toEqual([expect.objectContaining({ rule: 'B1', field: 'secretNumber' })]);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.text).toBe(wrong.text);

    const weak = await v.post('/api/candidates/register', { candidateId: c.uci, secretNumber: '40718254', email: 'not-an-email', password: 'short' });
    expect(weak.status).toBe(422);
    expect(weak.body.violations.map((x: { field: string }) => x.field).sort()).toEqual(['email', 'password']);

    const ok = await v.post('/api/candidates/register', { candidateId: ` ${c.uci.toLowerCase()} `, secretNumber: '4071 8254', email, password: 'my own password 1' });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ registered: true, signInWith: email });
    const again = await v.post('/api/candidates/register', { candidateId: c.uci, secretNumber: '40718254', email: `x${email}`, password: 'my own password 1' });
    expect(again.status).toBe(422);
    expect(again.body.violations[0]).toMatchObject({ rule: 'B1', field: 'candidateId' });

    const signedIn = await v.signInCandidate(email, 'my own password 1');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.candidate).toMatchObject({ name: 'Ben Tester2', via: 'registered', seriesId: null });
  });
});

describe('[B1] Secret Numbers for centre staff', () => {
  it('[B1] centre staff see their own candidates’ candidate IDs and Secret Numbers (issued once) and who has registered', async () => {
    const officer = await signIn(app, other.officer, PASSWORD);
    const first = (await officer.get('/api/candidate-accounts').expect(200)).body.candidates;
    expect(first.map((c: { candidateNumber: string }) => c.candidateNumber)).toEqual(other.candidateNumbers);
    for (const c of first) expect(c.secretNumber).toMatch(/^\d{8}$/);
    const second = (await officer.get('/api/candidate-accounts').expect(200)).body.candidates;
    expect(second.map((c: { secretNumber: string }) => c.secretNumber)).toEqual(first.map((c: { secretNumber: string }) => c.secretNumber));

    const c = first[1];
    const v = await portalVisitor(app);
    const email = `listed-${other.centreNumber.toLowerCase()}@mail.example`;
    expect((await v.post('/api/candidates/register', { candidateId: c.candidateId, secretNumber: c.secretNumber, email, password: 'a good password' })).status).toBe(201);
    const after = (await officer.get('/api/candidate-accounts').expect(200)).body.candidates;
    expect(after.map((x: { registered: boolean }) => x.registered)).toEqual([false, true]);
  });
});

describe('[B2] exact passwords, forgiving names', () => {
  it('[B2] the password is case-sensitive and exact; spaces around the username or email are ignored and emails match in any case', async () => {
    const l = await login('0003');
    const v = await portalVisitor(app);
    const swapped = l.password.replace(/[a-zA-Z]/g, (ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()));
    expect((await v.signInCandidate(l.username, swapped)).status).toBe(401);
    expect((await v.signInCandidate(l.username, ` ${l.password}`)).status).toBe(401);
    expect((await v.signInCandidate(`  ${l.username.toUpperCase()} `, l.password)).status).toBe(200);

    const c = await withSecret('0004', '11112222');
    const email = `dev-${f.centreNumber.toLowerCase()}@mail.example`;
    expect((await v.post('/api/candidates/register', { candidateId: c.uci, secretNumber: '11112222', email, password: 'Case Matters 42' })).status).toBe(201);
    expect((await v.signInCandidate(`  ${email.toUpperCase()}  `, 'Case Matters 42')).status).toBe(200);
    expect((await v.signInCandidate(email, 'case matters 42')).status).toBe(401);

    // Staff too: the email in any case, with spaces around it.
    expect((await v.signInStaff(`  ${f.officer.toUpperCase()} `, PASSWORD)).status).toBe(200);
  });
});

describe('[B3] lockout', () => {
  it('[B3] three failed sign-ins lock the account; while locked the right password is refused; unknown, wrong and locked answers are byte for byte the same', async () => {
    const l = await login('0005');
    const v = await portalVisitor(app);
    const unknown = await v.signInCandidate(`nobody-${l.username}`, l.password);
    const wrong = await v.signInCandidate(l.username, 'not the password');
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.text).toBe(unknown.text);
    expect((await lockRow('candidate-letter', l.credentialId)).lockedUntil).toBeNull();
    await v.signInCandidate(l.username, 'not the password');
    await v.signInCandidate(l.username, 'not the password');
    const row = await lockRow('candidate-letter', l.credentialId);
    expect(row.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 15 * 60_000);
    expect(row.lockCount).toBe(1);

    const locked = await v.signInCandidate(l.username, l.password);
    expect(locked.status).toBe(unknown.status);
    expect(locked.text).toBe(unknown.text);
    // The lockout cannot find accounts: an unknown name tried as often reads the same.
    for (let i = 0; i < 3; i++) await v.signInCandidate(`nobody-${l.username}`, 'not the password');
    expect((await v.signInCandidate(`nobody-${l.username}`, l.password)).text).toBe(locked.text);

    // The lock is visible to an operator: one accountLock workflow with the account and the unlock time.
    const handle = world.temporal.workflow.getHandle(accountLockWorkflowId('candidate-letter', l.credentialId, 1));
    const description = await eventually(() => handle.describe().catch(() => undefined));
    expect(description.memo).toEqual({ lockedUntil: row.lockedUntil!.toISOString() });
    expect((await handle.query(messages.accountLockStateQuery)).endedBy).toBeNull();
  });

  it('[B3] a successful sign-in resets the count', async () => {
    const l = await login('0006');
    const v = await portalVisitor(app);
    for (let round = 0; round < 3; round++) {
      expect((await v.signInCandidate(l.username, 'wrong one')).status).toBe(401);
      expect((await v.signInCandidate(l.username, 'wrong two')).status).toBe(401);
      expect((await v.signInCandidate(l.username, l.password)).status).toBe(200);
    }
    expect(await lockRow('candidate-letter', l.credentialId)).toMatchObject({ failures: 0, lockedUntil: null, lockCount: 0 });
  });

  it('[B3] the lock lifts by itself when its (shortened) time is up, through its accountLock workflow', async () => {
    const l = await login('0007');
    const v = await portalVisitor(shortApp);
    for (let i = 0; i < 3; i++) await v.signInCandidate(l.username, 'wrong');
    expect((await v.signInCandidate(l.username, l.password)).status).toBe(401);
    const handle = world.temporal.workflow.getHandle(accountLockWorkflowId('candidate-letter', l.credentialId, 1));
    const state = await handle.result();
    expect(state).toMatchObject({ endedBy: 'time', unlockedBy: null, lockCount: 1 });
    expect(await lockRow('candidate-letter', l.credentialId)).toMatchObject({ failures: 0, lockedUntil: null, lockCount: 1 });
    expect((await v.signInCandidate(l.username, l.password)).status).toBe(200);
    await recordHistory(world.temporal, handle.workflowId, 'account-lock-expired');
  }, 90_000);

  it('[B3] three failures from parallel requests lock exactly once (one accountLock workflow)', async () => {
    const l = await login('0008');
    const visitors = await Promise.all(Array.from({ length: 9 }, () => portalVisitor(app)));
    const answers = await Promise.all(visitors.map((v) => v.signInCandidate(l.username, 'parallel wrong')));
    expect(answers.map((a) => a.status)).toEqual(Array(9).fill(401));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(await lockRow('candidate-letter', l.credentialId)).toMatchObject({ lockCount: 1 });
    const ids = await eventually(async () => {
      const found = await lockWorkflows('candidate-letter', l.credentialId);
      return found.length > 0 ? found : undefined;
    }, 60_000);
    await sleep(1000);
    expect(await lockWorkflows('candidate-letter', l.credentialId)).toEqual(ids);
    expect(ids).toEqual([accountLockWorkflowId('candidate-letter', l.credentialId, 1)]);
  }, 90_000);

  it('[B3] thirty failures at once on one account, straight at PostgreSQL, lock it exactly once', async () => {
    const account = { accountKind: 'candidate-letter' as const, accountId: randomUUID(), centreNumber: f.centreNumber };
    const policy = { failuresToLock: 3, lockMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 30 }, () => recordFailure(db(), account, policy)));
    expect(results.filter((r) => r !== null)).toEqual([{ lockCount: 1, lockedUntil: expect.any(Date) }]);
    expect(await lockRow(account.accountKind, account.accountId)).toMatchObject({ lockCount: 1, failures: 0 });
    expect(await recordSuccess(db(), account)).toEqual({ locked: true });
  });

  it('[B3] 200 attempts during a lock, the right password among them, give 0 successful sign-ins', async () => {
    const l = await login('0009');
    const v = await portalVisitor(app);
    for (let i = 0; i < 3; i++) await v.signInCandidate(l.username, 'wrong');
    const visitors = await Promise.all(Array.from({ length: 4 }, () => portalVisitor(app)));
    const statuses: number[] = [];
    const bodies = new Set<string>();
    await inPool(Array.from({ length: 200 }, (_, i) => i), 4, async (i) => {
      const res = await visitors[i % 4].signInCandidate(l.username, i % 2 === 0 ? l.password : `guess ${i}`);
      statuses.push(res.status);
      bodies.add(res.text);
    });
    expect(statuses.filter((s) => s === 200)).toHaveLength(0);
    expect(statuses).toHaveLength(200);
    expect([...bodies]).toEqual([JSON.stringify({ error: SIGN_IN_REFUSED, violations: [] })]);
    expect(await lockRow('candidate-letter', l.credentialId)).toMatchObject({ lockCount: 1 });
  }, 180_000);

  it('[B3] centre staff unlock their own candidates early; another centre cannot; teachers and staff are unlocked by board staff', async () => {
    const l = await login('0010');
    const v = await portalVisitor(app);
    for (let i = 0; i < 3; i++) await v.signInCandidate(l.username, 'wrong');
    expect((await v.signInCandidate(l.username, l.password)).status).toBe(401);

    const url = `/api/account-locks/candidate-letter/${l.credentialId}/unlock`;
    const officer = await signIn(app, f.officer, PASSWORD);
    const stranger = await signIn(app, other.officer, PASSWORD);
    expect((await stranger.post(url)).status).toBe(404);
    expect((await stranger.get('/api/account-locks')).body.locks.map((x: { accountId: string }) => x.accountId)).not.toContain(l.credentialId);
    const listed = (await officer.get('/api/account-locks').expect(200)).body.locks;
    expect(listed).toContainEqual(expect.objectContaining({ accountKind: 'candidate-letter', accountId: l.credentialId, candidateNumber: '0010', username: l.username }));

    // The lock's workflow has been started by the sign-in path in the background: wait until it runs, then unlock.
    const handle = world.temporal.workflow.getHandle(accountLockWorkflowId('candidate-letter', l.credentialId, 1));
    await eventually(() => handle.describe().catch(() => undefined));
    const unlocked = await officer.post(url);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lock).toMatchObject({ endedBy: 'staff', unlockedBy: { name: 'Olive Officer' } });
    expect((await v.signInCandidate(l.username, l.password)).status).toBe(200);
    expect((await officer.post(url)).status).toBe(422);
    expect(await handle.result()).toMatchObject({ endedBy: 'staff' });
    await recordHistory(world.temporal, handle.workflowId, 'account-lock-unlocked-by-staff');

    // A teacher's lock: not the centre's to lift, the board's.
    const teacherEmail = `teacher-lock-${f.centreNumber.toLowerCase()}@school.example`;
    const [teacher] = await db().insert(users).values({ email: teacherEmail, name: 'Tia Teacher', roles: ['teacher'], centreNumber: f.centreNumber, passwordHash: (await db().select().from(users).where(eq(users.email, f.officer)))[0].passwordHash }).returning();
    for (let i = 0; i < 3; i++) expect((await v.signInStaff(teacherEmail, 'wrong')).status).toBe(401);
    expect((await v.signInStaff(teacherEmail, PASSWORD)).status).toBe(401);
    const teacherUrl = `/api/account-locks/user/${teacher.id}/unlock`;
    expect((await officer.post(teacherUrl)).status).toBe(404);
    const board = await signIn(app, f.boardStaff, PASSWORD);
    expect((await board.post(teacherUrl)).status).toBe(200);
    expect((await v.signInStaff(teacherEmail, PASSWORD)).status).toBe(200);
  }, 120_000);

  it('[B3] staff sign-in: a locked account and an unknown email get the same answer as a wrong password', async () => {
    const hash = (await db().select().from(users).where(eq(users.email, f.officer)))[0].passwordHash;
    const email = `assistant-lock-${f.centreNumber.toLowerCase()}@centre.example`;
    await db().insert(users).values({ email, name: 'Amy Assistant', roles: ['exams_assistant'], centreNumber: f.centreNumber, passwordHash: hash });
    const v = await portalVisitor(app);
    const unknown = await v.signInStaff(`nobody-${email}`, 'wrong');
    for (let i = 0; i < 3; i++) expect((await v.signInStaff(email, 'wrong')).text).toBe(unknown.text);
    const locked = await v.signInStaff(email, PASSWORD);
    expect(locked.status).toBe(401);
    expect(locked.text).toBe(unknown.text);
  });

  it('[B3] sign-in failures are limited per client address (429), and another address is not affected', async () => {
    const l = await login('0011');
    const v = await portalVisitor(limitedApp);
    for (let i = 0; i < 3; i++) expect((await v.signInCandidate(`nobody-${i}-${l.username}`, 'wrong')).status).toBe(401);
    const limited = await v.signInCandidate(l.username, l.password);
    expect(limited.status).toBe(429);
    expect(limited.body.violations[0]).toMatchObject({ rule: 'B3', field: 'password' });
    expect((await (await portalVisitor(limitedApp)).signInCandidate(l.username, l.password)).status).toBe(200);
  });
});

describe('[B1] guessing a Secret Number', () => {
  it('[B1] wrong Secret Numbers are limited per candidate ID across addresses, and an unknown ID reads the same', async () => {
    const c = await withSecret('0011', '31415926');
    const attempt = async (candidateId: string, secretNumber: string) =>
      (await portalVisitor(limitedApp)).post('/api/candidates/register', { candidateId, secretNumber, email: `guess-${c.uci.toLowerCase()}@mail.example`, password: 'a good password' });
    for (const id of [c.uci, `${c.uci}NOPE`]) {
      for (let i = 0; i < 3; i++) expect((await attempt(id, `0000000${i}`)).status).toBe(422);
    }
    const known = await attempt(c.uci, '31415926');
    const unknown = await attempt(`${c.uci}NOPE`, '31415926');
    expect(known.status).toBe(429);
    expect(known.body.violations[0]).toMatchObject({ rule: 'B1', field: 'secretNumber' });
    expect(unknown.text).toBe(known.text);
  });
});

describe('[B4] forgotten password', () => {
  it('[B4] a reset link goes to the registered email, works once, signs out sessions of the old password, and the answer is the same for an unknown ID', async () => {
    const c = await withSecret('0012', '99990000');
    const email = `reset-${f.centreNumber.toLowerCase()}@mail.example`;
    const v = await portalVisitor(app);
    expect((await v.post('/api/candidates/register', { candidateId: c.uci, secretNumber: '99990000', email, password: 'first password 1' })).status).toBe(201);

    const known = await v.post('/api/candidates/password-reset', { candidateId: c.uci });
    const unknown = await v.post('/api/candidates/password-reset', { candidateId: `${c.uci}NOPE` });
    const unregistered = await v.post('/api/candidates/password-reset', { candidateId: (await candidate('0001')).uci });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    expect(unregistered.text).toBe(known.text);

    // Someone signed in with the old password, on another device.
    const elsewhere = await portalVisitor(app);
    expect((await elsewhere.signInCandidate(email, 'first password 1')).status).toBe(200);
    expect((await elsewhere.get('/api/candidates/session')).status).toBe(200);

    const [mail] = await mailsTo(email, 'Reset your password');
    const token = linkToken(mail.text);
    const tampered = await v.post('/api/password-links/use', { token: `${token.slice(0, -2)}xx`, password: 'second password 2' });
    expect(tampered.status).toBe(422);
    expect(tampered.body.violations[0]).toMatchObject({ rule: 'B4', field: 'token', message: expect.stringContaining('not valid') });

    const used = await v.post('/api/password-links/use', { token, password: 'second password 2' });
    expect(used.status).toBe(200);
    expect(used.body).toEqual({ passwordSet: true, signInWith: email });
    expect((await elsewhere.get('/api/candidates/session')).status).toBe(401); // the new password signed it out
    const again = await v.post('/api/password-links/use', { token, password: 'third password 3' });
    expect(again.status).toBe(422);
    expect(again.body.violations[0]).toMatchObject({ rule: 'B4', field: 'token', message: expect.stringContaining('used already') });
    expect((await v.signInCandidate(email, 'first password 1')).status).toBe(401);
    expect((await v.signInCandidate(email, 'second password 2')).status).toBe(200);
    const [account] = await db().select().from(candidateAccounts).where(eq(candidateAccounts.candidateId, c.id));
    expect(account.passwordHash).toMatch(/^\$argon2id\$/);
  }, 90_000);

  it('[B4] an expired reset link is refused with a clear message', async () => {
    const c = await withSecret('0001', '12121212', other);
    const email = `expiry-${other.centreNumber.toLowerCase()}@mail.example`;
    const v = await portalVisitor(shortApp);
    expect((await v.post('/api/candidates/register', { candidateId: c.uci, secretNumber: '12121212', email, password: 'first password 1' })).status).toBe(201);
    expect((await v.post('/api/candidates/password-reset', { candidateId: c.uci })).status).toBe(202);
    const [mail] = await mailsTo(email, 'Reset your password');
    await sleep(2500);
    const late = await v.post('/api/password-links/use', { token: linkToken(mail.text), password: 'second password 2' });
    expect(late.status).toBe(422);
    expect(late.body.violations[0]).toMatchObject({ rule: 'B4', field: 'token', message: expect.stringContaining('expired') });
    expect((await v.signInCandidate(email, 'first password 1')).status).toBe(200);
  }, 90_000);
});

describe('[B8] teachers', () => {
  it('[B8] an invited teacher sets the password through the emailed link and signs in with the email; one identity per email', async () => {
    const officer = await signIn(app, f.officer, PASSWORD);
    const email = `Teacher.${f.centreNumber}@School.example`;
    const invited = await officer.post('/api/teachers/invitations', { email: ` ${email} `, name: 'Theo Teacher' });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ teacher: { email: email.toLowerCase(), centreNumber: f.centreNumber }, setPasswordEmailSent: true });
    const v = await portalVisitor(app);
    // Before the password is set, signing in reads like any wrong password.
    expect((await v.signInStaff(email, 'anything at all')).status).toBe(401);

    const [mail] = await mailsTo(email.toLowerCase(), 'Set your password');
    expect(mail.text).toContain(`Your username is your email address: ${email.toLowerCase()}`);
    const short = await v.post('/api/password-links/use', { token: linkToken(mail.text), password: 'short' });
    expect(short.status).toBe(422);
    expect(short.body.violations[0]).toMatchObject({ rule: 'B8', field: 'password' });
    expect((await v.post('/api/password-links/use', { token: linkToken(mail.text), password: 'teacher password 8' })).status).toBe(200);
    const signedIn = await v.signInStaff(email.toUpperCase(), 'teacher password 8');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ roles: ['teacher'], centreNumber: f.centreNumber });

    // Invited again (or by the board): the same row, no second identity, no new link for a set password.
    const board = await signIn(app, f.boardStaff, PASSWORD);
    const again = await board.post('/api/teachers/invitations', { email, name: 'Theo Teacher', centreNumber: f.centreNumber });
    expect(again.body).toMatchObject({ teacher: { id: invited.body.teacher.id }, setPasswordEmailSent: false });
    const rows = await db().select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
    expect(rows).toHaveLength(1);
    // Another centre cannot take the identity over.
    const stranger = await signIn(app, other.officer, PASSWORD);
    expect((await stranger.post('/api/teachers/invitations', { email, name: 'Theo' })).status).toBe(422);
    // Nor a board account (no centre): it stays as it is.
    expect((await officer.post('/api/teachers/invitations', { email: f.boardStaff, name: 'Bea' })).status).toBe(422);
    expect((await db().select().from(users).where(eq(users.email, f.boardStaff)))[0]).toMatchObject({ roles: ['board_staff'], centreNumber: null });

    // [B4] for teachers: forgotten password by email, the same answer for an unknown email.
    const known = await v.post('/api/session/password-reset', { email });
    const unknown = await v.post('/api/session/password-reset', { email: `nobody-${email}` });
    expect(known.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    const [reset] = await mailsTo(email.toLowerCase(), 'Reset your password');
    expect((await v.post('/api/password-links/use', { token: linkToken(reset.text), password: 'teacher password 9' })).status).toBe(200);
    expect((await v.signInStaff(email, 'teacher password 9')).status).toBe(200);
    await recordHistory(world.temporal, portalEmailWorkflowId(mail.headers['x-business-key']), 'portal-email-sent');
  }, 120_000);
});
