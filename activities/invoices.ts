// Invoices: one per centre and series, for the enquiries finished by the invoice date (C20, C22).
import { Context } from '@temporalio/activity';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { centres, enquiries, invoices, series } from '../db/schema';
import { formatInZone } from '../domain/calendar';
import { SERVICE_NAMES, type Service } from '../domain/model';
import type { Mailer } from './email/outbox';
import type { PdfRenderer } from './letters/renderer';
import { renderLetterHtml } from './letters/templates';
import type { DocumentStore } from './storage';

export interface InvoiceLine {
  enquiryId: string;
  enquiryNumber: number | null;
  service: string;
  syllabusCode: string;
  status: string;
  feePence: number;
  amendmentFeePence: number;
}

export function createInvoiceActivities(deps: { db: Db; mailer: Mailer; pdf: PdfRenderer; storage: DocumentStore; publicUrl: string }) {
  const { db } = deps;
  return {
    /** Issues every centre's invoice for the series; a retry finds the invoices, files and mail already made. */
    async issueInvoices({ seriesId }: { seriesId: string }): Promise<number> {
      const [s] = await db.select().from(series).where(eq(series.id, seriesId));
      const rows = await db
        .select()
        .from(enquiries)
        .where(and(eq(enquiries.seriesId, seriesId), inArray(enquiries.status, ['Completed', 'Cancelled']), sql`${enquiries.feePence} + ${enquiries.amendmentFeePence} > 0`))
        .orderBy(asc(enquiries.centreNumber), asc(enquiries.enquiryNumber));
      const byCentre = new Map<string, InvoiceLine[]>();
      for (const r of rows) {
        const lines = byCentre.get(r.centreNumber) ?? [];
        lines.push({ enquiryId: r.id, enquiryNumber: r.enquiryNumber, service: r.service, syllabusCode: r.syllabusCode, status: r.status, feePence: r.feePence, amendmentFeePence: r.amendmentFeePence });
        byCentre.set(r.centreNumber, lines);
      }
      for (const [centreNumber, lines] of byCentre) {
        Context.current().heartbeat(centreNumber);
        const totalPence = lines.reduce((sum, l) => sum + l.feePence + l.amendmentFeePence, 0);
        await db.insert(invoices).values({ centreNumber, seriesId, totalPence, lines }).onConflictDoNothing();
        const [invoice] = await db.select().from(invoices).where(and(eq(invoices.centreNumber, centreNumber), eq(invoices.seriesId, seriesId)));
        const [centre] = await db.select().from(centres).where(eq(centres.number, centreNumber));
        const key = `invoice/${seriesId}/${centreNumber}`;
        const doc =
          (await deps.storage.findByKey(key)) ??
          (await deps.storage.put({
            key,
            kind: 'Invoice',
            centreNumber,
            filename: `Invoice-${seriesId}-${centreNumber}.pdf`,
            contentType: 'application/pdf',
            content: await deps.pdf.renderPdf(
              renderLetterHtml('invoice', {
                title: `Invoice ${seriesId} ${centreNumber}`,
                centreName: centre.name,
                centreNumber,
                issuedOn: formatInZone(new Date(), centre.timeZone),
                seriesName: s.name,
                lines: (invoice.lines as InvoiceLine[]).map((l) => ({ ...l, serviceName: SERVICE_NAMES[l.service as Service] ?? l.service })),
                totalPence: invoice.totalPence,
              }),
            ),
          }));
        await db.update(invoices).set({ documentId: doc.id }).where(eq(invoices.id, invoice.id));
        await deps.mailer.send({
          businessKey: `invoice:${seriesId}:${centreNumber}`,
          to: centre.email,
          subject: `Invoice for enquiries about results, ${s.name}`,
          text: `Dear exams officer at ${centre.name} (${centreNumber}),\n\nYour invoice for enquiries about results in ${s.name} is available (${doc.filename}).\n\n${deps.publicUrl}/centre/invoices`,
        });
      }
      return byCentre.size;
    },
  };
}

export type InvoiceActivities = ReturnType<typeof createInvoiceActivities>;
