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

export function createMailer(deps: { db: Db; smtpUrl: string; from: string }): Mailer {
  const transport = nodemailer.createTransport(deps.smtpUrl);
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
      await deps.db.update(outbox).set({ sentAt: new Date(), lastError: null }).where(eq(outbox.id, row.id));
      return { sent: true };
    },
    close: () => transport.close(),
  };
}
