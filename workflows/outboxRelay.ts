// Mail that a web request queued in its own transaction is sent by a workflow of its own, started just after the
// commit. If that start failed (Temporal unreachable at that moment), the row would wait in the outbox for ever.
// This sweep, run every few minutes by the `outbox-relay` schedule, starts those workflows under the ids they
// would have had: a start that did happen refuses the duplicate, so each email still goes exactly once.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { OutboxRelayActivities, UnstartedMail } from '../activities/outboxRelay';
import { portalEmailWorkflowId, studentEmailWorkflowId } from './ids';
import { portalEmailWorkflow } from './portalEmail';
import { studentEmailWorkflow } from './studentEmail';

const acts = proxyActivities<OutboxRelayActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumInterval: '30 seconds' } });

export interface OutboxRelayInput {
  /** Only mail queued longer ago than this: younger rows are still being started by their request. */
  olderThanMs: number;
  limit: number;
}

const STUDENT_KEY = /^student-account:([^:]+):/;

function startSender(mail: UnstartedMail) {
  const options = { parentClosePolicy: ParentClosePolicy.ABANDON, workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE };
  if (mail.relay === 'student-email') {
    const accountId = STUDENT_KEY.exec(mail.businessKey)?.[1] ?? '';
    return startChild(studentEmailWorkflow, { ...options, workflowId: studentEmailWorkflowId(mail.businessKey), args: [{ businessKey: mail.businessKey, accountId }] });
  }
  return startChild(portalEmailWorkflow, { ...options, workflowId: portalEmailWorkflowId(mail.businessKey), args: [{ businessKey: mail.businessKey }] });
}

export async function outboxRelayWorkflow(input: OutboxRelayInput): Promise<{ found: number; started: number }> {
  const unstarted = await acts.findUnstartedMail(input);
  let started = 0;
  for (const mail of unstarted) {
    try {
      await startSender(mail);
      started += 1;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return { found: unstarted.length, started };
}
