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
