// Inputs and states of the results portals' workflows (B6, B10). Plain data: shared by workflows, activities and api.
import type { ReportFilters } from '../domain/portalResults';

export interface StatementOfResultsInput {
  centreNumber: string;
  seriesId: string;
  candidateId: string;
}

export interface StatementOfResultsResult {
  documentId: string;
  key: string;
}

export interface TeacherResultPdfsInput {
  jobId: string;
  centreNumber: string;
  seriesId: string;
  filters: ReportFilters;
  requestedBy: { userId: string; name: string };
  /** Statements per batch activity (one Chromium print each) and batches at once. */
  batchSize: number;
  batchConcurrency: number;
  heartbeatTimeoutMs: number;
}

export type TeacherResultPdfsPhase = 'planning' | 'printing' | 'zipping' | 'completed';

export interface TeacherResultPdfsState {
  jobId: string;
  centreNumber: string;
  seriesId: string;
  filters: ReportFilters;
  requestedBy: { userId: string; name: string };
  phase: TeacherResultPdfsPhase;
  /** Candidates found by the filters when the job started, and those whose PDF is made. */
  total: number;
  done: number;
  batches: number;
  batchesDone: number;
  file: { filename: string; sizeBytes: number; pdfs: number } | null;
  startedAt: string;
  finishedAt: string | null;
}
