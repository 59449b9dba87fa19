// A teacher's bulk result PDFs (B10): no cap on the number of candidates. The candidates are fixed once by the
// filters, printed in batches of heartbeating activities (a few at once), each batch stored as its part of one zip,
// and the zip's directory written at the end. Progress (done / total) is a query; a worker crash resumes with the
// batches not yet stored.
import { allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { StatementActivities } from '../activities/statements';
import * as messages from './messages';
import type { TeacherResultPdfsInput, TeacherResultPdfsPhase, TeacherResultPdfsState } from './portalResultsTypes';

const quick = proxyActivities<StatementActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

export async function teacherResultPdfsWorkflow(input: TeacherResultPdfsInput): Promise<TeacherResultPdfsState> {
  const long = proxyActivities<StatementActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: input.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const now = () => new Date(Date.now()).toISOString();
  const state: TeacherResultPdfsState = {
    jobId: input.jobId,
    centreNumber: input.centreNumber,
    seriesId: input.seriesId,
    filters: input.filters,
    requestedBy: input.requestedBy,
    phase: 'planning',
    total: 0,
    done: 0,
    batches: 0,
    batchesDone: 0,
    file: null,
    startedAt: workflowInfo().startTime.toISOString(),
    finishedAt: null,
  };
  const enter = (phase: TeacherResultPdfsPhase) => {
    state.phase = phase;
    if (phase === 'completed') state.finishedAt = now();
  };
  setHandler(messages.teacherResultPdfsProgressQuery, () => state);

  const { candidateIds } = await quick.planResultPdfs({ centreNumber: input.centreNumber, seriesId: input.seriesId, filters: input.filters });
  state.total = candidateIds.length;
  state.batches = Math.ceil(candidateIds.length / input.batchSize);

  enter('printing');
  const issuedAt = state.startedAt;
  let next = 0;
  const lane = async () => {
    while (next < state.batches) {
      const batch = next++;
      const ids = candidateIds.slice(batch * input.batchSize, (batch + 1) * input.batchSize);
      const r = await long.makeResultPdfBatch({ jobId: input.jobId, centreNumber: input.centreNumber, seriesId: input.seriesId, batch, candidateIds: ids, issuedAt });
      state.done += r.pdfs;
      state.batchesDone += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, input.batchConcurrency) }, lane));

  enter('zipping');
  state.file = await long.finaliseResultPdfs({ jobId: input.jobId, centreNumber: input.centreNumber, seriesId: input.seriesId, batches: state.batches, issuedAt });
  enter('completed');
  await condition(allHandlersFinished);
  return state;
}
