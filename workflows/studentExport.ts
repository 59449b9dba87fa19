// One export of verification codes and links for a series (RULES.md D3): accounts for every student entered in the
// series who has none, then fresh codes for every entered student still Not Activated, in batches (each batch's
// codes stored with its part of the files in one transaction), then one CSV and one PDF of slips. Durable: a worker
// crash resumes at the next batch and no batch issues codes twice.
import { allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { StudentAccountActivities } from '../activities/studentAccounts';
import * as messages from './messages';
import { StudentJobPhase } from './searchAttributes';
import type { ExportPhase, StudentExportInput, StudentExportState } from './studentTypes';

const db = proxyActivities<StudentAccountActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

export async function studentExportWorkflow(input: StudentExportInput): Promise<StudentExportState> {
  const { exportId, centreNumber, seriesId, policy } = input;
  const batches = proxyActivities<StudentAccountActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: policy.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const now = () => new Date(Date.now()).toISOString();
  const state: StudentExportState = {
    exportId,
    workflowId: workflowInfo().workflowId,
    centreNumber,
    seriesId,
    requestedBy: input.actor,
    phase: 'planning',
    created: 0,
    listed: 0,
    notListed: 0,
    batches: 0,
    issuedBatches: 0,
    issued: 0,
    files: [],
    startedAt: now(),
    finishedAt: null,
    version: 0,
  };
  const record = async (phase: ExportPhase) => {
    state.phase = phase;
    state.version += 1;
    if (phase === 'completed') state.finishedAt = now();
    upsertSearchAttributes([{ key: StudentJobPhase, value: phase }]);
    await db.saveStudentExport({ state });
  };

  setHandler(messages.studentExportStateQuery, () => state);

  await record('planning');
  const plan = await batches.planStudentExport({ exportId, centreNumber, seriesId, actor: input.actor, batchSize: policy.exportBatchSize });
  Object.assign(state, { created: plan.created, listed: plan.listed, notListed: plan.notListed, batches: plan.batches });

  await record('issuing');
  for (let batch = 0; batch < state.batches; batch++) {
    const r = await batches.issueStudentExportBatch({ exportId, centreNumber, batch, activationTtlMs: policy.activationTtlMs });
    state.issuedBatches += 1;
    state.issued += r.issued;
  }

  await record('finalising');
  state.files = (await batches.finaliseStudentExport({ exportId, centreNumber, seriesId })).files;
  await record('completed');
  await condition(allHandlersFinished);
  return state;
}

