// Student results-analysis accounts (RULES.md D1-D11): the account states, the one table of guarded transitions,
// the import rules and the small pure helpers shared by the API, the activities and the workflows.
// Pure: no I/O, no clock, no randomness (random bytes are passed in), so workflow code may import this module.
import type { RuleViolation } from './model';

// --- who administers (D1) ---------------------------------------------------------------------------------------

/** Only these roles administer student accounts (D1): not the head of centre, not teachers, not board staff. */
export const STUDENT_ADMIN_ROLES = ['exams_officer', 'exams_manager', 'exams_assistant'] as const;

// --- states ----------------------------------------------------------------------------------------------------

export const STUDENT_STATUSES = ['NotActivated', 'Active', 'FailedActivation', 'ForgottenPassword', 'Locked'] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];

export const STATUS_LABELS: Record<StudentStatus, string> = {
  NotActivated: 'Not Activated',
  Active: 'Active',
  FailedActivation: 'Failed Activation',
  ForgottenPassword: 'Forgotten Password',
  Locked: 'Locked',
};

/** The status in plain words, and what staff can do about it (seed 004, steps 5.2-5.5). */
export const STATUS_EXPLANATIONS: Record<StudentStatus, string> = {
  NotActivated:
    'The student has not activated their account yet. Check the email address stored for them: changing it sends a new welcome email with a new activation link, and the old link stops working.',
  Active: 'The student has activated their account and can sign in to see their results analysis.',
  FailedActivation:
    "The student's account has been locked due to too many failed attempts to activate (wrong date of birth). Check the email address and date of birth. If the date of birth is wrong, it was wrong in the exam entry: contact the board to correct it. If the email address is wrong, change it and a new welcome email goes out. If both are right, Reactivate sends a new activation email; earlier links and codes stop working.",
  ForgottenPassword:
    "The student's account has been locked due to an incorrect password being entered 3 times. The student must use the 'Forgotten your password?' link on the sign-in page; staff cannot unlock it.",
  Locked:
    "The student has unsuccessfully attempted the forgotten password process 3 times. Reactivate sends a new activation link to the student's email address; earlier links and codes stop working.",
};

/** Three wrong dates of birth while activating put the account in Failed Activation (D7). */
export const MAX_WRONG_DATES_OF_BIRTH = 3;
/** Three wrong passwords in a row put it in Forgotten Password (D8). */
export const MAX_WRONG_PASSWORDS = 3;
/** Three wrong answers during a reset put it in Locked (D9). */
export const MAX_WRONG_RESET_ANSWERS = 3;

/** What the transitions read and write: the account's status, counters and the activation generation. */
export interface AccountSnapshot {
  status: StudentStatus;
  failedActivations: number;
  failedSignIns: number;
  failedResets: number;
  /** Bumped whenever a new activation link is issued in place of the old ones: older codes stop working (D6, D7, D9). */
  activationGeneration: number;
  email: string | null;
  mockResults: boolean;
  highStakes: boolean;
}

export type StudentEvent =
  | { kind: 'activated'; email: string | null }
  | { kind: 'wrong-date-of-birth' }
  | { kind: 'signed-in' }
  | { kind: 'wrong-password' }
  | { kind: 'password-reset' }
  | { kind: 'wrong-reset-answer' }
  | { kind: 'reactivated' }
  | { kind: 'email-changed'; email: string }
  | { kind: 'permissions-changed'; mockResults: boolean; highStakes: boolean };
export type StudentEventKind = StudentEvent['kind'];

export interface TransitionRule {
  /** The statuses the change starts from; the database update is guarded by exactly this (`where status = ...`). */
  from: readonly StudentStatus[];
  rule: string;
  /** What it is, for refusals: "... cannot be <action>". */
  action: string;
  /** Staff actions appear in the detail view's list of allowed actions. */
  staff?: { name: string; method: 'post' | 'put'; path: string; description: string };
}

