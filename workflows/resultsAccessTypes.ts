// The resultsAccess workflow's input, state and message payloads. Shared by the workflow, its activities and the API.
import type { AccessMode, QueryContact } from '../domain/resultsAccess';

export interface Actor {
  userId: string;
  name: string;
}

export interface AccessEvent {
  seq: number;
  kind: string;
  at: string;
  actor: string | null;
  detail?: Record<string, unknown>;
}

/** The instants the workflow waits on, from the series row (DESIGN rule 4), never from the environment. */
export interface ResultsAccessTimings {
  /** The board's release instant for the series (A6). */
  releaseAt: string;
  /** The first instant credentials may be generated: the start of the series' opening day in its time zone (A2). */
  credentialsOpenAt: string;
}

/** How letters are produced (A10): operational settings given by the API, so tests and operators can tune them. */
export interface LetterPolicy {
  /** Candidates per batch activity: one Chromium print and one transaction each. */
  batchSize: number;
  /** Batch activities running at once for one generation. */
  batchConcurrency: number;
  /** A batch activity that stops heartbeating this long is retried elsewhere (a worker died). */
  heartbeatTimeoutMs: number;
  /** Continue-as-new once the history is this long and nothing is in progress. */
  maxHistoryEvents: number;
}

export interface ResultsAccessInput {
  centreNumber: string;
  seriesId: string;
  timings: ResultsAccessTimings;
  policy: LetterPolicy;
  /** The state carried over by continue-as-new. */
  restore?: ResultsAccessState;
}

/** Why a set of letters was made: a choice of ALL, a saved selection (A11, A12), or a reissue (B11). */
export type GenerationReason = 'ALL' | 'SELECTED' | 'REISSUE';
export type GenerationStatus = 'queued' | 'running' | 'finalising' | 'done' | 'cancelled';

export interface LetterFileRef {
  kind: 'pdf' | 'zip';
  fileId: string;
  filename: string;
  sizeBytes: number;
}

/** One run of letter production: credentials for its candidates, then one PDF and one zip (A8, A9). */
export interface Generation {
  number: number;
  reason: GenerationReason;
  /** The candidates asked for; null means every candidate entered in the series (ALL). */
  candidateNumbers: string[] | null;
  requestedBy: string;
  requestedAt: string;
  status: GenerationStatus;
  /** Letters to make (known once planned) and made so far. */
  total: number;
  done: number;
  batches: number;
  batchesDone: number;
  startedAt: string | null;
  /** When the last batch finished: with startedAt and done, the rate behind the estimate of time left. */
  lastProgressAt: string | null;
  finishedAt: string | null;
  files: LetterFileRef[];
  filesDeletedAt: string | null;
  /** The contact and opening instant printed on this generation's letters. */
  contact: QueryContact | null;
  opensAt: string;
}

export interface ResultsAccessState {
  workflowId: string;
  centreNumber: string;
  seriesId: string;
  /** False until the centre confirms a choice: the page then says "NO candidates have access" (A3). */
  configured: boolean;
  mode: AccessMode;
  summary: string;
  agreedAt: string | null;
  agreedBy: string | null;
  contact: QueryContact | null;
  delayMinutes: number;
  releaseAt: string;
  credentialsOpenAt: string;
  /** Release time plus delay (A6): from this instant the centre's candidates may see their results. */
  opensAt: string;
  /** Set when the timer fired and the candidates were marked viewable. */
  viewableAt: string | null;
  /** SELECTED: the candidate numbers with access, ascending (A11). */
  selected: string[];
  generations: Generation[];
  timeline: AccessEvent[];
  /** Bumped on every change; the read model only accepts a newer version. */
  version: number;
}

export interface ResultsAccessProgress {
  generation: number | null;
  reason: GenerationReason | null;
  status: GenerationStatus | 'idle';
  done: number;
  total: number;
  percent: number;
  startedAt: string | null;
  /** A straight-line estimate from the rate so far; null until the first batch is done. */
  secondsLeft: number | null;
  /** Generations waiting behind this one. */
  queued: number;
  files: LetterFileRef[];
}

// Message payloads. Each person action carries who did it, for the timeline.
export interface SetAccessArgs {
  mode: string;
  agreement?: boolean;
  contact?: { name?: string | null; telephone?: string | null; email?: string | null } | null;
  delayMinutes?: number | null;
  actor: Actor;
}
export interface SaveSelectionArgs { add: string[]; remove: string[]; actor: Actor }
export interface ReissueArgs { candidateNumber: string; actor: Actor }
export interface DeleteLettersArgs { generation: number; actor: Actor }

// Activity payloads.
export interface LetterBatchInput {
  centreNumber: string;
  seriesId: string;
  generation: number;
  batch: number;
  reason: GenerationReason;
  contact: QueryContact | null;
  opensAt: string;
  /** The generation's start: the letters' issue time inside the zip. */
  issuedAt: string;
}
export interface LetterBatchResult {
  batch: number;
  letters: number;
  /** True when an earlier attempt had already stored this batch: nothing was generated again. */
  reused: boolean;
}
