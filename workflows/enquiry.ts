// One enquiry about results, from the first Save to its end (RULES.md section C).
// The workflow owns the status; every change is written to PostgreSQL by an activity (DESIGN rule 1).
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  getExternalWorkflowHandle,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EnquiryActivities } from '../activities/enquiries';
import { requiredDocuments } from '../domain/enquiryRules';
import type { EnquiryStatus, RuleViolation } from '../domain/model';
import type {
  Actor,
  CandidateGrade,
  EnquiryAlert,
  EnquiryInput,
  EnquiryState,
  RecordOutcomeArgs,
  TimelineEvent,
} from './enquiryTypes';
import { ticketLock } from './ticketLock';
import * as messages from './messages';
import { EnquiryNumber, EnquiryService, EnquiryStatus as EnquiryStatusKey, SyllabusCode } from './searchAttributes';

// Reads and small writes to PostgreSQL, and printing a letter, run as local activities. An ordinary activity costs
// the server a task of its own and the workflow a new workflow task when it completes; a status change made of four
// of them took seconds on deadline day (issue 9, BENCHMARKS.md). Local activities run inside the workflow task, so
// one person action is one workflow task. They are safe here because every handler and timer takes its turn through
// the ticket lock, in the order of the history's events, never of activity completions.
const DB_STEP = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
} as const;
const localDb = proxyLocalActivities<EnquiryActivities>(DB_STEP);
// A letter is printed in well under a second, in a batch with others on deadline day; while Chromium is being
// restarted the attempts back off, and past a minute each retry waits on a durable timer.
const localLetters = proxyLocalActivities<EnquiryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// Enquiries started before local activities (no patch marker in their history) keep ordinary ones to the end.
const LOCAL_DB_PATCH = 'enquiry-local-db-activities';
const remoteDb = proxyActivities<EnquiryActivities>(DB_STEP);
// Mail (SMTP): ordinary activities in the background, retried until the mail server comes back.
const io = proxyActivities<EnquiryActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

type SubmissionTimes = { submittedAt: string; ackAlertAt: string };

const TERMINAL: readonly EnquiryStatus[] = ['Completed', 'Cancelled', 'Rejected', 'Closed', 'Deleted'];

