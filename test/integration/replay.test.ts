// Replays every recorded history under test/histories against today's workflow code: a change that alters the
// commands a workflow issues without `patched()` fails here (DESIGN rule 7).
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { quietTemporalRuntime } from '../support/runtime';

quietTemporalRuntime();

const dir = path.join(__dirname, '..', 'histories');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

it('has recorded histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

it.each(files)('replays %s deterministically', async (file) => {
  const history = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! } }, history, file.replace(/\.json$/, ''));
});
