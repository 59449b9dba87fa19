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
  /** Associate and centre are warned this long before the deadline about an enquiry still awaiting approval. */
  approvalWarningMs?: number;
  /** Errors in an acknowledgement are reported within this long of its issue (C29). */
  ackErrorWindowMs?: number;
}

export interface EnquiryInput {
  enquiryId: string;
  centreNumber: string;
  /** The centre's Cambridge Associate, when it is an associate centre (C17, C29). */
  associateId?: string | null;
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
  /** When the centre could first see it: at once, or when the associate released it (C29). */
  releasedAt?: string | null;
}

/** Another enquiry a group enquiry waits for (C5, C6). */
export interface BlockingEnquiry {
  enquiryId: string;
  workflowId: string;
  candidateNumber: string;
}

export interface AckErrorReport {
  by: 'centre' | 'associate';
  description: string;
  at: string;
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

export type EnquiryAlert = 'no-number-24h' | 'no-ack-2-working-days' | 'turnaround-overdue' | 'approval-deadline-near';

export interface EnquiryState {
  enquiryId: string;
  workflowId: string;
  centreNumber: string;
  associateId: string | null;
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
  /** Open enquiries of group candidates this group enquiry waits for; empty when none (C5, C6). */
  waitingFor: BlockingEnquiry[];
  /** Group enquiries to tell when this enquiry finishes. */
  waiters: string[];
  rejectionReason: string | null;
  ackErrors: AckErrorReport[];
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
export interface RejectArgs { reason: string; actor: Actor }
export interface ReleaseDocumentsArgs { kinds: DocumentKind[]; actor: Actor }
export interface ReportAckErrorArgs { by: 'centre' | 'associate'; description: string; actor: Actor }
/** Sent between enquiry workflows: a group enquiry asks to be told, and is told, when another one finishes. */
export interface WaiterArgs { waiterWorkflowId: string }
export interface BlockerFinishedArgs { enquiryId: string; status: EnquiryStatus }

/** What a refused update carries back to the caller: every broken rule with its field. */
export interface RefusalDetails {
  violations: RuleViolation[];
}
