// The one sign-in check of the portals and the staff sign-in (B2, B3): per-address limit, lock, password, lockout
// bookkeeping. Every refusal is the same HttpError (same status, same body) and costs the same argon2id work, so
// neither the answer nor its timing tells an unknown name, a wrong password and a locked account apart. The lock
// lives in PostgreSQL; when a failure locks an account, its accountLock workflow is started without waiting for
// Temporal (the person's answer never depends on it, and its timing stays the same).
import { verify } from '@node-rs/argon2';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Request } from 'express';
import type { Logger } from '../config/logger';
import type { Db } from '../db/client';
import { lockOf, recordFailure, recordSuccess, type AccountRef, type NewLock } from '../db/signInLocks';
import { countFailure, isRateLimited } from '../db/studentAccounts';
import { isLocked, SIGN_IN_REFUSED, type PortalAccountsPolicy } from '../domain/portalAccounts';
import { accountLockWorkflow } from '../workflows/accountLock';
import { accountLockWorkflowId } from '../workflows/ids';
import { AccountId, AccountKind, CentreNumber } from '../workflows/searchAttributes';
import { HttpError } from './errors';
import { DUMMY_HASH } from './passwords';

export interface SignInGuardDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  policy: PortalAccountsPolicy;
}

export interface SignInAccount extends AccountRef {
  /** The centre whose staff may unlock it early (null: board staff only). */
  centreNumber: string | null;
  passwordHash: string;
}

const NO_ACCOUNT: AccountRef = { accountKind: 'user', accountId: 'no-such-account' };

export const signInRefused = () => new HttpError(401, SIGN_IN_REFUSED);

/** Per client address, in PostgreSQL, so the limit holds across web processes. */
export const addressKey = (req: Request, what: string) => `portal-${what}:${req.ip ?? 'unknown'}`;

export async function requireAddressAllowance(deps: Pick<SignInGuardDeps, 'db' | 'policy'>, req: Request, what: string, limit: number, field: string, rule: string): Promise<void> {
  if (await isRateLimited(deps.db, addressKey(req, what), limit, deps.policy.addressWindowMs)) {
    const minutes = Math.ceil(deps.policy.addressWindowMs / 60_000);
    throw new HttpError(429, `Too many attempts from your network. Wait ${minutes} minutes and try again.`, [
      { field, rule, message: `Too many attempts from this address: try again in ${minutes} minutes.` },
    ]);
  }
}

export const countAddressAttempt = (deps: Pick<SignInGuardDeps, 'db' | 'policy'>, req: Request, what: string) => countFailure(deps.db, addressKey(req, what), deps.policy.addressWindowMs);

/**
 * Resolves when `password` signs in to `account`; otherwise throws the one refusal. `scope` names the sign-in
 * form for the per-address limit ('candidate-sign-in', 'staff-sign-in').
 */
export async function checkSignIn(deps: SignInGuardDeps, req: Request, scope: string, account: SignInAccount | null, password: string): Promise<void> {
  await requireAddressAllowance(deps, req, scope, deps.policy.signInFailuresPerAddress, 'password', 'B3');
  // The same reads for an unknown name as for an account, so the refusal takes as long.
  const lock = await lockOf(deps.db, account ?? NO_ACCOUNT);
  // The same argon2id work on every path: the account's hash, or the dummy one.
  const ok = await verify(account?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
  if (!account || !ok || isLocked(lock?.lockedUntil ?? null, new Date())) {
    await Promise.all([
      countAddressAttempt(deps, req, scope),
      account && !ok ? recordFailure(deps.db, account, deps.policy).then((locked) => locked && startLockWorkflow(deps, account, locked)) : null,
    ]);
    throw signInRefused();
  }
  // A lock may have begun while the password was being checked (parallel wrong attempts): refuse even so.
  if ((await recordSuccess(deps.db, account)).locked) throw signInRefused();
}

/** Starts the lock's workflow in the background; a repeated start of the same lock is harmless (its id). */
function startLockWorkflow(deps: SignInGuardDeps, account: SignInAccount, lock: NewLock): void {
  deps.temporal.workflow
    .start(accountLockWorkflow, {
      workflowId: accountLockWorkflowId(account.accountKind, account.accountId, lock.lockCount),
      taskQueue: deps.taskQueue,
      args: [{ accountKind: account.accountKind, accountId: account.accountId, lockCount: lock.lockCount, lockedUntil: lock.lockedUntil.toISOString() }],
      typedSearchAttributes: [
        { key: AccountKind, value: account.accountKind },
        { key: AccountId, value: account.accountId },
        ...(account.centreNumber ? [{ key: CentreNumber, value: account.centreNumber }] : []),
      ],
      memo: { lockedUntil: lock.lockedUntil.toISOString() },
    })
    .catch((err: unknown) => {
      // Not started (Temporal unreachable): the lock still ends on time, because sign-in reads its end from PostgreSQL.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) deps.log.warn({ err, account: account.accountId }, 'accountLock workflow not started');
    });
}
