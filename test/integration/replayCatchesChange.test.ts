// The replay test is only worth something if it fails on a non-deterministic change (DESIGN rule 7). Here the
// recorded series-calendar history is replayed against a variant whose workflow gains one timer at the start: the
// SDK must refuse it with a DeterminismViolationError, while an unchanged workflow in the same bundle still replays.
import fs from 'node:fs';
import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { quietTemporalRuntime } from '../support/runtime';

quietTemporalRuntime();

const history = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'histories', `${name}.json`), 'utf8'));
let bundle: { code: string };

beforeAll(async () => {
  const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../support/nonDeterministicWorkflows'), logger: silent as never });
}, 120_000);

it('fails the replay of a recorded history when the workflow gains a timer (DeterminismViolationError)', async () => {
  const replay = Worker.runReplayHistory({ workflowBundle: bundle }, history('series-calendar-invoiced'), 'series-calendar-invoiced');
  await expect(replay).rejects.toBeInstanceOf(DeterminismViolationError);
  await expect(replay).rejects.toThrow(/[Nn]ondeterminism|TimerStarted|does not match/);
});

it('still replays an unchanged workflow from the same variant bundle (the failure is the change, not the bundle)', async () => {
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history('enquiry-acknowledged'), 'enquiry-acknowledged')).resolves.toBeUndefined();
});
