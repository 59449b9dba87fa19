// One candidate's statement of results for one series (B6), printed in the worker by the one Chromium renderer and
// stored under a key derived from what it shows: asking again for the same results reuses the stored PDF.
import { proxyActivities } from '@temporalio/workflow';
import type { StatementActivities } from '../activities/statements';
import type { StatementOfResultsInput, StatementOfResultsResult } from './portalResultsTypes';

const print = proxyActivities<StatementActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds', maximumAttempts: 5 },
});

export async function statementOfResultsWorkflow(input: StatementOfResultsInput): Promise<StatementOfResultsResult> {
  return print.makeStatementOfResults(input);
}
