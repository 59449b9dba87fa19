import { and, eq, isNull } from 'drizzle-orm';
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

/**
 * The signed-in candidate whose login still works: a letter login revoked since sign-in (A7, A12), or a removed
 * account, ends the candidate's session and answers 401.
 */
export async function requireCandidate(db: Db, req: Request): Promise<CandidateSession> {
  const candidate = requireCandidateSession(req);
  const [still] =
    candidate.via === 'letter'
      ? await db
          .select({ id: credentials.id })
          .from(credentials)
          .where(and(eq(credentials.id, candidate.accountId), eq(credentials.candidateId, candidate.candidateId), isNull(credentials.revokedAt)))
      : await db
          .select({ id: candidateAccounts.id })
          .from(candidateAccounts)
          .where(and(eq(candidateAccounts.id, candidate.accountId), eq(candidateAccounts.candidateId, candidate.candidateId)));
  if (!still) {
    await endCandidateSession(req);
    throw new HttpError(401, SIGN_IN_TO_SEE_RESULTS);
  }
  return candidate;
}
