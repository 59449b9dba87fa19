// The enquiry workflow's input, state and message payloads. Shared by the workflow, its activities and the API.
import type { DocumentKind, EnquiryDraft, EnquiryStatus, RuleViolation } from '../domain/model';

/** Every duration or instant the enquiry waits on (DESIGN rule 4): data, so tests run them short. */
export interface EnquiryTimings {
  /** End of the series' enquiry deadline day in the series' time zone, ISO instant (C21). */
  deadline: string;
  /** Changes and cancellation are free for this long after the acknowledgement (C20). */
  amendmentWindowMs: number;
  /** No enquiry number this long after submission raises an alert (C25). */
  numberAlertMs: number;
  /** No acknowledgement within this many working days of submission raises an alert (C25). */
  ackAlertWorkingDays: number;
  /** The outcome is normally given within this long of receipt; later, the enquiry is flagged (C16). */
  turnaroundMs: number;
}

export interface EnquiryInput {
  enquiryId: string;
  centreNumber: string;
  seriesId: string;
  draft: EnquiryDraft;
  actor: string;
  timings: EnquiryTimings;
}

export interface Actor {
  userId: string;
  name: string;
}

export interface TimelineEvent {
  seq: number;
  kind: string;
  at: string;
  actor: string | null;
  detail?: Record<string, unknown>;
}

export interface EnquiryDocument {
  kind: DocumentKind;
  documentId: string;
  filename: string;
  candidateNumber?: string;
}

export interface ComponentOutcome {
  candidateNumber: string;
  componentCode: string;
  originalMark: number | null;
  newMark: number | null;
  reason: string;
}

export interface CandidateGrade {
  candidateNumber: string;
  gradeBefore: string | null;
  gradeAfter: string | null;
}

export interface EnquiryOutcome {
  components: ComponentOutcome[];
  grades: CandidateGrade[];
  gradeChanged: boolean;
  /** NO RESULT / PENDING answers (C7): components with no mark and why no result could be given. */
  missingComponents?: string[];
  explanation?: string;
}

export interface Extension {
  candidateNumbers: string[];
  note: string;
  at: string;
}

export type EnquiryAlert = 'no-number-24h' | 'no-ack-2-working-days' | 'turnaround-overdue';

export interface EnquiryState {
  enquiryId: string;
  workflowId: string;
  centreNumber: string;
  seriesId: string;
  draft: EnquiryDraft;
  status: EnquiryStatus;
  enquiryNumber: number | null;
  feePence: number;
  amendmentFeePence: number;
  createdBy: string;
  createdAt: string;
  submittedAt: string | null;
  receivedAt: string | null;
  acknowledgedAt: string | null;
  amendableUntil: string | null;
  completedAt: string | null;
  ackAlertAt: string | null;
  deadline: string;
  alerts: EnquiryAlert[];
  outcome: EnquiryOutcome | null;
  documents: EnquiryDocument[];
  extensions: Extension[];
  timeline: TimelineEvent[];
  /** Bumped on every change; the read model only accepts a newer version. */
  version: number;
}

// Message payloads. Each person action carries who did it, for the timeline and the audit trail.
export interface SaveDraftArgs { draft: EnquiryDraft; actor: Actor }
export interface SubmitArgs { declarations: [boolean, boolean]; actor: Actor }
export interface ActorArgs { actor: Actor }
export interface AmendArgs { draft: EnquiryDraft; actor: Actor }
export interface RecordOutcomeArgs {
  components: ComponentOutcome[];
  grades: CandidateGrade[];
  missingComponents?: string[];
  explanation?: string;
  actor: Actor;
}
export interface AttachDocumentArgs { kind: 'CoS' | 'Rpt'; documentId: string; filename: string; actor: Actor }
export interface ExtendArgs { candidateNumbers: string[]; note: string; actor: Actor }

/** What a refused update carries back to the caller: every broken rule with its field. */
export interface RefusalDetails {
  violations: RuleViolation[];
}