export async function enquiryWorkflow(input: EnquiryInput): Promise<EnquiryState> {
  const local = patched(LOCAL_DB_PATCH);
  const db = local ? localDb : remoteDb;
  const letters = local ? localLetters : io;
  const now = () => new Date(Date.now()).toISOString();
  const state: EnquiryState = {
    enquiryId: input.enquiryId,
    workflowId: workflowInfo().workflowId,
    centreNumber: input.centreNumber,
    associateId: input.associateId ?? null,
    seriesId: input.seriesId,
    draft: input.draft,
    status: 'Saved',
    enquiryNumber: null,
    feePence: 0,
    amendmentFeePence: 0,
    createdBy: input.actor,
    createdAt: now(),
    submittedAt: null,
    receivedAt: null,
    acknowledgedAt: null,
    amendableUntil: null,
    completedAt: null,
    ackAlertAt: null,
    deadline: input.timings.deadline,
    alerts: [],
    outcome: null,
    documents: [],
    extensions: [],
    waitingFor: [],
    waiters: [],
    rejectionReason: null,
    ackErrors: [],
    timeline: [],
    version: 0,
  };
  const { timings } = input;

  // --- helpers -------------------------------------------------------------------------------------------------

  const refuse = (violations: RuleViolation[]): never => {
    throw ApplicationFailure.create({
      type: 'RuleViolation',
      message: violations.map((v) => `${v.message} [${v.rule}]`).join(' '),
      details: [{ violations }],
      nonRetryable: true,
    });
  };
  const requireStatus = (allowed: readonly EnquiryStatus[], action: string) => {
    if (!allowed.includes(state.status)) {
      refuse([{ rule: 'C25', field: 'status', message: `An enquiry that is ${state.status} cannot be ${action}.` }]);
    }
  };
  const pastDeadline = () => Date.now() > Date.parse(state.deadline);
  const requireBeforeDeadline = () => {
    if (pastDeadline()) {
      refuse([{ rule: 'C21', field: 'seriesId', message: `The deadline for enquiries in this series has passed (${state.deadline}).` }]);
    }
  };
  const withinAmendmentWindow = () => state.amendableUntil === null || Date.now() <= Date.parse(state.amendableUntil);

  // One person action (or timer) at a time, in arrival order.
  const { idle, exclusive } = ticketLock();

  const record = async (kind: string, actor: Actor | null, detail?: Record<string, unknown>) => {
    state.version += 1;
    const event: TimelineEvent = { seq: state.timeline.length + 1, kind, at: now(), actor: actor?.name ?? null, detail };
    state.timeline.push(event);
    upsertSearchAttributes([
      { key: EnquiryStatusKey, value: state.status },
      { key: EnquiryService, value: state.draft.service },
      { key: SyllabusCode, value: state.draft.syllabusCode },
      ...(state.enquiryNumber !== null ? [{ key: EnquiryNumber, value: state.enquiryNumber }] : []),
    ]);
    await db.saveEnquiry({ state, event, actorUserId: actor?.userId ?? null });
  };

  const checkDraftAgainstData = async () => {
    const violations = await db.checkEnquiryDraft({
      enquiryId: state.enquiryId,
      centreNumber: state.centreNumber,
      seriesId: state.seriesId,
      draft: state.draft,
    });
    if (violations.length > 0) refuse(violations);
  };

  // Mail goes out in the background: the person who acted gets the answer at once, and an SMTP outage delays the
  // email, never the enquiry. The workflow waits for every one before it ends.
  const background: Promise<unknown>[] = [];
  const inBackground = (p: Promise<unknown>) => {
    background.push(p);
  };

  const addAlert = async (alert: EnquiryAlert) => {
    if (state.alerts.includes(alert)) return;
    state.alerts.push(alert);
    await record('alert', null, { alert });
    inBackground(io.notifyBoard({ businessKey: `enquiry:${state.enquiryId}:alert:${alert}`, state, alert }));
  };

  const issueDocument = async (kind: 'Ack' | 'Out' | 'SoR', grade?: CandidateGrade) => {
    const doc = await letters.renderEnquiryLetter({ state, kind, grade });
    if (!state.documents.some((d) => d.documentId === doc.documentId)) state.documents.push(doc);
    inBackground(io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:document:${doc.kind}:${doc.candidateNumber ?? ''}`, state, document: doc }));
  };

  const completeIfReady = async () => {
    if (state.status !== 'Acknowledged' || (!state.outcome && state.draft.service !== '9')) return;
    const have = new Set(state.documents.map((d) => d.kind));
    if (!requiredDocuments(state.draft.service).every((k) => have.has(k))) return;
    state.status = 'Completed';
    state.completedAt = now();
    // C22: no administration fee when the enquiry changed the syllabus grade.
    if (state.outcome?.gradeChanged) state.feePence = 0;
    await record('completed', null, { gradeChanged: state.outcome?.gradeChanged ?? false, feePence: state.feePence });
  };

  const isGroup = () => state.draft.service === '5' || state.draft.service === '9';

  /** Asks each blocking enquiry to tell us when it finishes; one already finished cannot be asked (C5, C6). */
  const waitForBlockers = async () => {
    state.waitingFor = await db.findBlockingEnquiries({ state });
    for (const blocker of [...state.waitingFor]) {
      try {
        await getExternalWorkflowHandle(blocker.workflowId).signal(messages.registerWaiter, { waiterWorkflowId: state.workflowId });
      } catch {
        state.waitingFor = state.waitingFor.filter((b) => b.enquiryId !== blocker.enquiryId);
      }
    }
  };

  /** `times`: the submission instant and its acknowledgement deadline, when worked out already. */
  const markSubmitted = async (actor: Actor | null, kind: string, times?: SubmissionTimes) => {
    state.status = 'Submitted';
    state.submittedAt = times?.submittedAt ?? now();
    state.ackAlertAt = times?.ackAlertAt ?? (await db.addWorkingDays({ from: state.submittedAt, days: timings.ackAlertWorkingDays, seriesId: state.seriesId }));
    // C25: no enquiry number within 24 hours, or no acknowledgement within 2 working days, raises an alert.
    at(Date.parse(state.submittedAt) + timings.numberAlertMs, () => state.status === 'Submitted', () => addAlert('no-number-24h'));
    at(Date.parse(state.ackAlertAt), () => state.status === 'Submitted' || state.status === 'Received', () => addAlert('no-ack-2-working-days'));
    await record(kind, actor, { feePence: state.feePence });
    inBackground(io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:submitted`, state }));
  };

  /** The enquiry goes to the board: at once, or for Service 9 once its candidates' other enquiries finish (C6). */
  const enterBoardQueue = async (actor: Actor, times?: SubmissionTimes) => {
    if (isGroup()) await waitForBlockers();
    if (state.draft.service === '9' && state.waitingFor.length > 0) {
      state.status = 'Pending';
      await record('pending', actor, { waitingFor: state.waitingFor.map((b) => b.candidateNumber) });
      return;
    }
    await markSubmitted(actor, 'submitted', times);
  };

  /**
   * The database's part of a submission: the draft checked again, the candidates claimed, the fees, and (for an
   * enquiry that goes straight to the board) when its acknowledgement is overdue. One local activity; enquiries
   * from before local activities did it in four ordinary ones, and replay needs them to go on doing so.
   */
  const prepareSubmission = async () => {
    if (!local) {
      await checkDraftAgainstData();
      const claim = await db.claimCandidates({ state });
      if (claim.violations.length > 0) refuse(claim.violations);
      return { fees: await db.loadFees({ seriesId: state.seriesId }), times: undefined };
    }
    const submittedAt = now();
    const straightToBoard = !state.associateId && !isGroup();
    const prepared = await db.prepareSubmission({ state, ackAlertFrom: straightToBoard ? submittedAt : null, ackAlertWorkingDays: timings.ackAlertWorkingDays });
    if (prepared.violations.length > 0) refuse(prepared.violations);
    return { fees: prepared.fees, times: prepared.ackAlertAt ? { submittedAt, ackAlertAt: prepared.ackAlertAt } : undefined };
  };

  // --- queries and updates -------------------------------------------------------------------------------------

  setHandler(messages.enquiryStateQuery, () => state);

  setHandler(
    messages.saveEnquiryDraft,
    ({ draft, actor }) =>
      exclusive(async () => {
        requireStatus(['Saved'], 'edited as a draft');
        requireBeforeDeadline();
        // The same draft saved again (a repeated request) changes nothing and records nothing.
        if (JSON.stringify(draft) === JSON.stringify(state.draft) && state.timeline.some((e) => e.kind === 'saved')) return state;
        const previous = state.draft;
        state.draft = draft;
        try {
          await checkDraftAgainstData();
        } catch (err) {
          state.draft = previous;
          throw err;
        }
        await record('saved', actor);
        return state;
      }),
    { validator: (_args) => requireStatus(['Saved'], 'edited as a draft') },
  );

  setHandler(
    messages.deleteEnquiryDraft,
    ({ actor }) =>
      exclusive(async () => {
        requireStatus(['Saved'], 'deleted (only drafts can be deleted)');
        state.status = 'Deleted';
        await record('deleted', actor);
        return state;
      }),
    { validator: (_args) => requireStatus(['Saved'], 'deleted (only drafts can be deleted)') },
  );

  const validateSubmit = ({ declarations }: { declarations: [boolean, boolean] }) => {
    requireStatus(['Saved'], 'submitted');
    if (!Array.isArray(declarations) || declarations.length !== 2 || !declarations.every((d) => d === true)) {
      refuse([{ rule: 'C24', field: 'declarations', message: 'Tick both declarations to submit the enquiry.' }]);
    }
    requireBeforeDeadline();
  };
  setHandler(
    messages.submitEnquiry,
    (args) =>
      exclusive(async () => {
        validateSubmit(args);
        const { fees, times } = await prepareSubmission();
        const free = state.draft.service === 'XQ' && state.draft.headOfCentreRequest === true; // C7
        state.feePence = free ? 0 : (fees[state.draft.service] ?? 0);
        if (state.associateId) {
          // C17: an associate centre's enquiry goes to its associate, who approves or rejects it.
          state.status = 'AwaitingApproval';
          await record('sent-to-associate', args.actor, { feePence: state.feePence });
          inBackground(io.sendEnquiryNotice({
            businessKey: `enquiry:${state.enquiryId}:awaiting-approval`,
            state,
            audience: ['associate'],
            subject: `Enquiry awaiting your approval: centre ${state.centreNumber}, ${state.draft.syllabusCode}`,
            text: `Centre ${state.centreNumber} submitted an enquiry (${state.draft.service}, syllabus ${state.draft.syllabusCode}) for your approval.`,
          }));
          return state;
        }
        await enterBoardQueue(args.actor, times);
        return state;
      }),
    { validator: validateSubmit },
  );

  setHandler(
    messages.receiveEnquiry,
    ({ actor }) =>
      exclusive(async () => {
        requireStatus(['Submitted'], 'received');
        state.enquiryNumber = await db.assignEnquiryNumber({ enquiryId: state.enquiryId });
        state.status = 'Received';
        state.receivedAt = now();
        // C16: an outcome later than the turnaround after receipt is flagged to board staff.
        at(Date.now() + timings.turnaroundMs, () => state.status === 'Received' || state.status === 'Acknowledged', () => addAlert('turnaround-overdue'));
        if (state.draft.note.trim() === '') {
          // C23: a blank note becomes "series, syllabus and enquiry number".
          state.draft = { ...state.draft, note: `${state.seriesId} ${state.draft.syllabusCode} ${state.enquiryNumber}` };
        }
        await record('received', actor, { enquiryNumber: state.enquiryNumber });
        return state;
      }),
    { validator: (_args) => requireStatus(['Submitted'], 'received') },
  );

  setHandler(
    messages.acknowledgeEnquiry,
    ({ actor }) =>
      exclusive(async () => {
        requireStatus(['Received'], 'acknowledged');
        await issueDocument('Ack');
        state.status = 'Acknowledged';
        state.acknowledgedAt = now();
        state.amendableUntil = new Date(Date.now() + timings.amendmentWindowMs).toISOString();
        at(Date.parse(state.amendableUntil), () => state.status === 'Acknowledged', () => record('amendment-window-closed', null));
        await record('acknowledged', actor, { amendableUntil: state.amendableUntil });
        return state;
      }),
    { validator: (_args) => requireStatus(['Received'], 'acknowledged') },
  );

  const amendable: readonly EnquiryStatus[] = ['Submitted', 'Received', 'Acknowledged'];
  setHandler(
    messages.amendEnquiry,
    ({ draft, actor }) =>
      exclusive(async () => {
        requireStatus(amendable, 'amended');
        if (draft.service !== state.draft.service || draft.syllabusCode !== state.draft.syllabusCode) {
          refuse([{ rule: 'C20', field: 'service', message: 'An amendment can change the note, components and candidates; to change the service or syllabus, cancel and submit a new enquiry.' }]);
        }
        const previous = state.draft;
        state.draft = draft;
        try {
          await checkDraftAgainstData();
          const claim = await db.claimCandidates({ state });
          if (claim.violations.length > 0) refuse(claim.violations);
        } catch (err) {
          state.draft = previous;
          throw err;
        }
        // C20: free within 24 hours of the acknowledgement; after that the administration fee is charged.
        let charged = 0;
        if (!withinAmendmentWindow()) {
          charged = (await db.loadFees({ seriesId: state.seriesId })).amendment ?? 0;
          state.amendmentFeePence += charged;
        }
        await record('amended', actor, { amendmentFeePence: charged });
        return state;
      }),
    { validator: (_args) => requireStatus(amendable, 'amended') },
  );

  setHandler(
    messages.cancelEnquiry,
    ({ actor }) =>
      exclusive(async () => {
        requireStatus(amendable, 'cancelled');
        // C20: cancelling within the window (or before the acknowledgement) is free; later, the fee stands.
        if (withinAmendmentWindow()) state.feePence = 0;
        state.status = 'Cancelled';
        await db.releaseClaims({ enquiryId: state.enquiryId });
        await record('cancelled', actor, { feePence: state.feePence });
        inBackground(io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:cancelled`, state }));
        return state;
      }),
    { validator: (_args) => requireStatus(amendable, 'cancelled') },
  );

  const validateOutcome = (args: RecordOutcomeArgs) => {
    requireStatus(['Acknowledged'], 'given an outcome');
    if (state.outcome) refuse([{ rule: 'C25', field: 'outcome', message: 'The outcome has already been recorded.' }]);
    const problems: RuleViolation[] = [];
    const candidates = new Set(state.draft.candidateNumbers);
    const components = new Set(state.draft.componentCodes);
    const group = state.draft.service === '5';
    for (const c of args.components ?? []) {
      if (!group && !candidates.has(c.candidateNumber)) problems.push({ rule: 'C11', field: 'components', message: `Candidate ${c.candidateNumber} is not in this enquiry.` });
      if (!components.has(c.componentCode)) problems.push({ rule: 'C11', field: 'components', message: `Component ${c.componentCode} is not in this enquiry.` });
      if (c.newMark !== null && (!Number.isInteger(c.newMark) || c.newMark < 0)) problems.push({ rule: 'C25', field: 'components', message: `The new mark for component ${c.componentCode} must be a whole number of 0 or more.` });
    }
    if (state.draft.service === 'XQ' && !(args.explanation ?? '').trim()) {
      problems.push({ rule: 'C7', field: 'explanation', message: 'A NO RESULT / PENDING answer must explain why no result could be given.' });
    }
    if (problems.length > 0) refuse(problems);
  };
  setHandler(
    messages.recordEnquiryOutcome,
    (args) =>
      exclusive(async () => {
        validateOutcome(args);
        const gradeChanged = args.grades.some((g) => g.gradeAfter !== null && g.gradeAfter !== g.gradeBefore);
        state.outcome = {
          components: args.components,
          grades: args.grades,
          gradeChanged,
          missingComponents: args.missingComponents,
          explanation: args.explanation,
        };
        await db.applyOutcome({ state });
        await record('outcome', args.actor, { gradeChanged });
        await issueDocument('Out');
        // C28: a grade change produces an updated statement of results.
        for (const grade of args.grades) if (grade.gradeAfter !== null && grade.gradeAfter !== grade.gradeBefore) await issueDocument('SoR', grade);
        await completeIfReady();
        return state;
      }),
    { validator: validateOutcome },
  );

  const validateAttach = ({ kind }: { kind: 'CoS' | 'Rpt' }) => {
    requireStatus(['Acknowledged'], 'given a document');
    if (kind === 'Rpt' && state.waitingFor.length > 0) {
      refuse([{ rule: 'C5', field: 'kind', message: `The report waits until the other enquiries of candidates ${state.waitingFor.map((b) => b.candidateNumber).join(', ')} finish.` }]);
    }
    if (!requiredDocuments(state.draft.service).includes(kind)) {
      refuse([{ rule: 'C19', field: 'kind', message: `A ${kind} document is not part of ${state.draft.service === '1S' || state.draft.service === '2S' ? 'this' : `Service ${state.draft.service}`} enquiries.` }]);
    }
  };
  setHandler(
    messages.attachEnquiryDocument,
    (args) =>
      exclusive(async () => {
        validateAttach(args);
        const doc = { kind: args.kind, documentId: args.documentId, filename: args.filename, releasedAt: state.associateId ? null : now() };
        if (!state.documents.some((d) => d.documentId === doc.documentId)) state.documents.push(doc);
        await record('document', args.actor, { kind: args.kind, filename: args.filename });
        inBackground(io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:document:${args.kind}:`, state, document: doc }));
        await completeIfReady();
        return state;
      }),
    { validator: validateAttach },
  );

  setHandler(
    messages.extendEnquiry,
    ({ candidateNumbers, note, actor }) =>
      exclusive(async () => {
        requireStatus(['Received', 'Acknowledged', 'Completed'], 'extended');
        state.extensions.push({ candidateNumbers, note, at: now() });
        await record('extended', actor, { candidateNumbers });
        return state;
      }),
    {
      validator: ({ candidateNumbers, note }) => {
        requireStatus(['Received', 'Acknowledged', 'Completed'], 'extended');
        if (!Array.isArray(candidateNumbers) || candidateNumbers.length === 0 || !(note ?? '').trim()) {
          refuse([{ rule: 'C27', field: 'candidateNumbers', message: 'An extension names at least one candidate and says why.' }]);
        }
      },
    },
  );

  setHandler(
    messages.approveEnquiry,
    ({ actor }) =>
      exclusive(async () => {
        requireStatus(['AwaitingApproval'], 'approved');
        await record('approved', actor);
        await enterBoardQueue(actor);
        return state;
      }),
    { validator: (_args) => requireStatus(['AwaitingApproval'], 'approved') },
  );

  const validateReject = ({ reason }: { reason: string }) => {
    requireStatus(['AwaitingApproval'], 'rejected');
    if (typeof reason !== 'string' || !reason.trim()) refuse([{ rule: 'C17', field: 'reason', message: 'Give the centre a reason for rejecting its enquiry.' }]);
  };
  setHandler(
    messages.rejectEnquiry,
    (args) =>
      exclusive(async () => {
        validateReject(args);
        state.status = 'Rejected';
        state.rejectionReason = args.reason.trim();
        await db.releaseClaims({ enquiryId: state.enquiryId });
        await record('rejected', args.actor, { reason: state.rejectionReason });
        inBackground(io.sendEnquiryNotice({
          businessKey: `enquiry:${state.enquiryId}:rejected`,
          state,
          audience: ['centre'],
          subject: `Enquiry rejected by your associate: ${state.draft.syllabusCode}`,
          text: `Your associate rejected your enquiry (${state.draft.service}, syllabus ${state.draft.syllabusCode}). Reason: ${state.rejectionReason}`,
        }));
        return state;
      }),
    { validator: validateReject },
  );

  const unreleased = (kinds: readonly string[]) => state.documents.filter((d) => kinds.includes(d.kind) && !d.releasedAt);
  const validateRelease = ({ kinds }: { kinds: string[] }) => {
    if (!state.associateId) refuse([{ rule: 'C29', field: 'kinds', message: 'Only an associate centre’s documents are released by an associate.' }]);
    if (!Array.isArray(kinds) || unreleased(kinds).length === 0) refuse([{ rule: 'C29', field: 'kinds', message: 'There is no unreleased document of that kind on this enquiry.' }]);
  };
  setHandler(
    messages.releaseEnquiryDocuments,
    (args) =>
      exclusive(async () => {
        validateRelease(args);
        const docs = unreleased(args.kinds);
        const releasedAt = await db.releaseDocuments({ documentIds: docs.map((d) => d.documentId) });
        for (const d of docs) d.releasedAt = releasedAt;
        await record('released', args.actor, { kinds: docs.map((d) => d.kind) });
        for (const d of docs) inBackground(io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:released:${d.documentId}`, state, document: d, released: true }));
        return state;
      }),
    { validator: validateRelease },
  );

  const validateAckError = ({ by, description }: { by: string; description: string }) => {
    if (!state.acknowledgedAt) refuse([{ rule: 'C29', field: 'description', message: 'This enquiry has no acknowledgement letter yet.' }]);
    const windowEnds = Date.parse(state.acknowledgedAt!) + (timings.ackErrorWindowMs ?? 24 * 3600_000);
    if (Date.now() > windowEnds) {
      refuse([{ rule: 'C29', field: 'description', message: `Errors in an acknowledgement are reported within 24 hours of its issue; that time ended at ${new Date(windowEnds).toISOString()}.` }]);
    }
    if (by !== 'centre' && by !== 'associate') refuse([{ rule: 'C29', field: 'by', message: 'Unknown reporter.' }]);
    if (typeof description !== 'string' || !description.trim()) refuse([{ rule: 'C29', field: 'description', message: 'Say what is wrong in the acknowledgement.' }]);
  };
  setHandler(
    messages.reportAcknowledgementError,
    (args) =>
      exclusive(async () => {
        validateAckError(args);
        state.ackErrors.push({ by: args.by, description: args.description.trim(), at: now() });
        await record('ack-error-reported', args.actor, { by: args.by });
        // An associate centre tells its associate; the associate (or any other centre) tells the board.
        const audience = args.by === 'centre' && state.associateId ? (['associate'] as const) : (['board'] as const);
        inBackground(io.sendEnquiryNotice({
          businessKey: `enquiry:${state.enquiryId}:ack-error:${state.ackErrors.length}`,
          state,
          audience: [...audience],
          subject: `Error reported in acknowledgement ${state.enquiryNumber ?? ''}`,
          text: `The ${args.by} reports an error in the acknowledgement letter of enquiry ${state.enquiryNumber ?? state.enquiryId}: ${args.description.trim()}`,
        }));
        return state;
      }),
    { validator: validateAckError },
  );

  // Another enquiry asks to be told when this one finishes; if it has already finished, tell it now.
  const tellWaiter = (waiterWorkflowId: string) =>
    getExternalWorkflowHandle(waiterWorkflowId)
      .signal(messages.blockerFinished, { enquiryId: state.enquiryId, status: state.status })
      .catch(() => undefined); // the waiter itself finished (for example cancelled): nobody to tell
  setHandler(messages.registerWaiter, async ({ waiterWorkflowId }) => {
    if (TERMINAL.includes(state.status)) await tellWaiter(waiterWorkflowId);
    else if (!state.waiters.includes(waiterWorkflowId)) state.waiters.push(waiterWorkflowId);
  });
  setHandler(messages.blockerFinished, ({ enquiryId }) => {
    state.waitingFor = state.waitingFor.filter((b) => b.enquiryId !== enquiryId);
  });

  // --- timers --------------------------------------------------------------------------------------------------
  // Each timer starts once, at the business event that causes it, and when it fires it acts only if it still
  // applies. Timers are never re-armed on other changes, so the same timers are made on replay whatever the
  // activation boundaries (a loop that re-armed a timeout on every change failed replay with local activities).

  const at = (instant: number, applies: () => boolean, fire: () => Promise<void>): void => {
    void sleep(Math.max(1, instant - Date.now())).then(() =>
      exclusive(async () => {
        if (applies()) await fire();
      }),
    );
  };

  const closeAtDeadline = async () => {
    // C21: after the deadline nothing can be submitted; a draft, or an enquiry still awaiting approval, is closed.
    if (state.status === 'AwaitingApproval') await db.releaseClaims({ enquiryId: state.enquiryId });
    state.status = 'Closed';
    await record('closed-at-deadline', null);
  };

  const warnApprovalDeadline = async () => {
    state.alerts.push('approval-deadline-near');
    await record('alert', null, { alert: 'approval-deadline-near' });
    inBackground(io.sendEnquiryNotice({
      businessKey: `enquiry:${state.enquiryId}:alert:approval-deadline-near`,
      state,
      audience: ['associate', 'centre'],
      subject: `Enquiry still awaiting approval: the deadline is ${state.deadline}`,
      text: `The enquiry of centre ${state.centreNumber} (${state.draft.service}, syllabus ${state.draft.syllabusCode}) is still awaiting the associate's approval. It will be closed at the series deadline, ${state.deadline}.`,
    }));
  };

  await exclusive(() => record('created', { userId: input.actor, name: 'centre' }));
  at(Date.parse(state.deadline), () => state.status === 'Saved' || state.status === 'AwaitingApproval', closeAtDeadline);
  if (state.associateId && timings.approvalWarningMs !== undefined) {
    at(Date.parse(state.deadline) - timings.approvalWarningMs, () => state.status === 'AwaitingApproval', warnApprovalDeadline);
  }

  // Handlers and timers do the work; the main body only waits for the end, or for a Pending group enquiry's
  // last blocking enquiry to finish (C6).
  for (;;) {
    await condition(() => idle() && (TERMINAL.includes(state.status) || (state.status === 'Pending' && state.waitingFor.length === 0)));
    if (TERMINAL.includes(state.status)) break;
    await exclusive(() => markSubmitted(null, 'left-pending'));
  }
  // Group enquiries waiting for this one can go on now (C5, C6).
  for (const waiter of state.waiters) await tellWaiter(waiter);
  await Promise.all(background);
  await condition(allHandlersFinished);
  return state;
}
