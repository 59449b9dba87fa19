// Where statements of results and bulk result PDFs are stored (documents table, deterministic keys): shared by the
// worker that stores them and the web process that serves them, without the printing code.
import { createHash } from 'node:crypto';
import type { CandidateSeriesResults } from '../domain/portalResults';

/**
 * Where a statement is stored: keyed by a hash of what it shows, so the same results reuse the stored PDF and changed
 * results (an enquiry's new grade) make a new one.
 */
export function statementKey(r: CandidateSeriesResults): string {
  const shown = { name: [r.firstName, r.lastName], number: r.candidateNumber, series: r.seriesName, entries: r.entries };
  const hash = createHash('sha256').update(JSON.stringify(shown)).digest('hex').slice(0, 16);
  return `statements/${r.centreNumber}/${r.seriesId}/${r.candidateNumber}-${hash}.pdf`;
}

export const resultPdfsPartKey = (centreNumber: string, jobId: string, batch: number) => `teacher-result-pdfs/${centreNumber}/${jobId}/part-${batch}`;
export const resultPdfsDirectoryKey = (centreNumber: string, jobId: string) => `teacher-result-pdfs/${centreNumber}/${jobId}/directory`;
