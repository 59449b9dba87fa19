// Results portal accounts (issue 6, RULES.md B1-B4, B8): pure rules for sign-in names, chosen passwords, the lockout
// and who may unlock whom. No I/O: db/signInLocks.ts applies the lockout in PostgreSQL, the routes apply the rest.
import { CENTRE_STAFF_ROLES, type Role, type RuleViolation } from './model';

/** What a lock is about: a letter login (credential id), a registered candidate account, or a users row (staff, teacher). */
export const LOCKABLE_ACCOUNT_KINDS = ['candidate-letter', 'candidate-account', 'user'] as const;
export type LockableAccountKind = (typeof LOCKABLE_ACCOUNT_KINDS)[number];

export interface PortalAccountsPolicy {
  /** B3: failed sign-ins in a row that lock an account, and for how long. */
  failuresToLock: number;
  lockMs: number;
  /** Failed sign-ins allowed per client address and window, before 429 (issue 10). */
  signInFailuresPerAddress: number;
  /** Registration, reset and code-entry requests allowed per client address and window. */
  requestsPerAddress: number;
  /** Wrong Secret Numbers allowed per candidate ID and window, from any addresses (B1); unknown IDs count alike. */
  registrationFailuresPerId: number;
  addressWindowMs: number;
  /** How long an emailed link works: a forgotten-password reset (B4) and a teacher's invitation (B8). */
  resetLinkTtlMs: number;
  invitationLinkTtlMs: number;
}

/**
 * Production settings. The per-address limits are generous on purpose: on results day a whole school signs in
 * from behind one NAT address, and a few hundred mistyped passwords there are normal.
 */
export const DEFAULT_PORTAL_ACCOUNTS_POLICY: PortalAccountsPolicy = {
  failuresToLock: 3,
  lockMs: 30 * 60_000,
  signInFailuresPerAddress: 500,
  requestsPerAddress: 200,
  registrationFailuresPerId: 10,
  addressWindowMs: 15 * 60_000,
  resetLinkTtlMs: 60 * 60_000,
  invitationLinkTtlMs: 7 * 24 * 3600_000,
};

/**
 * The one answer to every refused sign-in: a wrong password, an unknown name and a locked account read the same
 * (B3), so the answer never tells whether an account exists or is locked.
 */
export const SIGN_IN_REFUSED = 'The username or password is not right. Check them and try again; after several tries, wait 30 minutes or ask your centre.';

/** B2: surrounding spaces never count; an email is matched in any case, and so is a letter's (lower-case) username. */
export function signInName(input: string): { kind: 'email' | 'username'; value: string } {
  const value = input.trim().toLowerCase();
  return { kind: value.includes('@') ? 'email' : 'username', value };
}

export const normaliseEmail = (input: string) => input.trim().toLowerCase();

export function isValidEmail(s: string): boolean {
  return s.length <= 254 && /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]{2,}$/.test(s);
}

/** The Secret Number as typed: spaces and dashes between digits do not count. */
export const normaliseSecretNumber = (input: string) => input.replace(/[\s-]/g, '');

export const MIN_PASSWORD_LENGTH = 10;

/** A password a person chooses (registration B1, reset B4, a teacher's first password B8). Compared exactly later (B2). */
export function checkChosenPassword(password: string, rule: string, field = 'password'): RuleViolation[] {
  if (password.length < MIN_PASSWORD_LENGTH) return [{ rule, field, message: `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.` }];
  if (password.length > 200) return [{ rule, field, message: 'A password can be at most 200 characters.' }];
  if (password.trim() !== password) return [{ rule, field, message: 'A password cannot start or end with a space.' }];
  return [];
}

export const isLocked = (lockedUntil: Date | null, now: Date) => lockedUntil !== null && lockedUntil.getTime() > now.getTime();

/**
 * Who may unlock early: board staff anyone; a centre's staff their own centre's candidates (never a users row:
 * teachers and staff are unlocked by the board).
 */
export function mayUnlock(user: { roles: readonly Role[]; centreNumber: string | null }, lock: { accountKind: LockableAccountKind; centreNumber: string | null }): boolean {
  if (user.roles.includes('board_staff')) return true;
  if (lock.accountKind === 'user') return false;
  return user.roles.some((r) => CENTRE_STAFF_ROLES.includes(r)) && user.centreNumber !== null && user.centreNumber === lock.centreNumber;
}