/** Every change an account can go through, in one place: where it may start, and the rule behind it. */
export const TRANSITIONS: Record<StudentEventKind, TransitionRule> = {
  activated: { from: ['NotActivated'], rule: 'D3', action: 'activated' },
  'wrong-date-of-birth': { from: ['NotActivated'], rule: 'D7', action: 'activated' },
  'signed-in': { from: ['Active'], rule: 'D8', action: 'signed in to' },
  'wrong-password': { from: ['Active'], rule: 'D8', action: 'signed in to' },
  'password-reset': { from: ['Active', 'ForgottenPassword'], rule: 'D9', action: 'reset' },
  'wrong-reset-answer': { from: ['Active', 'ForgottenPassword'], rule: 'D9', action: 'reset' },
  reactivated: {
    from: ['FailedActivation', 'Locked'],
    rule: 'D7',
    action: 'reactivated',
    staff: { name: 'reactivate', method: 'post', path: 'reactivate', description: 'Reactivate account: a new activation link is emailed; older links and codes stop working.' },
  },
  'email-changed': {
    from: ['NotActivated', 'FailedActivation'],
    rule: 'D6',
    action: 'given a new email address',
    staff: { name: 'change-email', method: 'put', path: 'email', description: 'Change the email address: a new welcome email with a new activation link goes out.' },
  },
  'permissions-changed': {
    from: STUDENT_STATUSES,
    rule: 'D10',
    action: 'given new permissions',
    staff: { name: 'permissions', method: 'put', path: 'permissions', description: 'Grant or remove the Mock results and High stakes permissions.' },
  },
};

export type Decision = { ok: true; next: AccountSnapshot } | { ok: false; violation: RuleViolation };

/**
 * The next state of an account after an event, or why the event is refused. The database applies the result with
 * `update ... where id = $id and status = <current> and version = <read version> returning *`, so of two
 * concurrent changes from the same state exactly one is applied.
 */
export function decide(account: AccountSnapshot, event: StudentEvent): Decision {
  const t = TRANSITIONS[event.kind];
  if (!t.from.includes(account.status)) {
    return { ok: false, violation: { rule: t.rule, field: 'status', message: `An account that is ${STATUS_LABELS[account.status]} cannot be ${t.action}.` } };
  }
  const next: AccountSnapshot = { ...account };
  switch (event.kind) {
    case 'activated':
      Object.assign(next, { status: 'Active', failedActivations: 0, failedSignIns: 0, failedResets: 0 });
      if (event.email) next.email = event.email;
      break;
    case 'wrong-date-of-birth':
      next.failedActivations = account.failedActivations + 1;
      if (next.failedActivations >= MAX_WRONG_DATES_OF_BIRTH) next.status = 'FailedActivation';
      break;
    case 'signed-in':
      next.failedSignIns = 0;
      break;
    case 'wrong-password':
      next.failedSignIns = account.failedSignIns + 1;
      if (next.failedSignIns >= MAX_WRONG_PASSWORDS) next.status = 'ForgottenPassword';
      break;
    case 'password-reset':
      Object.assign(next, { status: 'Active', failedSignIns: 0, failedResets: 0 });
      break;
    case 'wrong-reset-answer':
      next.failedResets = account.failedResets + 1;
      if (next.failedResets >= MAX_WRONG_RESET_ANSWERS) next.status = 'Locked';
      break;
    case 'reactivated':
      Object.assign(next, { status: 'NotActivated', failedActivations: 0, failedSignIns: 0, failedResets: 0, activationGeneration: account.activationGeneration + 1 });
      break;
    case 'email-changed':
      if (!isValidStudentEmail(event.email)) return { ok: false, violation: { rule: 'D6', field: 'email', message: 'Enter a valid email address.' } };
      Object.assign(next, { status: 'NotActivated', failedActivations: 0, email: event.email, activationGeneration: account.activationGeneration + 1 });
      break;
    case 'permissions-changed':
      next.mockResults = event.mockResults;
      next.highStakes = event.highStakes;
      break;
  }
  return { ok: true, next };
}

export interface AllowedAction {
  name: string;
  method: 'get' | 'post' | 'put';
  path: string;
  description: string;
}

/** The staff actions an account allows in its status (D4 detail view), as relative paths under the account. */
export function allowedStaffActions(status: StudentStatus): AllowedAction[] {
  const actions: AllowedAction[] = Object.values(TRANSITIONS)
    .filter((t) => t.staff && t.from.includes(status))
    .map((t) => ({ ...t.staff! }));
  actions.push({ name: 'view-analysis', method: 'get', path: 'analysis', description: "Open the student's results analysis." });
  return actions;
}

