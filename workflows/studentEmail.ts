// One email queued with a staff action on a student account (a new welcome email D6, a reactivation D7/D9). The
// action's transaction queued it in the outbox; this sends it, retrying until SMTP answers, once (the business key).
import { proxyActivities } from '@temporalio/workflow';
import type { StudentAccountActivities } from '../activities/studentAccounts';
import type { StudentEmailInput } from './studentTypes';

const mail = proxyActivities<StudentAccountActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function studentEmailWorkflow(input: StudentEmailInput): Promise<{ sent: boolean }> {
  return mail.sendQueuedStudentEmail({ businessKey: input.businessKey });
}
