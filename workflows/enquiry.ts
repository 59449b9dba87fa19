// One enquiry about results, from the first Save to its end (RULES.md section C).
// The workflow owns the status; every change is written to PostgreSQL by an activity (DESIGN rule 1).
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
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
import * as messages from './messages';
import { EnquiryNumber, EnquiryService, EnquiryStatus as EnquiryStatusKey, SyllabusCode } from './searchAttributes';

// Reads and small writes to PostgreSQL: short timeouts, quick retries.
const db = proxyActivities<EnquiryActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});
// Letters (Chromium) and mail (SMTP): ordinary activities, retried until the outside world comes back.
const io = proxyActivities<EnquiryActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const TERMINAL: readonly EnquiryStatus[] = ['Completed', 'Cancelled', 'Rejected', 'Closed', 'Deleted'];

export async function enquiryWorkflow(input: EnquiryInput): Promise<EnquiryState> {
  const now = () => new Date(Date.now()).toISOString();
  const state: EnquiryState = {
    enquiryId: input.enquiryId,
    workflowId: workflowInfo().workflowId,
    centreNumber: input.centreNumber,
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

  // One person action at a time: a handler that waits on an activity must not interleave with another.
  let busy = false;
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    await condition(() => !busy);
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  };

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

  const addAlert = async (alert: EnquiryAlert) => {
    if (state.alerts.includes(alert)) return;
    state.alerts.push(alert);
    await record('alert', null, { alert });
    await io.notifyBoard({ businessKey: `enquiry:${state.enquiryId}:alert:${alert}`, state, alert });
  };

  const issueDocument = async (kind: 'Ack' | 'Out' | 'SoR', grade?: CandidateGrade) => {
    const doc = await io.renderEnquiryLetter({ state, kind, grade });
    if (!state.documents.some((d) => d.documentId === doc.documentId)) state.documents.push(doc);
    await io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:document:${doc.kind}:${doc.candidateNumber ?? ''}`, state, document: doc });
  };

  const completeIfReady = async () => {
    if (state.status !== 'Acknowledged' || !state.outcome) return;
    const have = new Set(state.documents.map((d) => d.kind));
    if (!requiredDocuments(state.draft.service).every((k) => have.has(k))) return;
    state.status = 'Completed';
    state.completedAt = now();
    // C22: no administration fee when the enquiry changed the syllabus grade.
    if (state.outcome.gradeChanged) state.feePence = 0;
    await record('completed', null, { gradeChanged: state.outcome.gradeChanged, feePence: state.feePence });
  };

  // --- queries and updates -------------------------------------------------------------------------------------

  setHandler(messages.enquiryStateQuery, () => state);

  setHandler(
    messages.saveEnquiryDraft,
    ({ draft, actor }) =>
      exclusive(async () => {
        requireStatus(['Saved'], 'edited as a draft');
        requireBeforeDeadline();
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
        await checkDraftAgainstData();
        const claim = await db.claimCandidates({ state });
        if (claim.violations.length > 0) refuse(claim.violations);
        const fees = await db.loadFees({ seriesId: state.seriesId });
        const free = state.draft.service === 'XQ' && state.draft.headOfCentreRequest === true; // C7
        state.feePence = free ? 0 : (fees[state.draft.service] ?? 0);
        state.status = 'Submitted';
        state.submittedAt = now();
        state.ackAlertAt = await db.addWorkingDays({ from: state.submittedAt, days: timings.ackAlertWorkingDays, seriesId: state.seriesId });
        await record('submitted', args.actor, { feePence: state.feePence });
        await io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:submitted`, state });
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
        await io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:cancelled`, state });
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
    if (!requiredDocuments(state.draft.service).includes(kind)) {
      refuse([{ rule: 'C19', field: 'kind', message: `A ${kind} document is not part of ${state.draft.service === '1S' || state.draft.service === '2S' ? 'this' : `Service ${state.draft.service}`} enquiries.` }]);
    }
  };
  setHandler(
    messages.attachEnquiryDocument,
    (args) =>
      exclusive(async () => {
        validateAttach(args);
        const doc = { kind: args.kind, documentId: args.documentId, filename: args.filename };
        if (!state.documents.some((d) => d.documentId === doc.documentId)) state.documents.push(doc);
        await record('document', args.actor, { kind: args.kind, filename: args.filename });
        await io.notifyCentre({ businessKey: `enquiry:${state.enquiryId}:document:${args.kind}:`, state, document: doc });
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

  // --- timers --------------------------------------------------------------------------------------------------

  interface Due { at: number; fire: () => Promise<void> }
  const nextDue = (): Due | null => {
    const dues: Due[] = [];
    if (state.status === 'Saved') {
      // C21: after the deadline nothing can be submitted; the draft is closed.
      dues.push({ at: Date.parse(state.deadline), fire: async () => { state.status = 'Closed'; await record('closed-at-deadline', null); } });
    }
    if (state.status === 'Submitted' && state.submittedAt && !state.alerts.includes('no-number-24h')) {
      dues.push({ at: Date.parse(state.submittedAt) + timings.numberAlertMs, fire: () => addAlert('no-number-24h') });
    }
    if ((state.status === 'Submitted' || state.status === 'Received') && state.ackAlertAt && !state.alerts.includes('no-ack-2-working-days')) {
      dues.push({ at: Date.parse(state.ackAlertAt), fire: () => addAlert('no-ack-2-working-days') });
    }
    if ((state.status === 'Received' || state.status === 'Acknowledged') && state.receivedAt && !state.alerts.includes('turnaround-overdue')) {
      dues.push({ at: Date.parse(state.receivedAt) + timings.turnaroundMs, fire: () => addAlert('turnaround-overdue') });
    }
    if (state.status === 'Acknowledged' && state.amendableUntil && !state.timeline.some((e) => e.kind === 'amendment-window-closed')) {
      dues.push({ at: Date.parse(state.amendableUntil), fire: () => record('amendment-window-closed', null) });
    }
    dues.sort((a, b) => a.at - b.at);
    return dues[0] ?? null;
  };

  await exclusive(() => record('created', { userId: input.actor, name: 'centre' }));

  while (!TERMINAL.includes(state.status)) {
    const seen = state.version;
    const due = nextDue();
    const settled = () => state.version !== seen && !busy;
    const changed = due ? await condition(settled, Math.max(1, due.at - Date.now())) : (await condition(settled), true);
    if (!changed && due && !busy) await exclusive(due.fire);
  }
  await condition(allHandlersFinished);
  return state;
}
