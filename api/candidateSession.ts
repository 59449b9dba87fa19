import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Request } from 'express';
import type { Db } from '../db/client';
import { candidateAccounts, credentials } from '../db/schema';
import { HttpError } from './errors';

// A signed-in candidate of the results portal (B1). It lives in the express session beside (never instead of) a
// staff or student sign-in, under its own key, so signing out of one leaves the others alone.

export interface CandidateSession {
  /** 'letter': the username and password of a results-access letter (A8); 'registered': an ID + Secret Number account. */
  via: 'letter' | 'registered';
  candidateId: string;
  centreNumber: string;
  /** A letter login opens one series' results (its credential's); a registered account sees every series. */
  seriesId: string | null;
  /** The credential (letter) or the registered account the candidate signed in with. */
  accountId: string;
  /** A letter login: the generation whose password signed in; a reissue (B11) ends sessions of the old password. */
  generation?: number;
  name: string;
}

export const SIGN_IN_TO_SEE_RESULTS = 'Sign in to see your results.';

export function candidateOf(req: Request): CandidateSession | null {
  return (req.session as unknown as { candidate?: CandidateSession } | undefined)?.candidate ?? null;
}

export function requireCandidateSession(req: Request): CandidateSession {
  const candidate = candidateOf(req);
  if (!candidate) throw new HttpError(401, SIGN_IN_TO_SEE_RESULTS);
  return candidate;
}

/** Sign-in: a new session id (no fixation), then the candidate in it. */
export async function startCandidateSession(req: Request, candidate: CandidateSession): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  (req.session as unknown as { candidate: CandidateSession }).candidate = candidate;
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

export async function endCandidateSession(req: Request): Promise<void> {
  const session = req.session as unknown as { candidate?: CandidateSession };
  if (!session.candidate) return;
  delete session.candidate;
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

/** Whether a session's login still works, as prepared statements: every results page asks (issue 6, results day). */
function loginChecks(db: Db) {
  return {
    letter: db
      .select({ id: credentials.id })
      .from(credentials)
      .where(
        and(
          eq(credentials.id, sql.placeholder('accountId')),
          eq(credentials.candidateId, sql.placeholder('candidateId')),
          eq(credentials.generation, sql.placeholder('generation')),
          isNull(credentials.revokedAt),
        ),
      )
      .prepare('candidate_letter_login_works'),
    registered: db
      .select({ id: candidateAccounts.id })
      .from(candidateAccounts)
      .where(and(eq(candidateAccounts.id, sql.placeholder('accountId')), eq(candidateAccounts.candidateId, sql.placeholder('candidateId'))))
      .prepare('candidate_account_works'),
  };
}
const checksByDb = new WeakMap<Db, ReturnType<typeof loginChecks>>();

/**
 * The signed-in candidate whose login still works: a letter login revoked (A7, A12) or reissued (B11) since sign-in,
 * or a removed account, ends the candidate's session and answers 401.
 */
export async function requireCandidate(db: Db, req: Request): Promise<CandidateSession> {
  const candidate = requireCandidateSession(req);
  let checks = checksByDb.get(db);
  if (!checks) checksByDb.set(db, (checks = loginChecks(db)));
  const [still] =
    candidate.via === 'letter'
      ? await checks.letter.execute({ accountId: candidate.accountId, candidateId: candidate.candidateId, generation: candidate.generation ?? -1 })
      : await checks.registered.execute({ accountId: candidate.accountId, candidateId: candidate.candidateId });
  if (!still) {
    await endCandidateSession(req);
    throw new HttpError(401, SIGN_IN_TO_SEE_RESULTS);
  }
  return candidate;
}
