// Business-keyed workflow ids (DESIGN rule 2): the same request always addresses the same workflow.

/** One enquiry workflow per enquiry, from its first Save; the draft id is made by the API once per new draft. */
export function enquiryWorkflowId(centreNumber: string, seriesId: string, enquiryId: string): string {
  return `enquiry:${centreNumber}:${seriesId}:${enquiryId}`;
}

export function resultsAccessWorkflowId(centreNumber: string, seriesId: string): string {
  return `results-access:${centreNumber}:${seriesId}`;
}

/** One per lock of an account: the lock's number makes a repeated start of the same lock harmless (B3). */
export function accountLockWorkflowId(accountKind: string, accountId: string, lockCount: number): string {
  return `account-lock:${accountKind}:${accountId}:${lockCount}`;
}

/** One workflow per portal email (reset link, invitation): the outbox key, so it runs once, ever. */
export function portalEmailWorkflowId(businessKey: string): string {
  return `portal-email:${businessKey}`;
}

export function seriesCalendarWorkflowId(seriesId: string): string {
  return `series-calendar:${seriesId}`;
}

/** One studentImport workflow per upload; the upload id is made by the API once per upload. */
export function studentImportWorkflowId(centreNumber: string, importId: string): string {
  return `student-import:${centreNumber}:${importId}`;
}

export function studentExportWorkflowId(centreNumber: string, seriesId: string, exportId: string): string {
  return `student-export:${centreNumber}:${seriesId}:${exportId}`;
}

/** One workflow per email of a staff action on a student account: the outbox key, so it runs once, ever. */
export function studentEmailWorkflowId(businessKey: string): string {
  return `student-email:${businessKey}`;
}

/** One statement of results per candidate and series at a time (B6); a repeated request joins the running one. */
export function statementOfResultsWorkflowId(centreNumber: string, seriesId: string, candidateId: string): string {
  return `statement-of-results:${centreNumber}:${seriesId}:${candidateId}`;
}

/** One bulk result PDFs job per request (B10); the job id is made by the API once per request. */
export function teacherResultPdfsWorkflowId(centreNumber: string, jobId: string): string {
  return `teacher-result-pdfs:${centreNumber}:${jobId}`;
}

/** The schedule that runs the outbox relay, and the id of each of its runs (the schedule appends the time). */
export const OUTBOX_RELAY_SCHEDULE_ID = 'outbox-relay';
