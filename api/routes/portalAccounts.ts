// Accounts shared by the portals (issue 6): emailed password links (B4 resets, B8 teachers' first passwords), a
// staff or teacher's forgotten password, teacher invitations, and the early unlock of a locked account (B3).
import { WithStartWorkflowOperation } from '@temporalio/client';
import { eq, sql } from 'drizzle-orm';
import type { Request } from 'express';
import { z } from 'zod';
import { checkPasswordLink, useLink } from '../../db/passwordLinks';
import { candidateAccounts, candidates, centres, credentials, sessions, users } from '../../db/schema';
import { currentLocks, lockOf, type SignInLockRow } from '../../db/signInLocks';
import { CENTRE_STAFF_ROLES, type Role, type RuleViolation } from '../../domain/model';
import {
  checkChosenPassword,
  isLocked,
  isValidEmail,
  LOCKABLE_ACCOUNT_KINDS,
  mayUnlock,
  normaliseEmail,
  type LockableAccountKind,
} from '../../domain/portalAccounts';
import { accountLockWorkflow } from '../../workflows/accountLock';
import { accountLockWorkflowId } from '../../workflows/ids';
import * as messages from '../../workflows/messages';
import { AccountId, AccountKind, CentreNumber } from '../../workflows/searchAttributes';
import { HttpError, notFound } from '../errors';
import { hashPassword } from '../passwords';
import { sendPasswordLink, type PasswordLinkDeps } from '../passwordLinkMail';
import { route, type RouteSpec, type SessionUser } from '../routeTable';
import { countAddressAttempt, requireAddressAllowance } from '../signInGuard';

const STAFF: Role[] = [...CENTRE_STAFF_ROLES, 'board_staff'];

const useLinkBody = z.object({ token: z.string().min(1).max(300), password: z.string().max(400) });
const staffResetBody = z.object({ email: z.string().max(254) });
const inviteBody = z.object({ email: z.string().max(254), name: z.string().trim().min(1).max(200), centreNumber: z.string().trim().max(20).optional() });

export const STAFF_RESET_REQUESTED = 'If this email address has an account, we have sent it a link to set a new password. Check your inbox; the link works once.';

const refuse = (status: number, violations: RuleViolation[]) => new HttpError(status, violations.map((v) => v.message).join(' '), violations);
const firstNameOf = (name: string) => name.trim().split(/\s+/)[0] ?? name;

