import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

// Where an enquiry's time goes, read from its own workflow histories: for each activity type, how long it waited
// for a worker slot (scheduled -> started) and how long it ran (started -> completed); for workflow tasks the same.
// A profile that needs no instrumentation and matches what an operator sees in the Web UI.

type Event = temporal.api.history.v1.IHistoryEvent;

const ms = (t: Event['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Math.round(Number(t?.nanos ?? 0) / 1e6);

export interface StepTiming {
  step: string;
  count: number;
  meanWaitMs: number;
  meanRunMs: number;
}

export async function historyBreakdown(client: Client, workflowIds: string[]): Promise<StepTiming[]> {
  const acc = new Map<string, { count: number; wait: number; run: number }>();
  const add = (step: string, wait: number, run: number) => {
    const a = acc.get(step) ?? { count: 0, wait: 0, run: 0 };
    acc.set(step, { count: a.count + 1, wait: a.wait + wait, run: a.run + run });
  };
  for (const id of workflowIds) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const byId = new Map<number, Event>();
    for (const e of history.events ?? []) {
      byId.set(Number(e.eventId), e);
      const completed = e.activityTaskCompletedEventAttributes;
      if (completed) {
        const scheduled = byId.get(Number(completed.scheduledEventId));
        const started = byId.get(Number(completed.startedEventId));
        const type = scheduled?.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity';
        if (scheduled && started) add(`activity ${type}`, ms(started.eventTime) - ms(scheduled.eventTime), ms(e.eventTime) - ms(started.eventTime));
      }
      const wft = e.workflowTaskCompletedEventAttributes;
      if (wft) {
        const scheduled = byId.get(Number(wft.scheduledEventId));
        const started = byId.get(Number(wft.startedEventId));
        if (scheduled && started) add('workflow task', ms(started.eventTime) - ms(scheduled.eventTime), ms(e.eventTime) - ms(started.eventTime));
      }
    }
  }
  return [...acc.entries()]
    .map(([step, a]) => ({ step, count: a.count, meanWaitMs: Math.round(a.wait / a.count), meanRunMs: Math.round(a.run / a.count) }))
    .sort((x, y) => y.meanRunMs * y.count - x.meanRunMs * x.count);
}
