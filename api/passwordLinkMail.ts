// Emails a link that sets a password once (B4 reset, B8 teacher's first password): the link and its outbox row are
// written in one transaction, then a portalEmail workflow sends the row (once, by its business key), so the
// request never waits on SMTP.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Logger } from '../config/logger';
import type { Db } from '../db/client';
import { createPasswordLink, type PasswordLinkPurpose, type PasswordLinkRow } from '../db/passwordLinks';
import { outbox } from '../db/schema';
import type { PortalAccountsPolicy } from '../domain/portalAccounts';
import { portalEmailWorkflowId } from '../workflows/ids';
import { portalEmailWorkflow } from '../workflows/portalEmail';

export interface PasswordLinkDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  policy: PortalAccountsPolicy;
  publicUrl: string;
  /** Signs the links (HMAC), so a forged link is refused before any lookup. */
  sessionSecret: string;
}

export const passwordLinkUrl = (publicUrl: string, signedToken: string) => `${publicUrl.replace(/\/$/, '')}/set-password?token=${signedToken}`;

export interface PasswordLinkMail {
  purpose: PasswordLinkPurpose;
  accountKind: PasswordLinkRow['accountKind'];
  accountId: string;
  to: string;
  firstName: string;
  /** What the person signs in with afterwards (their email). */
  username: string;
  rule: string;
  centreName?: string;
}

function mailText(m: PasswordLinkMail, url: string, expiresAt: Date): { subject: string; text: string } {
  const until = `${expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  if (m.purpose === 'set-password') {
    return {
      subject: 'Set your password for the results website',
      text:
        `Dear ${m.firstName},\n\n${m.centreName ? `${m.centreName} has` : 'Your exam board has'} given you an account on the results website. ` +
        `Your username is your email address: ${m.username}\n\nChoose your password with this link (it works once, until ${until}):\n${url}\n\n` +
        `If you did not expect this email, you can ignore it.\n`,
    };
  }
  return {
    subject: 'Reset your password for the results website',
    text:
      `Dear ${m.firstName},\n\nWe received a request to reset the password of your results website account (${m.username}).\n\n` +
      `Choose a new password with this link (it works once, until ${until}):\n${url}\n\n` +
      `If you did not ask for this, ignore this email: your password stays as it is.\n`,
  };
}

export async function sendPasswordLink(deps: PasswordLinkDeps, m: PasswordLinkMail): Promise<{ businessKey: string }> {
  const ttlMs = m.purpose === 'reset' ? deps.policy.resetLinkTtlMs : deps.policy.invitationLinkTtlMs;
  const businessKey = await deps.db.transaction(async (tx) => {
    const link = await createPasswordLink(tx, deps.sessionSecret, { purpose: m.purpose, accountKind: m.accountKind, accountId: m.accountId, ttlMs });
    const key = `portal-${m.purpose}:${m.accountKind}:${m.accountId}:${link.id}`;
    const { subject, text } = mailText(m, passwordLinkUrl(deps.publicUrl, link.signedToken), link.expiresAt);
    await tx.insert(outbox).values({ businessKey: key, toAddress: m.to, subject, textBody: text, relay: 'portal-email' }).onConflictDoNothing();
    return key;
  });
  await deps.temporal.workflow
    .start(portalEmailWorkflow, { workflowId: portalEmailWorkflowId(businessKey), taskQueue: deps.taskQueue, args: [{ businessKey }] })
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    });
  return { businessKey };
}
