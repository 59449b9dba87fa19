// Candidate results website administration for one centre and one series (RULES.md A1-A13, B11).
// The workflow owns the access state (mode, query contact, delay, selection) and the letter generations; every
// change is written to PostgreSQL by an activity (DESIGN rule 1). Credentials are rows changed by the activities'
// guarded transactions; letters are produced in background batches of heartbeating activities (A10).
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ResultsAccessActivities } from '../activities/resultsAccess';
import type { RuleViolation } from '../domain/model';
import {
  accessSummary,
  candidateNumberValue,
  checkAccessChoice,
  normaliseContact,
  resultsOpenAt,
  type AccessMode,
} from '../domain/resultsAccess';
import { ticketLock } from './ticketLock';
import * as messages from './messages';
import type {
  Actor,
  DeleteLettersArgs,
  Generation,
  GenerationReason,
  ReissueArgs,
  ResultsAccessInput,
  ResultsAccessProgress,
  ResultsAccessState,
  SaveSelectionArgs,
  SetAccessArgs,
} from './resultsAccessTypes';
import { AccessMode as AccessModeKey } from './searchAttributes';

// Reads and small writes to PostgreSQL: short timeouts, quick retries.
const db = proxyActivities<ResultsAccessActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

const IN_PROGRESS: readonly Generation['status'][] = ['queued', 'running', 'finalising'];
const TIMELINE_KEPT = 200;

/** Candidate numbers in ascending candidate-number order (A11): by value, then as written. */
const byCandidateNumber = (a: string, b: string) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

