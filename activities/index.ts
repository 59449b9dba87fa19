import type { Db } from '../db/client';
import { createEnquiryActivities } from './enquiries';
import { createInvoiceActivities } from './invoices';
import type { Mailer } from './email/outbox';
import type { PdfRenderer } from './letters/renderer';
import { createDocumentStore } from './storage';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  pdf: PdfRenderer;
  publicUrl: string;
  boardEmail: string;
}

/** Every activity the worker registers, built from its dependencies (no global singletons). */
export function createActivities(deps: ActivityDeps) {
  const storage = createDocumentStore(deps.db);
  return {
    ...createEnquiryActivities({ ...deps, storage }),
    ...createInvoiceActivities({ ...deps, storage }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
