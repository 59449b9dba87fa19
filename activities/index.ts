import type { Db } from '../db/client';
import { createAccountLockActivities } from './accountLocks';
import { createEnquiryActivities } from './enquiries';
import { createInvoiceActivities } from './invoices';
import { createOutboxRelayActivities } from './outboxRelay';
import { createResultsAccessActivities, type LetterFaults } from './resultsAccess';
import type { Mailer } from './email/outbox';
import { createLetterBatcher } from './letters/letterBatcher';
import type { PdfRenderer } from './letters/renderer';
import { createDocumentStore } from './storage';
import { createStatementActivities } from './statements';
import { createStudentAccountActivities } from './studentAccounts';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  pdf: PdfRenderer;
  publicUrl: string;
  boardEmail: string;
  /** argon2 hashes at once for letter generation (default: one per core). */
  hashConcurrency?: number;
  /** Tests only: make a letter batch fail at a chosen point, as a crash would. */
  letterFaults?: LetterFaults;
}

/** Every activity the worker registers, built from its dependencies (no global singletons). */
export function createActivities(deps: ActivityDeps) {
  const storage = createDocumentStore(deps.db);
  return {
    ...createEnquiryActivities({ ...deps, storage, letters: createLetterBatcher(deps.pdf) }),
    ...createInvoiceActivities({ ...deps, storage }),
    ...createResultsAccessActivities({ db: deps.db, pdf: deps.pdf, publicUrl: deps.publicUrl, hashConcurrency: deps.hashConcurrency, faults: deps.letterFaults }),
    ...createStudentAccountActivities({ db: deps.db, mailer: deps.mailer, pdf: deps.pdf, publicUrl: deps.publicUrl }),
    ...createAccountLockActivities({ db: deps.db, mailer: deps.mailer }),
    ...createStatementActivities({ db: deps.db, pdf: deps.pdf, storage }),
    ...createOutboxRelayActivities({ db: deps.db }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