export function portalAccountRoutes(deps: PasswordLinkDeps): RouteSpec[] {
  const { db, policy } = deps;

  async function redeem(req: Request, b: z.infer<typeof useLinkBody>) {
    await requireAddressAllowance(deps, req, 'password-link', policy.requestsPerAddress, 'token', 'B4');
    const check = await checkPasswordLink(db, deps.sessionSecret, b.token);
    if (check.kind !== 'usable') {
      await countAddressAttempt(deps, req, 'password-link');
      const message = {
        used: 'This link has been used already: a link sets a password once. Ask for a new one with Forgotten password.',
        expired: 'This link has expired. Ask for a new one with Forgotten password.',
        invalid: 'This link is not valid. Copy the whole link from the email, or ask for a new one with Forgotten password.',
      }[check.kind];
      throw refuse(422, [{ rule: 'B4', field: 'token', message }]);
    }
    const rule = check.link.purpose === 'reset' ? 'B4' : 'B8';
    const problems = checkChosenPassword(b.password, rule);
    if (problems.length > 0) throw refuse(422, problems);
    const passwordHash = await hashPassword(b.password);
    const username = await db.transaction(async (tx) => {
      if (!(await useLink(tx, check.link.id))) return null;
      const id = check.link.accountId;
      // A new password ends every session signed in with the old one: whoever knew it is signed out too.
      if (check.link.accountKind === 'user') {
        const [u] = await tx.update(users).set({ passwordHash }).where(eq(users.id, id)).returning({ email: users.email });
        await tx.delete(sessions).where(sql`${sessions.data}->'user'->>'id' = ${id}`);
        return u?.email ?? null;
      }
      const [a] = await tx.update(candidateAccounts).set({ passwordHash }).where(eq(candidateAccounts.id, id)).returning({ email: candidateAccounts.email });
      await tx.delete(sessions).where(sql`${sessions.data}->'candidate'->>'via' = 'registered' and ${sessions.data}->'candidate'->>'accountId' = ${id}`);
      return a?.email ?? null;
    });
    if (!username) throw refuse(422, [{ rule, field: 'token', message: 'This link has been used already: a link sets a password once. Ask for a new one with Forgotten password.' }]);
    return { passwordSet: true, signInWith: username };
  }

  async function sendStaffResetIfKnown(email: string) {
    const [u] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
    if (!u) return;
    // Invited but never set: the invitation's kind of link, so the email reads right.
    await sendPasswordLink(deps, { purpose: u.passwordHash ? 'reset' : 'set-password', accountKind: 'user', accountId: u.id, to: u.email, firstName: firstNameOf(u.name), username: u.email, rule: 'B4' });
  }

  async function invite(user: SessionUser, b: z.infer<typeof inviteBody>) {
    const email = normaliseEmail(b.email);
    const isBoard = user.roles.includes('board_staff');
    const centreNumber = isBoard ? b.centreNumber : user.centreNumber;
    const problems: RuleViolation[] = [];
    if (!isValidEmail(email)) problems.push({ rule: 'B8', field: 'email', message: 'Enter the teacher’s email address, like name@school.example: it is their username.' });
    const [centre] = centreNumber ? await db.select().from(centres).where(eq(centres.number, centreNumber)) : [];
    if (!centre) problems.push({ rule: 'B8', field: 'centreNumber', message: 'Give the number of the teacher’s preparation centre.' });
    if (problems.length > 0) throw refuse(422, problems);
    // B8: one person, one identity: an existing account with this email becomes a teacher too, never a second row.
    const [existing] = await db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
    // Never another centre's account, nor a board or associate account (no centre): a centre cannot take them over.
    if (existing && existing.centreNumber !== centre.number) {
      throw refuse(422, [{ rule: 'B8', field: 'email', message: 'This email address belongs to an account that is not at this centre; ask the board.' }]);
    }
    const [teacher] = existing
      ? await db
          .update(users)
          .set({ roles: sql`case when 'teacher' = any(${users.roles}) then ${users.roles} else array_append(${users.roles}, 'teacher') end`, centreNumber: centre.number })
          .where(eq(users.id, existing.id))
          .returning()
      : await db.insert(users).values({ email, name: b.name, roles: ['teacher'], centreNumber: centre.number, passwordHash: null }).returning();
    const emailSent = !teacher.passwordHash;
    if (emailSent) {
      await sendPasswordLink(deps, { purpose: 'set-password', accountKind: 'user', accountId: teacher.id, to: teacher.email, firstName: firstNameOf(teacher.name), username: teacher.email, rule: 'B8', centreName: centre.name });
    }
    return { teacher: { id: teacher.id, email: teacher.email, name: teacher.name, centreNumber: teacher.centreNumber }, setPasswordEmailSent: emailSent };
  }

  /** Who a lock is about, in words staff recognise. */
  async function describe(lock: SignInLockRow) {
    const base = { accountKind: lock.accountKind, accountId: lock.accountId, centreNumber: lock.centreNumber, lockedUntil: lock.lockedUntil, lockNumber: lock.lockCount };
    // Every lock is made by a sign-in with a real account's uuid; anything else is shown as it is.
    if (!z.string().uuid().safeParse(lock.accountId).success) return base;
    const person = { name: sql<string>`${candidates.firstName} || ' ' || ${candidates.lastName}`, candidateNumber: candidates.candidateNumber, uci: candidates.uci };
    if (lock.accountKind === 'candidate-letter') {
      const [c] = await db.select({ ...person, username: credentials.username, seriesId: credentials.seriesId }).from(credentials).innerJoin(candidates, eq(candidates.id, credentials.candidateId)).where(eq(credentials.id, lock.accountId));
      return { ...base, ...c };
    }
    if (lock.accountKind === 'candidate-account') {
      const [c] = await db.select({ ...person, username: candidateAccounts.email }).from(candidateAccounts).innerJoin(candidates, eq(candidates.id, candidateAccounts.candidateId)).where(eq(candidateAccounts.id, lock.accountId));
      return { ...base, ...c };
    }
    const [u] = await db.select({ name: users.name, username: users.email }).from(users).where(eq(users.id, lock.accountId));
    return { ...base, ...u };
  }

  /** The lock if the user may see it; any other (or none) is the same 404. */
  async function visibleLock(user: SessionUser, kind: string, id: string) {
    if (!(LOCKABLE_ACCOUNT_KINDS as readonly string[]).includes(kind)) throw notFound();
    const lock = await lockOf(db, { accountKind: kind as LockableAccountKind, accountId: id });
    if (!lock || !mayUnlock(user, lock)) throw notFound('There is no such account at your centre.');
    return lock;
  }

  return [
    route({
      method: 'post',
      path: '/api/password-links/use',
      summary:
        'Set a password with the link from an email (B4 reset, B8 a teacher’s first password): { token, password }. A link works once and until it expires; a used or expired link is refused with a message saying which.',
      access: 'public',
      body: useLinkBody,
      handler: async ({ req, body }) => redeem(req, body as z.infer<typeof useLinkBody>),
    }),

    route({
      method: 'post',
      path: '/api/session/password-reset',
      summary: 'Forgotten password of a teacher or member of staff, by email (B4, B8): a single-use, expiring link to that address. The same answer whether or not the email has an account.',
      access: 'public',
      body: staffResetBody,
      handler: async ({ req, res, body }) => {
        const { email } = body as z.infer<typeof staffResetBody>;
        await requireAddressAllowance(deps, req, 'staff-reset', policy.requestsPerAddress, 'email', 'B4');
        await countAddressAttempt(deps, req, 'staff-reset');
        sendStaffResetIfKnown(normaliseEmail(email)).catch((err: unknown) => deps.log.error({ err }, 'password reset link not sent'));
        res.status(202);
        return { message: STAFF_RESET_REQUESTED };
      },
    }),

    route({
      method: 'post',
      path: '/api/teachers/invitations',
      summary:
        'Invite a preparation-centre teacher (B8): their username is their email; an emailed link sets their password. Centre staff invite to their own centre; board staff name the centre. An existing account with the email becomes a teacher too (one identity).',
      access: STAFF,
      body: inviteBody,
      handler: async ({ res, user, body }) => {
        const result = await invite(user!, body as z.infer<typeof inviteBody>);
        res.status(201);
        return result;
      },
    }),

    route({
      method: 'get',
      path: '/api/account-locks',
      summary: 'Accounts locked now after failed sign-ins (B3): a centre’s staff see their own candidates’, board staff everyone’s',
      access: STAFF,
      handler: async ({ user }) => {
        const u = user!;
        const isBoard = u.roles.includes('board_staff');
        const locks = (await currentLocks(db, isBoard ? null : u.centreNumber)).filter((l) => mayUnlock(u, l));
        return { locks: await Promise.all(locks.map(describe)) };
      },
    }),

    route({
      method: 'post',
      path: '/api/account-locks/:kind/:id/unlock',
      summary:
        'Unlock a locked account early (B3): a centre’s staff their own candidates (letter logins and registered accounts), board staff anyone including teachers and staff. Ends the lock’s accountLock workflow.',
      access: STAFF,
      handler: async ({ user, params }) => {
        const lock = await visibleLock(user!, params.kind, params.id);
        if (!isLocked(lock.lockedUntil, new Date())) throw refuse(422, [{ rule: 'B3', field: 'account', message: 'This account is not locked.' }]);
        const account = { accountKind: lock.accountKind, accountId: lock.accountId };
        // Update-with-start: the lock's workflow, or a new one if its start was lost (Temporal was down at the lock).
        const start = new WithStartWorkflowOperation(accountLockWorkflow, {
          workflowId: accountLockWorkflowId(lock.accountKind, lock.accountId, lock.lockCount),
          taskQueue: deps.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [{ ...account, lockCount: lock.lockCount, lockedUntil: lock.lockedUntil!.toISOString() }],
          typedSearchAttributes: [
            { key: AccountKind, value: lock.accountKind },
            { key: AccountId, value: lock.accountId },
            ...(lock.centreNumber ? [{ key: CentreNumber, value: lock.centreNumber }] : []),
          ],
          memo: { lockedUntil: lock.lockedUntil!.toISOString() },
        });
        const state = await deps.temporal.workflow.executeUpdateWithStart(messages.unlockAccount, { args: [{ actor: { userId: user!.id, name: user!.name } }], startWorkflowOperation: start });
        return { unlocked: true, lock: state };
      },
    }),
  ];
}
