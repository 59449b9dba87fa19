import { and, eq, isNull, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { Db } from '../../db/client';
import { outbox } from '../../db/schema';

export interface OutgoingMail {
  /** One email per business event, ever: a second call with the same key sends nothing new (DESIGN rule 5). */
  businessKey: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** Records the message in the outbox and sends it unless it was sent already. Throws while SMTP is down. */
  send(mail: OutgoingMail): Promise<{ sent: boolean }>;
  close(): void;
}

/** How long a sent message keeps trying to be marked sent while PostgreSQL is unreachable. */
const RECORD_SENT_PATIENCE_MS = 10 * 60_000;

/**
 * Once the mail server has accepted a message, it must be marked sent: if that write failed and the activity
 * threw, its retry would send the message again (found by test/reliability/postgresOutage.test.ts). So the write
 * is retried here through a database outage. Only an outage longer than the calling activity's timeout, starting
 * in the instant between acceptance and this write, can still give a second copy (with the same Message-ID).
 */
async function recordSent(db: Db, id: number): Promise<void> {
  const started = Date.now();
  for (let wait = 250; ; wait = Math.min(wait * 2, 5000)) {
    try {
      await db.update(outbox).set({ sentAt: new Date(), lastError: null }).where(eq(outbox.id, id));
      return;
    } catch (err) {
      if (Date.now() - started > RECORD_SENT_PATIENCE_MS) throw err;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

export function createMailer(deps: { db: Db; smtpUrl: string; from: string }): Mailer {
  // A pool of open SMTP connections: a new connection per message (greeting, EHLO, QUIT) cost more than the message
  // on deadline day. `?pool=false` in SMTP_URL turns it off.
  const url = new URL(deps.smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  const transport = nodemailer.createTransport(url.toString());
  return {
    async send(mail) {
      await deps.db
        .insert(outbox)
        .values({ businessKey: mail.businessKey, toAddress: mail.to, subject: mail.subject, textBody: mail.text, htmlBody: mail.html ?? null })
        .onConflictDoNothing();
      const [row] = await deps.db
        .update(outbox)
        .set({ attempts: sql`${outbox.attempts} + 1` })
        .where(and(eq(outbox.businessKey, mail.businessKey), isNull(outbox.sentAt)))
        .returning();
      if (!row) return { sent: false };
      try {
        await transport.sendMail({
          from: deps.from,
          to: row.toAddress,
          subject: row.subject,
          text: row.textBody,
          html: row.htmlBody ?? undefined,
          // The business key travels with the message, so a receiver (and our tests) can spot duplicates.
          headers: { 'X-Business-Key': row.businessKey },
          messageId: `<${encodeURIComponent(row.businessKey)}@results-office>`,
        });
      } catch (err) {
        await deps.db.update(outbox).set({ lastError: String(err) }).where(eq(outbox.id, row.id));
        throw err;
      }
      await recordSent(deps.db, row.id);
      return { sent: true };
    },
    close: () => transport.close(),
  };
}
