// Business-keyed workflow ids (DESIGN rule 2): the same request always addresses the same workflow.

/** One enquiry workflow per enquiry, from its first Save; the draft id is made by the API once per new draft. */
export function enquiryWorkflowId(centreNumber: string, seriesId: string, enquiryId: string): string {
  return `enquiry:${centreNumber}:${seriesId}:${enquiryId}`;
}

export function resultsAccessWorkflowId(centreNumber: string, seriesId: string): string {
  return `results-access:${centreNumber}:${seriesId}`;
}

export function accountLockWorkflowId(accountKind: string, accountId: string): string {
  return `account-lock:${accountKind}:${accountId}`;
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
