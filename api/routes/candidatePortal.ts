// The candidates' results portal, accounts part (issue 6, RULES.md B1-B4): sign in with the letter's username and
// password or with a registered account's email; register with candidate ID (the UCI) and Secret Number; ask for a
// password reset link. Every answer that could tell whether a candidate or account exists is uniform: the sign-in
// refusal (api/signInGuard.ts), the registration refusal, and the reset request's answer (the work happens after
// the answer, so even its timing says nothing).
import { randomInt, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Request } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { countFailure, isRateLimited } from '../../db/studentAccounts';
import { candidateAccounts, candidates, credentials } from '../../db/schema';
import { checkChosenPassword, isValidEmail, normaliseEmail, normaliseSecretNumber, signInName } from '../../domain/portalAccounts';
import { CENTRE_STAFF_ROLES, type RuleViolation } from '../../domain/model';
import { candidateOf, endCandidateSession, requireCandidate, startCandidateSession, type CandidateSession } from '../candidateSession';
import { forbidden, HttpError } from '../errors';
import { hashPassword } from '../passwords';
import { route, type RouteSpec, type SessionUser } from '../routeTable';
import { checkSignIn, countAddressAttempt, requireAddressAllowance, type SignInAccount, type SignInGuardDeps } from '../signInGuard';
import { sendPasswordLink, type PasswordLinkDeps } from '../passwordLinkMail';

export type CandidatePortalDeps = SignInGuardDeps & PasswordLinkDeps;

const signInBody = z.object({ username: z.string().min(1).max(254), password: z.string().min(1).max(200) });
const registerBody = z.object({
  candidateId: z.string().min(1).max(40),
  secretNumber: z.string().min(1).max(40),
  email: z.string().max(254),
  password: z.string().max(400),
});
const resetBody = z.object({ candidateId: z.string().min(1).max(40) });

/** A candidate ID as typed: the UCI, without surrounding spaces, in any case. */
const normaliseUci = (s: string) => s.trim().toUpperCase();

export const REGISTRATION_REFUSED = 'The candidate ID and Secret Number do not match. Check them with your centre.';
export const RESET_REQUESTED =
  'If this candidate ID has a registered account, we have sent a link to set a new password to its email address. Check your inbox; the link works once.';

const refuse = (status: number, violations: RuleViolation[]) => new HttpError(status, violations.map((v) => v.message).join(' '), violations);
const isUniqueViolation = (err: unknown, index: string) => {
  const e = err as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } };
  const pg = e?.code ? e : e?.cause;
  return pg?.code === '23505' && pg.constraint_name === index;
};

/** The account and identity behind a sign-in name: a registered account by email, or a letter's login by username. */
async function findLogin(db: Db, username: string): Promise<{ account: SignInAccount; session: CandidateSession } | null> {
  const name = signInName(username);
  const person = { id: candidates.id, centreNumber: candidates.centreNumber, firstName: candidates.firstName, lastName: candidates.lastName };
  if (name.kind === 'email') {
    const [hit] = await db
      .select({ id: candidateAccounts.id, hash: candidateAccounts.passwordHash, c: person })
      .from(candidateAccounts)
      .innerJoin(candidates, eq(candidates.id, candidateAccounts.candidateId))
      .where(sql`lower(${candidateAccounts.email}) = ${name.value}`);
    if (!hit) return null;
    return {
      account: { accountKind: 'candidate-account', accountId: hit.id, centreNumber: hit.c.centreNumber, passwordHash: hit.hash },
      session: { via: 'registered', candidateId: hit.c.id, centreNumber: hit.c.centreNumber, seriesId: null, accountId: hit.id, name: `${hit.c.firstName} ${hit.c.lastName}` },
    };
  }
  const [hit] = await db
    .select({ id: credentials.id, hash: credentials.passwordHash, seriesId: credentials.seriesId, generation: credentials.generation, c: person })
    .from(credentials)
    .innerJoin(candidates, eq(candidates.id, credentials.candidateId))
    .where(and(eq(credentials.username, name.value), isNull(credentials.revokedAt)));
  if (!hit) return null;
  return {
    account: { accountKind: 'candidate-letter', accountId: hit.id, centreNumber: hit.c.centreNumber, passwordHash: hit.hash },
    session: { via: 'letter', candidateId: hit.c.id, centreNumber: hit.c.centreNumber, seriesId: hit.seriesId, accountId: hit.id, generation: hit.generation, name: `${hit.c.firstName} ${hit.c.lastName}` },
  };
}