export async function resultsAccessWorkflow(input: ResultsAccessInput): Promise<ResultsAccessState> {
  const { centreNumber, seriesId, policy } = input;
  // Letters: long, heartbeating, retried until they succeed. A worker that dies mid-batch stops heartbeating and
  // the batch is retried on another worker; a batch that was already stored is not made again.
  const letters = proxyActivities<ResultsAccessActivities>({
    startToCloseTimeout: '2 hours',
    heartbeatTimeout: policy.heartbeatTimeoutMs,
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });

  const now = () => new Date(Date.now()).toISOString();
  const state: ResultsAccessState = input.restore ?? {
    workflowId: workflowInfo().workflowId,
    centreNumber,
    seriesId,
    configured: false,
    mode: 'NO',
    summary: accessSummary(null),
    agreedAt: null,
    agreedBy: null,
    contact: null,
    delayMinutes: 0,
    releaseAt: input.timings.releaseAt,
    credentialsOpenAt: input.timings.credentialsOpenAt,
    opensAt: resultsOpenAt(input.timings.releaseAt, 0),
    viewableAt: null,
    selected: [],
    generations: [],
    timeline: [],
    version: 0,
  };
  // The series' instants come from the input, also after a continue-as-new (DESIGN rule 4).
  state.releaseAt = input.timings.releaseAt;
  state.credentialsOpenAt = input.timings.credentialsOpenAt;
  if (state.viewableAt === null) state.opensAt = resultsOpenAt(state.releaseAt, state.delayMinutes);
  for (const g of state.generations) {
    // A generation cut off by continue-as-new runs again: its plan is kept and its stored batches are reused.
    if (g.status === 'running' || g.status === 'finalising') Object.assign(g, { status: 'queued', done: 0, batchesDone: 0 });
  }

  /** Generations whose stop was asked for (NO while they ran): no new batches, no files. */
  const cancelRequested = new Set<number>();

  // --- helpers -------------------------------------------------------------------------------------------------

  const refuse = (violations: RuleViolation[]): never => {
    throw ApplicationFailure.create({
      type: 'RuleViolation',
      message: violations.map((v) => `${v.message} [${v.rule}]`).join(' '),
      details: [{ violations }],
      nonRetryable: true,
    });
  };
  const requireOpen = () => {
    if (Date.now() < Date.parse(state.credentialsOpenAt)) {
      refuse([{ rule: 'A2', field: 'seriesId', message: `Credentials for this series can be generated from ${state.credentialsOpenAt}.` }]);
    }
  };
  const generating = () => state.generations.some((g) => IN_PROGRESS.includes(g.status));

  // One change at a time, in arrival order.
  const lock = ticketLock();
  const { exclusive } = lock;

  const record = async (kind: string, actor: Actor | null, detail?: Record<string, unknown>) => {
    state.version += 1;
    state.summary = state.configured ? accessSummary(state.mode, state.selected.length) : accessSummary(null);
    state.timeline.push({ seq: state.version, kind, at: now(), actor: actor?.name ?? null, detail });
    if (state.timeline.length > TIMELINE_KEPT) state.timeline.splice(0, state.timeline.length - TIMELINE_KEPT);
    upsertSearchAttributes([{ key: AccessModeKey, value: state.configured ? state.mode : 'NOT_CONFIGURED' }]);
    await db.saveResultsAccess({ state });
  };

  const enqueue = (reason: GenerationReason, candidateNumbers: string[] | null, actor: Actor) => {
    const generation: Generation = {
      number: state.generations.length + 1,
      reason,
      candidateNumbers,
      requestedBy: actor.name,
      requestedAt: now(),
      status: 'queued',
      total: candidateNumbers?.length ?? 0,
      done: 0,
      batches: 0,
      batchesDone: 0,
      startedAt: null,
      lastProgressAt: null,
      finishedAt: null,
      files: [],
      filesDeletedAt: null,
      contact: state.contact,
      opensAt: state.opensAt,
    };
    state.generations.push(generation);
    return generation;
  };

  /** A7: stop everything that would still issue credentials. */
  const cancelGenerations = () => {
    for (const g of state.generations) {
      if (g.status === 'queued') {
        g.status = 'cancelled';
        g.finishedAt = now();
      } else if (g.status === 'running' || g.status === 'finalising') {
        cancelRequested.add(g.number);
      }
    }
  };

  /** The canonical (stored) numbers of the given candidates, refusing any not entered in the series. */
  const resolveCandidates = async (numbers: string[], field: string, rule: string) => {
    if (numbers.length === 0) return new Map<string, string>();
    const { known, unknown } = await db.resolveCandidateNumbers({ centreNumber, seriesId, candidateNumbers: numbers });
    if (unknown.length > 0) {
      refuse([{ rule, field, message: `Not a candidate of your centre entered in this series: ${unknown.join(', ')}.` }]);
    }
    return new Map(Object.entries(known));
  };

  // --- queries -------------------------------------------------------------------------------------------------

  setHandler(messages.resultsAccessStateQuery, () => state);
  setHandler(messages.resultsAccessProgressQuery, (): ResultsAccessProgress => {
    const queued = state.generations.filter((g) => g.status === 'queued');
    // A top-up ALL that found nobody new (a repeated request, A8) made no letters: the bar stays on the set that did.
    const finished = state.generations.filter((g) => g.status === 'cancelled' || (g.status === 'done' && g.total > 0));
    const current =
      state.generations.find((g) => g.status === 'running' || g.status === 'finalising') ??
      finished[finished.length - 1] ??
      queued[0] ??
      null;
    if (!current) {
      return { generation: null, reason: null, status: 'idle', done: 0, total: 0, percent: 0, startedAt: null, secondsLeft: null, queued: 0, files: [] };
    }
    let secondsLeft: number | null = null;
    if (current.status === 'done' || current.status === 'cancelled') secondsLeft = 0;
    else if (current.startedAt && current.lastProgressAt && current.done > 0) {
      const elapsed = (Date.parse(current.lastProgressAt) - Date.parse(current.startedAt)) / 1000;
      secondsLeft = Math.max(0, Math.round((elapsed / current.done) * (current.total - current.done)));
    }
    return {
      generation: current.number,
      reason: current.reason,
      status: current.status,
      done: current.done,
      total: current.total,
      percent: current.total === 0 ? (current.status === 'done' ? 100 : 0) : Math.floor((100 * current.done) / current.total),
      startedAt: current.startedAt,
      secondsLeft,
      queued: queued.filter((g) => g !== current).length,
      files: current.files,
    };
  });

  // --- updates -------------------------------------------------------------------------------------------------

  const validateSetAccess = (args: SetAccessArgs) => {
    requireOpen();
    const violations = checkAccessChoice(args, { resultsOpen: state.viewableAt !== null, currentDelayMinutes: state.delayMinutes });
    if (violations.length > 0) refuse(violations);
    if (args.mode !== 'NO' && state.configured && args.mode !== state.mode && generating()) {
      refuse([{ rule: 'A10', field: 'mode', message: 'Letters are still being generated: switch between ALL and Selected when they are ready, or choose NO to stop and revoke.' }]);
    }
  };
  setHandler(
    messages.setResultsAccess,
    (args) =>
      exclusive(async () => {
        validateSetAccess(args);
        const facts = await db.loadAccessFacts({ centreNumber, seriesId });
        if (facts.enteredCandidates === 0) {
          refuse([{ rule: 'A1', field: 'seriesId', message: `Your centre has no valid entry in series ${seriesId}, so no candidate can be given access.` }]);
        }
        const mode = args.mode as AccessMode;
        const previous = state.configured ? state.mode : null;
        state.configured = true;
        state.delayMinutes = args.delayMinutes ?? state.delayMinutes;
        if (state.viewableAt === null) state.opensAt = resultsOpenAt(state.releaseAt, state.delayMinutes);
        if (mode === 'NO') {
          // A7: no credentials and no access; every login of the centre for the series is revoked.
          state.mode = 'NO';
          state.selected = [];
          state.contact = null;
          state.agreedAt = null;
          state.agreedBy = null;
          cancelGenerations();
          const { revoked } = await db.revokeCredentials({ centreNumber, seriesId, candidateNumbers: null });
          await record('access-set', args.actor, { mode, previous, revoked });
          return state;
        }
        state.contact = normaliseContact(args.contact);
        state.agreedAt = now();
        state.agreedBy = args.actor.name;
        if (mode === 'SELECTED' && previous === 'ALL') {
          // Everyone who holds a login keeps it and starts out ticked; unticking and saving revokes (A12).
          state.selected = (await db.activeCredentialNumbers({ centreNumber, seriesId })).sort(byCandidateNumber);
        }
        if (mode === 'ALL') state.selected = [];
        state.mode = mode;
        // A8: ALL generates for every candidate entered who has no login yet (again: for late entries).
        if (mode === 'ALL' && !state.generations.some((g) => g.status === 'queued' && g.reason === 'ALL')) enqueue('ALL', null, args.actor);
        await record('access-set', args.actor, { mode, previous, delayMinutes: state.delayMinutes });
        return state;
      }),
    { validator: validateSetAccess },
  );

  const validateSelection = ({ add, remove }: SaveSelectionArgs) => {
    requireOpen();
    if (state.mode !== 'SELECTED') refuse([{ rule: 'A11', field: 'mode', message: 'Choose Selected candidates before saving a selection.' }]);
    if (!Array.isArray(add) || !Array.isArray(remove)) refuse([{ rule: 'A11', field: 'add', message: 'Send the candidates to add and to remove as lists of candidate numbers.' }]);
    const bad = [...add, ...remove].filter((n) => candidateNumberValue(n) === null);
    if (bad.length > 0) refuse([{ rule: 'A11', field: 'add', message: `Not candidate numbers: ${bad.join(', ')}.` }]);
    const removing = new Set(remove.map((n) => candidateNumberValue(n)));
    const both = add.filter((n) => removing.has(candidateNumberValue(n)));
    if (both.length > 0) refuse([{ rule: 'A11', field: 'remove', message: `A candidate cannot be both added and removed: ${both.join(', ')}.` }]);
  };
  setHandler(
    messages.saveAccessSelection,
    (args) =>
      exclusive(async () => {
        validateSelection(args);
        const canonical = await resolveCandidates([...args.add, ...args.remove], 'add', 'A11');
        const selected = new Set(state.selected);
        const added = [...new Set(args.add.map((n) => canonical.get(n)!))].filter((n) => !selected.has(n)).sort(byCandidateNumber);
        const removed = [...new Set(args.remove.map((n) => canonical.get(n)!))].filter((n) => selected.has(n)).sort(byCandidateNumber);
        for (const n of added) selected.add(n);
        for (const n of removed) selected.delete(n);
        state.selected = [...selected].sort(byCandidateNumber);
        if (removed.length > 0) {
          // A12: removing access revokes that candidate's login, and a queued generation no longer makes it.
          const gone = new Set(removed);
          for (const g of state.generations) {
            if (g.status === 'queued' && g.candidateNumbers) {
              g.candidateNumbers = g.candidateNumbers.filter((n) => !gone.has(n));
              g.total = g.candidateNumbers.length;
              if (g.candidateNumbers.length === 0) {
                g.status = 'cancelled';
                g.finishedAt = now();
              }
            }
          }
          await db.revokeCredentials({ centreNumber, seriesId, candidateNumbers: removed });
        }
        // A11, A12: Save generates credentials and letters for the newly selected only.
        if (added.length > 0) enqueue('SELECTED', added, args.actor);
        await record('selection-saved', args.actor, { added, removed });
        return state;
      }),
    { validator: validateSelection },
  );

  const validateReissue = ({ candidateNumber }: ReissueArgs) => {
    requireOpen();
    if (state.mode === 'NO') refuse([{ rule: 'B11', field: 'candidateNumber', message: 'No candidate has access for this series, so there is nothing to reissue.' }]);
    if (candidateNumberValue(candidateNumber) === null) refuse([{ rule: 'B11', field: 'candidateNumber', message: `"${candidateNumber}" is not a candidate number.` }]);
  };
  setHandler(
    messages.reissueCredentials,
    (args) =>
      exclusive(async () => {
        validateReissue(args);
        const number = (await resolveCandidates([args.candidateNumber], 'candidateNumber', 'B11')).get(args.candidateNumber)!;
        if (state.mode === 'SELECTED' && !state.selected.includes(number)) {
          refuse([{ rule: 'B11', field: 'candidateNumber', message: `Candidate ${number} does not have access; select the candidate and save instead.` }]);
        }
        if (!(await db.hasActiveCredential({ centreNumber, seriesId, candidateNumber: number }))) {
          refuse([{ rule: 'B11', field: 'candidateNumber', message: `Candidate ${number} has no login yet: their letter is still being made. Reissue once it is ready.` }]);
        }
        // B11: a new password (the username stays) and a new letter, for this candidate only.
        enqueue('REISSUE', [number], args.actor);
        await record('reissue-requested', args.actor, { candidateNumber: number });
        return state;
      }),
    { validator: validateReissue },
  );

  const validateDelete = ({ generation }: DeleteLettersArgs) => {
    const g = state.generations.find((x) => x.number === generation);
    if (!g) refuse([{ rule: 'A9', field: 'generation', message: `There are no letters numbered ${generation}.` }]);
    else if (g.status !== 'done') refuse([{ rule: 'A10', field: 'generation', message: 'These letters are not ready yet.' }]);
    else if (g.filesDeletedAt !== null) refuse([{ rule: 'A9', field: 'generation', message: 'These letters were already deleted.' }]);
  };
  setHandler(
    messages.deleteLetterFiles,
    (args) =>
      exclusive(async () => {
        validateDelete(args);
        const g = state.generations.find((x) => x.number === args.generation)!;
        await db.deleteLetterFiles({ centreNumber, seriesId, generation: g.number });
        g.files = [];
        g.filesDeletedAt = now();
        await record('letters-deleted', args.actor, { generation: g.number });
        return state;
      }),
    { validator: validateDelete },
  );

  // --- letter generation -----------------------------------------------------------------------------------------

  const runGeneration = async (gen: Generation) => {
    await exclusive(async () => {
      if (gen.status !== 'queued') return; // cancelled while waiting
      gen.status = 'running';
      gen.startedAt ??= now();
      gen.contact = state.contact;
      gen.opensAt = state.opensAt;
      const plan = await db.planLetterGeneration({
        centreNumber,
        seriesId,
        generation: gen.number,
        reason: gen.reason,
        candidateNumbers: gen.candidateNumbers,
        batchSize: policy.batchSize,
      });
      gen.total = plan.total;
      gen.batches = plan.batches;
      await record('generation-started', null, { generation: gen.number, reason: gen.reason, total: gen.total, batches: gen.batches });
    });
    if (gen.status !== 'running') return;

    // A10: batches in the background, a few at a time; progress is counted as each one is stored.
    let next = 0;
    const lane = async () => {
      while (next < gen.batches && !cancelRequested.has(gen.number)) {
        const batch = next++;
        const result = await letters.generateLetterBatch({
          centreNumber,
          seriesId,
          generation: gen.number,
          batch,
          reason: gen.reason,
          contact: gen.contact,
          opensAt: gen.opensAt,
          issuedAt: gen.startedAt!,
        });
        gen.done += result.letters;
        gen.batchesDone += 1;
        gen.lastProgressAt = now();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, policy.batchConcurrency) }, lane));

    let files: { files: Generation['files']; letters: number } = { files: [], letters: 0 };
    if (!cancelRequested.has(gen.number) && gen.done > 0) {
      gen.status = 'finalising';
      files = await letters.finaliseLetters({ centreNumber, seriesId, generation: gen.number, issuedAt: gen.startedAt! });
    }
    await exclusive(async () => {
      const cancelled = cancelRequested.has(gen.number);
      // A stopped generation leaves no letters behind: its stored batches and any files go.
      if (cancelled) await db.deleteLetterFiles({ centreNumber, seriesId, generation: gen.number });
      gen.status = cancelled ? 'cancelled' : 'done';
      gen.files = cancelled ? [] : files.files;
      if (!cancelled) gen.done = gen.total = files.letters;
      gen.finishedAt = now();
      cancelRequested.delete(gen.number);
      await record(cancelled ? 'generation-cancelled' : 'generation-finished', null, { generation: gen.number, letters: files.letters });
    });
  };

  const runner = async (): Promise<void> => {
    for (;;) {
      await condition(() => state.generations.some((g) => g.status === 'queued'));
      await runGeneration(state.generations.find((g) => g.status === 'queued')!);
    }
  };

  // --- the timer: results open to the centre's candidates at release time plus delay (A6) ------------------------

  const idle = () => lock.idle() && !generating();
  const historyLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= policy.maxHistoryEvents;

  const timer = async (): Promise<void> => {
    for (;;) {
      if (historyLong() && idle()) return;
      const seen = state.version;
      const due = state.configured && state.viewableAt === null ? Date.parse(state.opensAt) : null;
      if (due !== null && Date.now() >= due) {
        await exclusive(async () => {
          if (state.viewableAt !== null || Date.now() < Date.parse(state.opensAt)) return;
          state.viewableAt = now();
          await record('results-viewable', null, { opensAt: state.opensAt });
        });
        continue;
      }
      const wake = () => state.version !== seen || (historyLong() && idle());
      if (due !== null) await condition(wake, Math.max(1, due - Date.now()));
      else await condition(wake);
    }
  };

  // A long history starts afresh with the same state, once nothing is in progress.
  const running = runner();
  for (;;) {
    await Promise.race([running, timer()]);
    await condition(allHandlersFinished);
    if (idle()) break;
  }
  return continueAsNew<typeof resultsAccessWorkflow>({ ...input, restore: state });
}
