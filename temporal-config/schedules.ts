import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { OUTBOX_RELAY_SCHEDULE_ID } from '../workflows/ids';
import { outboxRelayWorkflow, type OutboxRelayInput } from '../workflows/outboxRelay';

// The system's Temporal schedules, created when a web process starts; a second process (or restart) finds them
// there. Operators see, pause and trigger them under Schedules in the Web UI.

export const OUTBOX_RELAY: OutboxRelayInput = { olderThanMs: 2 * 60_000, limit: 500 };

export async function ensureSchedules(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: OUTBOX_RELAY_SCHEDULE_ID,
      spec: { intervals: [{ every: '5 minutes' }] },
      action: { type: 'startWorkflow', workflowType: outboxRelayWorkflow, workflowId: OUTBOX_RELAY_SCHEDULE_ID, taskQueue, args: [OUTBOX_RELAY] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '5 minutes' },
      memo: { purpose: 'Starts the sending workflow of queued mail whose web request could not start it (issue 7)' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
