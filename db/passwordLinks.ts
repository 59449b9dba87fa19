// Emailed links that set a password once (B4 resets, B8 teachers' first passwords). The link carries a random
// token and its HMAC with the session secret: a forged or altered link is refused before any lookup, and the
// database holds only the token's SHA-256, so a leaked table gives no working link. Used once: the use is a guarded
// `update ... where used_at is null` in the same transaction as the new password.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import { passwordLinks } from './schema';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Q = Db | Tx;
export type PasswordLinkRow = typeof passwordLinks.$inferSelect;
export type PasswordLinkPurpose = PasswordLinkRow['purpose'];

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const signature = (secret: string, token: string) => createHmac('sha256', secret).update(`password-link:${token}`).digest('base64url');

/** Stores a new link for the account and returns the signed token to put in the email. */
export async function createPasswordLink(
  q: Q,
  secret: string,
  link: { purpose: PasswordLinkPurpose; accountKind: PasswordLinkRow['accountKind']; accountId: string; ttlMs: number },
): Promise<{ signedToken: string; expiresAt: Date; id: string }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + link.ttlMs);
  const [row] = await q
    .insert(passwordLinks)
    .values({ tokenHash: sha256(token), purpose: link.purpose, accountKind: link.accountKind, accountId: link.accountId, expiresAt })
    .returning({ id: passwordLinks.id });
  return { signedToken: `${token}.${signature(secret, token)}`, expiresAt, id: row.id };
}

export type LinkCheck = { kind: 'usable'; link: PasswordLinkRow } | { kind: 'used' } | { kind: 'expired' } | { kind: 'invalid' };

/** What a link from an email is: usable, already used, expired, or not one of ours. */
export async function checkPasswordLink(q: Q, secret: string, signedToken: string, now = new Date()): Promise<LinkCheck> {
  const [token, sig] = signedToken.trim().split('.');
  if (!token || !sig) return { kind: 'invalid' };
  const expected = Buffer.from(signature(secret, token));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { kind: 'invalid' };
  const [link] = await q.select().from(passwordLinks).where(eq(passwordLinks.tokenHash, sha256(token)));
  if (!link) return { kind: 'invalid' };
  if (link.usedAt) return { kind: 'used' };
  if (link.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
  return { kind: 'usable', link };
}

/** Marks the link used inside the transaction that sets the password; false if another use won. */
export async function useLink(tx: Tx, linkId: string): Promise<boolean> {
  const rows = await tx
    .update(passwordLinks)
    .set({ usedAt: sql`now()` })
    .where(and(eq(passwordLinks.id, linkId), isNull(passwordLinks.usedAt), sql`${passwordLinks.expiresAt} > now()`))
    .returning({ id: passwordLinks.id });
  return rows.length === 1;
}
