// One email of the results portals (a reset link B4, a teacher's invitation B8). The request's transaction queued it
// in the outbox; this sends it, retrying until SMTP answers, once (the business key), so the person who asked never
// waits on SMTP.
import { proxyActivities } from '@temporalio/workflow';
import type { AccountLockActivities } from '../activities/accountLocks';

const mail = proxyActivities<AccountLockActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function portalEmailWorkflow(input: { businessKey: string }): Promise<{ sent: boolean }> {
  return mail.sendQueuedPortalEmail({ businessKey: input.businessKey });
}