/** Eight digits from the CSPRNG. */
const newSecretNumber = () => String(randomInt(100_000_000)).padStart(8, '0');

const candidateView = (c: CandidateSession) => ({ name: c.name, via: c.via, centreNumber: c.centreNumber, seriesId: c.seriesId });

export function candidatePortalRoutes(deps: CandidatePortalDeps): RouteSpec[] {
  const { db, policy } = deps;

  async function register(req: Request, b: z.infer<typeof registerBody>) {
    await requireAddressAllowance(deps, req, 'candidate-register', policy.requestsPerAddress, 'secretNumber', 'B1');
    const email = normaliseEmail(b.email);
    const problems = [
      ...(isValidEmail(email) ? [] : [{ rule: 'B1', field: 'email', message: 'Enter a valid email address, like name@example.com.' }]),
      ...checkChosenPassword(b.password, 'B1'),
    ];
    if (problems.length > 0) throw refuse(422, problems);
    const uci = normaliseUci(b.candidateId);
    // Guessing one candidate's Secret Number from many addresses meets this limit; an unknown ID is counted alike,
    // so the limit says nothing about which IDs exist.
    const idKey = `portal-register-id:${uci}`;
    if (await isRateLimited(db, idKey, policy.registrationFailuresPerId, policy.addressWindowMs)) {
      throw refuse(429, [{ rule: 'B1', field: 'secretNumber', message: 'Too many wrong Secret Numbers for this candidate ID: try again later, or ask your centre.' }]);
    }
    const [candidate] = await db.select().from(candidates).where(eq(candidates.uci, uci));
    // An unknown ID and a wrong Secret Number get the same answer (B1: registration reveals no ID).
    const given = Buffer.from(normaliseSecretNumber(b.secretNumber));
    const expected = Buffer.from(candidate?.secretNumber ?? '');
    if (!candidate || expected.length === 0 || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      await Promise.all([countAddressAttempt(deps, req, 'candidate-register'), countFailure(db, idKey, policy.addressWindowMs)]);
      throw refuse(422, [{ rule: 'B1', field: 'secretNumber', message: REGISTRATION_REFUSED }]);
    }
    const passwordHash = await hashPassword(b.password);
    try {
      const [account] = await db.insert(candidateAccounts).values({ candidateId: candidate.id, email, passwordHash }).returning();
      return { registered: true, signInWith: account.email };
    } catch (err) {
      if (isUniqueViolation(err, 'candidate_accounts_candidate_key')) {
        throw refuse(422, [{ rule: 'B1', field: 'candidateId', message: 'You have registered already: sign in with your email address, or use Forgotten password.' }]);
      }
      if (isUniqueViolation(err, 'candidate_accounts_email_key')) {
        throw refuse(422, [{ rule: 'B1', field: 'email', message: 'This email address is used for another account: choose another one.' }]);
      }
      throw err;
    }
  }

  /** After the answer: a link only if the ID has a registered account. */
  async function sendResetIfRegistered(uci: string) {
    const [hit] = await db
      .select({ id: candidateAccounts.id, email: candidateAccounts.email, firstName: candidates.firstName })
      .from(candidateAccounts)
      .innerJoin(candidates, eq(candidates.id, candidateAccounts.candidateId))
      .where(eq(candidates.uci, uci));
    if (!hit) return;
    await sendPasswordLink(deps, { purpose: 'reset', accountKind: 'candidate-account', accountId: hit.id, to: hit.email, firstName: hit.firstName, username: hit.email, rule: 'B4' });
  }

  /** The centre's candidates with what they register with; a candidate without a Secret Number gets one now, once. */
  async function registrationDetails(user: SessionUser) {
    if (!user.centreNumber) throw forbidden();
    const mine = eq(candidates.centreNumber, user.centreNumber);
    const missing = await db.select({ id: candidates.id }).from(candidates).where(and(mine, isNull(candidates.secretNumber)));
    if (missing.length > 0) {
      const ids = sql.join(missing.map((c) => sql`${c.id}`), sql`, `);
      const secrets = sql.join(missing.map(() => sql`${newSecretNumber()}`), sql`, `);
      // Guarded: a number issued meanwhile by a parallel listing is never replaced.
      await db.execute(sql`
        update ${candidates} set secret_number = issued.secret
        from unnest(array[${ids}]::uuid[], array[${secrets}]::text[]) as issued(id, secret)
        where ${candidates.id} = issued.id and ${candidates.secretNumber} is null`);
    }
    const rows = await db
      .select({
        candidateNumber: candidates.candidateNumber,
        firstName: candidates.firstName,
        lastName: candidates.lastName,
        candidateId: candidates.uci,
        secretNumber: candidates.secretNumber,
        registered: sql<boolean>`${candidateAccounts.id} is not null`,
      })
      .from(candidates)
      .leftJoin(candidateAccounts, eq(candidateAccounts.candidateId, candidates.id))
      .where(mine)
      .orderBy(asc(candidates.numberValue), asc(candidates.candidateNumber));
    return { candidates: rows };
  }

  return [
    route({
      method: 'get',
      path: '/api/candidate-accounts',
      summary:
        'Centre staff: each of the centre’s candidates with the candidate ID (UCI) and Secret Number they register with on the results portal (B1), and whether they have registered',
      access: [...CENTRE_STAFF_ROLES],
      handler: async ({ user }) => registrationDetails(user!),
    }),

    route({
      method: 'post',
      path: '/api/candidates/session',
      summary:
        'Candidate sign-in (B1, B2, B3) with the username and password from the results letter, or a registered account’s email and password. Surrounding spaces and the case of the username or email do not matter; the password is exact. A wrong password, an unknown name and a locked account get the same answer.',
      access: 'public',
      body: signInBody,
      handler: async ({ req, body }) => {
        const { username, password } = body as z.infer<typeof signInBody>;
        const login = await findLogin(db, username);
        await checkSignIn(deps, req, 'candidate-sign-in', login?.account ?? null, password);
        await startCandidateSession(req, login!.session);
        return { candidate: candidateView(login!.session) };
      },
    }),

    route({
      method: 'get',
      path: '/api/candidates/session',
      summary: 'The signed-in candidate (401 when none, or when their letter login was revoked since)',
      access: 'public',
      handler: async ({ req }) => ({ candidate: candidateView(await requireCandidate(db, req)) }),
    }),

    route({
      method: 'delete',
      path: '/api/candidates/session',
      summary: 'Candidate sign-out: the candidate leaves the session (a staff sign-in in the same session stays)',
      access: 'public',
      handler: async ({ req }) => {
        if (candidateOf(req)) await endCandidateSession(req);
        return { signedOut: true };
      },
    }),

    route({
      method: 'post',
      path: '/api/candidates/register',
      summary:
        'Register a candidate account (B1, the Cambridge English model): candidate ID (the UCI) and Secret Number from the centre, and a chosen email and password; then sign in with the email. An unknown ID and a wrong Secret Number get the same answer.',
      access: 'public',
      body: registerBody,
      handler: async ({ req, res, body }) => {
        const result = await register(req, body as z.infer<typeof registerBody>);
        res.status(201);
        return result;
      },
    }),

    route({
      method: 'post',
      path: '/api/candidates/password-reset',
      summary:
        'Forgotten password (B4): a single-use, expiring link goes to the registered email address. The answer is the same whether or not the candidate ID exists or has an account.',
      access: 'public',
      body: resetBody,
      handler: async ({ req, res, body }) => {
        const { candidateId } = body as z.infer<typeof resetBody>;
        await requireAddressAllowance(deps, req, 'candidate-reset', policy.requestsPerAddress, 'candidateId', 'B4');
        await countAddressAttempt(deps, req, 'candidate-reset');
        sendResetIfRegistered(normaliseUci(candidateId)).catch((err: unknown) => deps.log.error({ err }, 'password reset link not sent'));
        res.status(202);
        return { message: RESET_REQUESTED };
      },
    }),
  ];
}
