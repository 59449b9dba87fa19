// One upload of student details from CSV (RULES.md D2, D5): read the file, validate every row against the
// exam-entry data, and only if every row passes create the accounts and send each new student one welcome email.
// A background job with progress for any size of file; durable, so a worker crash resumes where it stopped and the
// batches, being idempotent, create nothing twice. The workflow owns the job's state; an activity writes it to
// PostgreSQL at each phase (DESIGN rule 1).
import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { StudentAccountActivities } from '../activities/studentAccounts';
import type { RuleViolation } from '../domain/model';
import type { ImportViolation } from '../domain/studentAccounts';
import * as messages from './messages';
import { StudentJobPhase } from './searchAttributes';
import type { ImportPhase, StudentImportInput, StudentImportProgress, StudentImportState } from './studentTypes';

// Read-model writes: short, retried quickly.
const db = proxyActivities<StudentAccountActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

const FIRST_ERRORS_KEPT = 50;
const CANCELLABLE: readonly ImportPhase[] = ['reading', 'validating'];

export async function studentImportWorkflow(input: StudentImportInput): Promise<StudentImportState> {
  const { importId, centreNumber, policy } = input;
  // Batches: heartbeating, retried until they succeed; a batch whose worker died is retried elsewhere.
  const batches = proxyActivities<StudentAccountActivities>({
    startToCloseTimeout: '30 minutes',
    heartbeatTimeout: policy.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const now = () => new Date(Date.now()).toISOString();
  const state: StudentImportState = {
    importId,
    workflowId: workflowInfo().workflowId,
    centreNumber,
    filename: input.filename,
    sizeBytes: input.sizeBytes,
    uploadedBy: input.actor,
    phase: 'reading',
    rows: 0,
    batches: 0,
    validatedBatches: 0,
    errorCount: 0,
    failingRows: 0,
    createdBatches: 0,
    created: 0,
    alreadyRegistered: 0,
    skipped: 0,
    sentBatches: 0,
    emailsSent: 0,
    firstErrors: [],
    startedAt: now(),
    finishedAt: null,
    cancelledBy: null,
    version: 0,
  };
  let validatedRows = 0;

  const record = async (phase: ImportPhase) => {
    state.phase = phase;
    state.version += 1;
    if (phase === 'rejected' || phase === 'cancelled' || phase === 'completed') state.finishedAt = now();
    upsertSearchAttributes([{ key: StudentJobPhase, value: phase }]);
    await db.saveStudentImport({ state });
  };
  const addErrors = (errors: ImportViolation[]) => {
    if (state.firstErrors.length < FIRST_ERRORS_KEPT) {
      state.firstErrors = [...state.firstErrors, ...errors].sort((a, b) => a.line - b.line).slice(0, FIRST_ERRORS_KEPT);
    }
  };

  setHandler(messages.studentImportStateQuery, () => state);
  setHandler(messages.studentImportProgressQuery, (): StudentImportProgress => {
    const total = Math.max(1, state.rows);
    const done = state.phase === 'completed' || state.phase === 'rejected' || state.phase === 'cancelled';
    const validated = validatedRows / total;
    const created = (state.created + state.alreadyRegistered + state.skipped) / total;
    const sent = state.phase === 'sending' ? state.emailsSent / Math.max(1, state.created) : 0;
    const share = (validated + created + sent) / 3;
    return {
      phase: state.phase,
      rows: state.rows,
      percent: done ? 100 : Math.min(99, Math.floor(100 * share)),
      validatedRows,
      created: state.created,
      alreadyRegistered: state.alreadyRegistered,
      emailsSent: state.emailsSent,
      errorCount: state.errorCount,
      failingRows: state.failingRows,
    };
  });

  // Cancelling is possible while nothing has been saved: once accounts are being created, the import finishes.
  let cancelRequested = false;
  const validateCancel = () => {
    if (!CANCELLABLE.includes(state.phase) || cancelRequested) {
      const v: RuleViolation = { rule: 'D2', field: 'importId', message: `An import that is ${state.phase} cannot be cancelled: ${state.phase === 'creating' || state.phase === 'sending' ? 'its accounts are being created and it will finish' : 'it has finished'}.` };
      throw ApplicationFailure.create({ type: 'RuleViolation', message: v.message, details: [{ violations: [v] }], nonRetryable: true });
    }
  };
  setHandler(
    messages.cancelStudentImport,
    ({ actor }) => {
      validateCancel();
      cancelRequested = true;
      state.cancelledBy = actor.name;
      return state;
    },
    { validator: (_args) => validateCancel() },
  );

  const finish = async (phase: ImportPhase) => {
    await record(phase);
    await batches.discardStudentImportData({ importId });
    await condition(allHandlersFinished);
    return state;
  };

  await record('reading');

  // 1. Read the file into rows (streamed).
  const staged = await batches.stageStudentImport({ importId, batchSize: policy.importBatchSize });
  state.rows = staged.rows;
  state.batches = staged.batches;
  if (staged.fatal.length > 0) {
    state.errorCount = staged.fatal.length;
    state.failingRows = new Set(staged.fatal.map((v) => v.line)).size;
    addErrors(staged.fatal);
    return finish('rejected');
  }
  if (cancelRequested) return finish('cancelled');

  // 2. Validate every row before anything is saved (D2), a few batches at a time.
  await record('validating');
  let nextValidate = 0;
  const lane = async () => {
    while (nextValidate < state.batches && !cancelRequested) {
      const batch = nextValidate++;
      const r = await batches.validateStudentImportBatch({ importId, centreNumber, batch, batchSize: policy.importBatchSize });
      state.validatedBatches += 1;
      validatedRows += r.rows;
      state.errorCount += r.errorCount;
      state.failingRows += r.failingRows;
      addErrors(r.firstErrors);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, policy.validateConcurrency) }, lane));
  if (cancelRequested) return finish('cancelled');
  // D2: one failing row and nothing is saved; the answer lists every failing row.
  if (state.errorCount > 0) return finish('rejected');

  // 3. Create the accounts, batch by batch (one transaction each), each new student's welcome email queued.
  state.phase = 'creating'; // set before any await: a cancel arriving from here on is refused
  await record('creating');
  // Batches hold different students, so a few run at once; each is one transaction.
  let nextCreate = 0;
  const createLane = async () => {
    while (nextCreate < state.batches) {
      const batch = nextCreate++;
      const r = await batches.createStudentAccountsBatch({ importId, centreNumber, batch, batchSize: policy.importBatchSize, rows: state.rows, actor: input.actor, activationTtlMs: policy.activationTtlMs });
      state.createdBatches += 1;
      state.created += r.created;
      state.alreadyRegistered += r.alreadyRegistered;
      state.skipped += r.skipped;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, policy.createConcurrency) }, createLane));

  // 4. Send the queued emails: one per new account, ever (the outbox key).
  await record('sending');
  for (let batch = 0; batch < state.batches; batch++) {
    const r = await batches.sendStudentImportEmails({ importId, centreNumber, batch, batchSize: policy.importBatchSize });
    state.sentBatches += 1;
    state.emailsSent += r.sent;
  }
  return finish('completed');
}
