// The studentImport, studentExport and studentEmail workflows' inputs, states and payloads (issue 7, RULES.md D2,
// D3). Shared by the workflows, their activities and the API.
import type { ImportViolation } from '../domain/studentAccounts';

export interface Actor {
  userId: string;
  name: string;
}

/** Operational settings given by the API (DESIGN rule 4): batch sizes, heartbeats and how long codes live. */
export interface StudentJobPolicy {
  /** Rows per validation and creation batch; a file of at most this many rows is created in one transaction. */
  importBatchSize: number;
  /** Validation batches running at once. */
  validateConcurrency: number;
  /** Creation batches running at once (different students each, one transaction each). */
  createConcurrency: number;
  /** Accounts per export batch: one Chromium print and one transaction each. */
  exportBatchSize: number;
  /** A batch activity that stops heartbeating this long is retried elsewhere (a worker died). */
  heartbeatTimeoutMs: number;
  /** How long an activation code or link works after it is issued (D3). */
  activationTtlMs: number;
}

// --- import (D2, D5) -----------------------------------------------------------------------------------------------

export type ImportPhase = 'reading' | 'validating' | 'rejected' | 'cancelled' | 'creating' | 'sending' | 'completed';

export interface StudentImportInput {
  importId: string;
  centreNumber: string;
  filename: string;
  sizeBytes: number;
  actor: Actor;
  policy: StudentJobPolicy;
}

export interface StudentImportState {
  importId: string;
  workflowId: string;
  centreNumber: string;
  filename: string;
  sizeBytes: number;
  uploadedBy: Actor;
  phase: ImportPhase;
  /** Data rows read from the file (the header not counted). */
  rows: number;
  batches: number;
  validatedBatches: number;
  /** Failing rows' violations found so far; the full list is in PostgreSQL (student_import_errors). */
  errorCount: number;
  /** Rows with at least one violation. */
  failingRows: number;
  createdBatches: number;
  created: number;
  /** Rows whose student already had an account: nothing new is made for them (D5). */
  alreadyRegistered: number;
  /** Rows left out because another upload gave their email to another student meanwhile (a race; shown, never silent). */
  skipped: number;
  sentBatches: number;
  emailsSent: number;
  /** The first violations, for the answer to a small upload (the rest are paged from the database). */
  firstErrors: ImportViolation[];
  startedAt: string;
  finishedAt: string | null;
  cancelledBy: string | null;
  version: number;
}

export interface StudentImportProgress {
  phase: ImportPhase;
  rows: number;
  /** 0-100 over the three steps: validate, create (accounts and queued emails), send. */
  percent: number;
  validatedRows: number;
  created: number;
  alreadyRegistered: number;
  emailsSent: number;
  errorCount: number;
  failingRows: number;
}

export interface StageResult {
  rows: number;
  batches: number;
  /** Header or CSV syntax problems: the file is rejected without validating rows. */
  fatal: ImportViolation[];
}
export interface ValidateBatchResult {
  batch: number;
  rows: number;
  errorCount: number;
  failingRows: number;
  firstErrors: ImportViolation[];
}
export interface CreateBatchResult {
  batch: number;
  created: number;
  alreadyRegistered: number;
  skipped: number;
}
export interface SendBatchResult {
  batch: number;
  sent: number;
}

// --- export (D3) ---------------------------------------------------------------------------------------------------

export type ExportPhase = 'planning' | 'issuing' | 'finalising' | 'completed';

export interface StudentExportInput {
  exportId: string;
  centreNumber: string;
  seriesId: string;
  actor: Actor;
  policy: StudentJobPolicy;
}

export interface ExportFileRef {
  kind: 'csv' | 'pdf';
  key: string;
  filename: string;
  rows: number;
}

export interface StudentExportState {
  exportId: string;
  workflowId: string;
  centreNumber: string;
  seriesId: string;
  requestedBy: Actor;
  phase: ExportPhase;
  /** Accounts made by this export for students entered in the series who had none. */
  created: number;
  /** Students listed with a code: every entered student whose account is still Not Activated. */
  listed: number;
  /** Entered students whose accounts are already activated (or locked): not listed. */
  notListed: number;
  batches: number;
  issuedBatches: number;
  issued: number;
  files: ExportFileRef[];
  startedAt: string;
  finishedAt: string | null;
  version: number;
}

export interface ExportPlan {
  created: number;
  listed: number;
  notListed: number;
  batches: number;
}
export interface ExportBatchResult {
  batch: number;
  issued: number;
  reused: boolean;
}

// --- one email for a staff action (D6, D7, D9) ---------------------------------------------------------------------

export interface StudentEmailInput {
  /** The outbox row's business key: the email is sent once, ever. */
  businessKey: string;
  accountId: string;
}
