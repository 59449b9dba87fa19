// A deliberately non-deterministic change, for test/integration/replayCatchesChange.test.ts: the real workflows,
// except that seriesCalendarWorkflow now starts with a one-second timer it did not have when its history was
// recorded. Replaying that history must fail; a worker running this code would be corrupting live workflows.
import { sleep } from '@temporalio/workflow';
import { seriesCalendarWorkflow as recorded } from '../../workflows/seriesCalendar';

export * from '../../workflows/index';

export async function seriesCalendarWorkflow(...args: Parameters<typeof recorded>): ReturnType<typeof recorded> {
  await sleep(1000);
  return recorded(...args);
}
