// The nouns every part of the system shares (DESIGN.md "Domain model"). Pure types and constants: no I/O,
// safe to import from workflow code.

export const SERVICES = ['1', '1S', '2', '2S', '5', '9', 'XQ'] as const;
export type Service = (typeof SERVICES)[number];

export const SERVICE_NAMES: Record<Service, string> = {
  '1': 'Service 1: clerical re-check',
  '1S': 'Service 1S: clerical re-check with copy of script',
  '2': 'Service 2: review of marking',
  '2S': 'Service 2S: review of marking with copy of script',
  '5': 'Service 5: re-moderation of coursework with report',
  '9': 'Service 9: report on the work of a group of candidates',
  XQ: 'NO RESULT (X) / PENDING (Q) enquiry',
};

/** Services 1, 1S, 2 and 2S: one of them per candidate and syllabus, once (C14). */
export const REVIEW_SERVICES: readonly Service[] = ['1', '1S', '2', '2S'];
/** Services made for a whole group, never one candidate (C5, C6). */
export const GROUP_SERVICES: readonly Service[] = ['5', '9'];
/** Services whose completion needs a copy of the script (C2, C4, C19). */
export const SCRIPT_COPY_SERVICES: readonly Service[] = ['1S', '2S'];
/** Services whose completion needs a report (C5, C6, C19). */
export const REPORT_SERVICES: readonly Service[] = ['5', '9'];

export type ComponentKind = 'board' | 'centre' | 'mcq';
export type MarkSource = 'exam' | 'moderation' | 'assessed';

export interface Syllabus {
  code: string;
  name: string;
  qualificationCode: string;
  artAndDesign: boolean;
  groupAward: boolean;
}

export interface Component {
  syllabusCode: string;
  code: string;
  name: string;
  kind: ComponentKind;
  maxMark: number;
}

/** One candidate's result on one component in one series. */
export interface ComponentResult {
  componentCode: string;
  mark: number | null;
  markSource: MarkSource | null;
  exempt: boolean;
  inModerationSample: boolean;
}

export interface Candidate {
  id: string;
  centreNumber: string;
  candidateNumber: string;
  uci: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  portfolioOfEvidence: boolean;
}

export const ENQUIRY_STATUSES = [
  'Saved',
  'AwaitingApproval',
  'Pending',
  'Submitted',
  'Received',
  'Acknowledged',
  'Completed',
  'Cancelled',
  'Rejected',
  'Closed',
  'Deleted',
] as const;
export type EnquiryStatus = (typeof ENQUIRY_STATUSES)[number];

/** Statuses in which an enquiry is still being worked and so blocks group reports (C5, C6) and flags candidates (C23). */
export const OPEN_ENQUIRY_STATUSES: readonly EnquiryStatus[] = [
  'AwaitingApproval',
  'Pending',
  'Submitted',
  'Received',
  'Acknowledged',
];

export const DOCUMENT_KINDS = ['Ack', 'Out', 'Rpt', 'CoS', 'SoR', 'Letters', 'Invoice', 'ResultPdfs'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const ROLES = [
  'exams_officer',
  'exams_manager',
  'exams_assistant',
  'head_of_centre',
  'associate_staff',
  'board_staff',
  'teacher',
] as const;
export type Role = (typeof ROLES)[number];
export const CENTRE_STAFF_ROLES: readonly Role[] = ['exams_officer', 'exams_manager', 'exams_assistant', 'head_of_centre'];

/** What a centre asks for when it saves or submits an enquiry (C23). Candidates are given by candidate number. */
export interface EnquiryDraft {
  service: Service;
  syllabusCode: string;
  componentCodes: string[];
  candidateNumbers: string[];
  note: string;
  /** NO RESULT / PENDING enquiries asked for by the Head of Centre are free (C7). */
  headOfCentreRequest?: boolean;
}

/** A rule broken by a request: the field it concerns, the RULES.md number and a sentence a person understands. */
export interface RuleViolation {
  rule: string;
  field: string;
  message: string;
}