// --- permissions (D10) -------------------------------------------------------------------------------------------

export const PERMISSION_WARNING =
  'Students are given results analysis on their own examinations and mocks. Only remove access permissions in exceptional circumstances: security breaches, suspected misuse of the system, or where teaching colleagues have concerns about the student’s welfare. If you untick a permission, this student will not be able to view those results until access is granted again.';

/** Removing a permission needs the warning acknowledged; granting does not (D10). */
export function checkPermissionChange(
  current: { mockResults: boolean; highStakes: boolean },
  wanted: { mockResults: boolean; highStakes: boolean; confirmRemoval?: boolean },
): RuleViolation[] {
  const removing = (current.mockResults && !wanted.mockResults) || (current.highStakes && !wanted.highStakes);
  if (removing && wanted.confirmRemoval !== true) return [{ rule: 'D10', field: 'confirmRemoval', message: PERMISSION_WARNING }];
  return [];
}

// --- activation codes (D3) ---------------------------------------------------------------------------------------

/** 32 symbols without 0/O and 1/I: 12 of them carry 60 bits, typed from a slip without confusion. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 12;
export const CODE_RANDOM_BYTES = 8;

/** A verification code such as "K7QD-MX2P-9HRA" from 8 random bytes (the caller draws them from the CSPRNG). */
export function codeFromBytes(bytes: Uint8Array, offset = 0): string {
  if (bytes.length - offset < CODE_RANDOM_BYTES) throw new RangeError(`need ${CODE_RANDOM_BYTES} random bytes`);
  let out = '';
  let buffer = 0;
  let bits = 0;
  let i = offset;
  while (out.length < CODE_LENGTH) {
    if (bits < 5) {
      buffer = (buffer << 8) | bytes[i++];
      bits += 8;
    }
    out += CODE_ALPHABET[(buffer >> (bits - 5)) & 31];
    bits -= 5;
    buffer &= (1 << bits) - 1;
  }
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`;
}

/** The code as stored (hashed): upper case without spaces or hyphens; null when it cannot be a code. */
export function normaliseCode(input: string): string | null {
  if (typeof input !== 'string') return null;
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  if (s.length !== CODE_LENGTH) return null;
  for (const ch of s) if (!CODE_ALPHABET.includes(ch)) return null;
  return s;
}

// --- passwords and security questions (D8, D9) ------------------------------------------------------------------

export const MIN_PASSWORD_LENGTH = 10;

export const SECURITY_QUESTIONS = [
  'What was the name of your first pet?',
  'What is the name of the street you grew up on?',
  'What was the name of your first teacher?',
  'What is your favourite book?',
  'In which town or city were you born?',
] as const;

/** A security answer compares without case or extra spaces. */
export function normaliseSecurityAnswer(answer: string): string {
  return answer.trim().toLowerCase().replace(/\s+/g, ' ');
}

export function checkNewPassword(password: string, dateOfBirth: string): RuleViolation[] {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    return [{ rule: 'D8', field: 'password', message: `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.` }];
  }
  if (password.length > 200) return [{ rule: 'D8', field: 'password', message: 'A password can be at most 200 characters.' }];
  const digits = dateOfBirth.replace(/-/g, '');
  if (password.replace(/\D/g, '') === digits && password.replace(/[\d\s/.-]/g, '') === '') {
    return [{ rule: 'D8', field: 'password', message: 'Do not use your date of birth as your password.' }];
  }
  return [];
}

// --- dates of birth and emails ---------------------------------------------------------------------------------

/** A date of birth as YYYY-MM-DD or DD/MM/YYYY (the UK way the template shows), as YYYY-MM-DD; else null. */
export function parseDateOfBirth(input: string): string | null {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2100) return null;
  const daysIn = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  if (d > daysIn) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function isValidStudentEmail(s: string): boolean {
  return typeof s === 'string' && s.length <= 254 && /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>".]{2,}$/.test(s);
}

/** Emails compare case-insensitively and without surrounding spaces (B2 "better"). */
export const emailKey = (s: string) => s.trim().toLowerCase();

// --- CSV (D2, D3) ------------------------------------------------------------------------------------------------

export const IMPORT_COLUMNS = ['candidate_number', 'uci', 'forename', 'surname', 'date_of_birth', 'email', 'school_year'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
/** The fields that must be present and match the exam-entry data exactly (D2); candidate_number must match when given. */
export const REQUIRED_IMPORT_COLUMNS: readonly ImportColumn[] = ['uci', 'forename', 'surname', 'date_of_birth', 'email'];

export const IMPORT_TEMPLATE_CSV =
  'candidate_number,uci,forename,surname,date_of_birth,email,school_year\r\n' +
  '0001,GB000001234567A,Ada,Lovelace,10/12/2009,ada.lovelace@example.com,Year 11\r\n';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) starts with a quote instead. */
export function neutraliseCsvCell(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** A failing row of an import: its line in the file, the field and the reason (D2). */
export interface ImportViolation extends RuleViolation {
  line: number;
}

/** Maps a header row to our columns: names compare without case, spaces or underscores. */
export function mapImportHeader(header: string[]): { columns: Array<ImportColumn | null>; violations: ImportViolation[] } {
  const key = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, '');
  const known = new Map(IMPORT_COLUMNS.map((c) => [key(c), c]));
  const violations: ImportViolation[] = [];
  const seen = new Set<ImportColumn>();
  const columns = header.map((h, i) => {
    const c = known.get(key(h.replace(/^\uFEFF/, ''))) ?? null;
    if (c === null) violations.push({ line: 1, field: 'header', rule: 'D2', message: `Column ${i + 1} ("${h.slice(0, 40)}") is not a column of the template (${IMPORT_COLUMNS.join(', ')}).` });
    else if (seen.has(c)) violations.push({ line: 1, field: 'header', rule: 'D2', message: `Column "${c}" appears twice.` });
    if (c) seen.add(c);
    return c;
  });
  for (const c of REQUIRED_IMPORT_COLUMNS) {
    if (!seen.has(c)) violations.push({ line: 1, field: 'header', rule: 'D2', message: `The required column "${c}" is missing. Download the template to see the columns.` });
  }
  return { columns, violations };
}

export interface ImportRow {
  line: number;
  candidateNumber: string;
  uci: string;
  forename: string;
  surname: string;
  dateOfBirth: string;
  email: string;
  schoolYear: string;
  /** A problem with the row's shape found while reading it (wrong number of cells). */
  problem: string | null;
}

/** What the database knows about one row: the exam-entry record behind its UCI and any clash. */
export interface ImportRowFacts {
  candidate: { id: string; candidateNumber: string; firstName: string; lastName: string; dateOfBirth: string; entered: boolean } | null;
  /** The candidate whose account already uses this email, if any. */
  emailOwnerCandidateId: string | null;
  /** An earlier line of the same file with the same UCI, or with the same email for another UCI. */
  earlierLineWithUci: number | null;
  earlierLineWithEmail: number | null;
}

const MAX_FIELD = 200;

/** Every reason a row cannot be imported (D2): required fields present, identical to the exam-entry data. */
export function checkImportRow(row: ImportRow, facts: ImportRowFacts): ImportViolation[] {
  const out: ImportViolation[] = [];
  const v = (field: string, message: string, rule = 'D2') => out.push({ line: row.line, field, rule, message });
  if (row.problem) {
    v('row', row.problem);
    return out;
  }
  for (const [field, value] of [['uci', row.uci], ['forename', row.forename], ['surname', row.surname], ['date_of_birth', row.dateOfBirth], ['email', row.email]] as const) {
    if (value === '') v(field, `The ${field.replace(/_/g, ' ')} is required.`);
    else if (value.length > MAX_FIELD) v(field, `The ${field.replace(/_/g, ' ')} is longer than ${MAX_FIELD} characters.`);
  }
  if (row.schoolYear.length > 20) v('school_year', 'The school year can be at most 20 characters.');
  // A cell a spreadsheet would run as a formula is refused rather than stored and shown to staff later.
  for (const [field, value] of [['candidate_number', row.candidateNumber], ['uci', row.uci], ['forename', row.forename], ['surname', row.surname], ['date_of_birth', row.dateOfBirth], ['email', row.email], ['school_year', row.schoolYear]] as const) {
    if (FORMULA_START.test(value)) v(field, `The ${field.replace(/_/g, ' ')} starts with "${value[0]}", which a spreadsheet would run as a formula: remove it.`);
  }
  const dob = row.dateOfBirth === '' ? null : parseDateOfBirth(row.dateOfBirth);
  if (row.dateOfBirth !== '' && dob === null) v('date_of_birth', `"${row.dateOfBirth.slice(0, 20)}" is not a date: write it as DD/MM/YYYY or YYYY-MM-DD.`);
  if (row.email !== '' && !isValidStudentEmail(row.email)) v('email', `"${row.email.slice(0, 60)}" is not a valid email address.`);

  if (row.uci !== '' && row.uci.length <= MAX_FIELD) {
    const c = facts.candidate;
    if (!c) v('uci', `No student with UCI ${row.uci} is entered for exams at your centre.`);
    else if (!c.entered) v('uci', `The student with UCI ${row.uci} has no exam entry.`);
    else {
      // D2: the required fields must be identical to the exam-entry data.
      if (row.forename !== '' && row.forename !== c.firstName) v('forename', `The forename does not match the exam-entry data for UCI ${row.uci} ("${c.firstName}").`);
      if (row.surname !== '' && row.surname !== c.lastName) v('surname', `The surname does not match the exam-entry data for UCI ${row.uci} ("${c.lastName}").`);
      if (dob !== null && dob !== c.dateOfBirth) v('date_of_birth', `The date of birth does not match the exam-entry data for UCI ${row.uci}.`);
      if (row.candidateNumber !== '' && row.candidateNumber !== c.candidateNumber) {
        v('candidate_number', `The candidate number does not match the exam-entry data for UCI ${row.uci} ("${c.candidateNumber}").`);
      }
      if (facts.emailOwnerCandidateId !== null && facts.emailOwnerCandidateId !== c.id) v('email', 'This email address is already used by another student’s account.');
    }
    if (facts.earlierLineWithUci !== null) v('uci', `This student is already on line ${facts.earlierLineWithUci}: a student is registered once.`, 'D5');
  }
  if (facts.earlierLineWithEmail !== null) v('email', `Line ${facts.earlierLineWithEmail} gives the same email address to another student.`);
  return out;
}

// --- results analysis (D10, D11) ---------------------------------------------------------------------------------

export interface ResultRow {
  seriesId: string;
  seriesName: string;
  syllabusCode: string;
  syllabusName: string;
  grade: string | null;
  componentCode: string;
  componentName: string;
  mark: number | null;
  maxMark: number;
  exempt: boolean;
}

export interface AnalysisComponent {
  code: string;
  name: string;
  mark: number | null;
  maxMark: number;
  percentage: number | null;
  exempt: boolean;
}
export interface AnalysisSyllabus {
  code: string;
  name: string;
  grade: string | null;
  percentage: number | null;
  components: AnalysisComponent[];
}
export interface AnalysisSeries {
  id: string;
  name: string;
  syllabuses: AnalysisSyllabus[];
}

const pct = (mark: number, max: number) => (max > 0 ? Math.round((1000 * mark) / max) / 10 : null);

/** Component marks, percentages and grades per series and syllabus, in the order given. */
export function buildAnalysis(rows: ResultRow[]): AnalysisSeries[] {
  const out: AnalysisSeries[] = [];
  for (const r of rows) {
    let s = out.find((x) => x.id === r.seriesId);
    if (!s) out.push((s = { id: r.seriesId, name: r.seriesName, syllabuses: [] }));
    let y = s.syllabuses.find((x) => x.code === r.syllabusCode);
    if (!y) s.syllabuses.push((y = { code: r.syllabusCode, name: r.syllabusName, grade: r.grade, percentage: null, components: [] }));
    y.components.push({ code: r.componentCode, name: r.componentName, mark: r.mark, maxMark: r.maxMark, percentage: r.mark === null || r.exempt ? null : pct(r.mark, r.maxMark), exempt: r.exempt });
  }
  for (const s of out) {
    for (const y of s.syllabuses) {
      const counted = y.components.filter((c) => c.mark !== null && !c.exempt);
      const max = counted.reduce((a, c) => a + c.maxMark, 0);
      y.percentage = counted.length ? pct(counted.reduce((a, c) => a + (c.mark ?? 0), 0), max) : null;
    }
  }
  return out;
}
