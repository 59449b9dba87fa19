// Enquiries about results (RULES.md section C, seed 003): which requests the board accepts. Pure and
// deterministic: no I/O, no clock, no randomness, no Node built-ins, so workflow code may import it. The caller
// gathers the facts (syllabus, components, candidates, their results and other enquiries) and this module decides.
import {
  OPEN_ENQUIRY_STATUSES,
  REVIEW_SERVICES,
  SERVICES,
  SERVICE_NAMES,
  type Candidate,
  type Component,
  type ComponentKind,
  type ComponentResult,
  type DocumentKind,
  type EnquiryDraft,
  type EnquiryStatus,
  type RuleViolation,
  type Service,
  type Syllabus,
} from './model';

/** What we know about one requested candidate for the syllabus and series of the enquiry. */
export interface CandidateFacts {
  candidate: Candidate;
  /** Has an entry for this syllabus in this series. */
  entered: boolean;
  /** Syllabus grade, e.g. 'A', 'X' (no result), 'Q' (pending); null when none is recorded. */
  grade: string | null;
  /** This candidate's results on this syllabus's components. */
  results: ComponentResult[];
}

/** Another enquiry (never the one being checked) for these candidates, this syllabus and this series. */
export interface ExistingEnquiry {
  enquiryId: string;
  candidateId: string;
  service: Service;
  componentCodes: string[];
  status: EnquiryStatus;
  enquiryNumber: number | null;
}

export interface EnquiryFacts {
  /** Null when the syllabus code is unknown. */
  syllabus: Syllabus | null;
  /** All components of the syllabus. */
  components: Component[];
  /** The requested candidates that were found (for Service 5: the whole group entered at the centre). */
  candidates: CandidateFacts[];
  /** Requested numbers that match no candidate of the centre. */
  unknownCandidateNumbers: string[];
  existing: ExistingEnquiry[];
}

/** Longest note accepted (C23). Counted in characters (Unicode code points), as PostgreSQL varchar counts them. */
export const MAX_NOTE_LENGTH = 200;
/** Longest candidate number accepted, not counting leading zeros. */
export const MAX_CANDIDATE_NUMBER_DIGITS = 6;
/** Service 9 is a report on a group of 5 to 15 candidates (C6). */
export const SERVICE_9_MIN_CANDIDATES = 5;
export const SERVICE_9_MAX_CANDIDATES = 15;

/**
 * Statuses of another enquiry that do not count as "a request already made" for C12 and C14: a draft that was
 * never submitted (Saved, Deleted) or a request that ended without being worked (Cancelled, Rejected, Closed).
 * Every other status is submitted or later, including Completed.
 */
const NOT_A_REQUEST: readonly EnquiryStatus[] = ['Saved', 'Cancelled', 'Rejected', 'Closed', 'Deleted'];

/** Component kinds each service is available for (C1 to C7). */
const ALLOWED_KINDS: Record<Service, readonly ComponentKind[]> = {
  '1': ['board', 'mcq'], // C1: components the board assessed, multiple choice included
  '1S': ['board', 'mcq'], // C2
  '2': ['board'], // C3: not multiple choice
  '2S': ['board'], // C4: not multiple choice
  '5': ['centre'], // C5: components the centre assessed
  '9': ['board'], // C6: not multiple choice
  XQ: ['board', 'centre', 'mcq'], // C7: about missing results, on any component
};

/** The RULES.md number that describes each service. */
const SERVICE_RULE: Record<Service, string> = {
  '1': 'C1',
  '1S': 'C2',
  '2': 'C3',
  '2S': 'C4',
  '5': 'C5',
  '9': 'C6',
  XQ: 'C7',
};

const MARK_SOURCES_ACCEPTED = ['exam', 'moderation'];
const NO_RESULT_GRADES = ['X', 'Q'];

/**
 * A candidate number as the board compares it, or null if `input` is not one. Surrounding spaces are ignored, only
 * the digits 0-9 are accepted, and leading zeros are dropped, so "0713" and "713" find the same candidate (C23).
 * All zeros gives "0". More than MAX_CANDIDATE_NUMBER_DIGITS digits after the leading zeros is not a candidate
 * number. Leading zeros never change the answer for a non-blank input, and the function is idempotent.
 */
export function normaliseCandidateNumber(input: string): string | null {
  if (typeof input !== 'string') return null;
  const trimmed = input.trim();
  if (!/^[0-9]+$/.test(trimmed)) return null;
  const significant = trimmed.replace(/^0+/, '');
  if (significant === '') return '0';
  if (significant.length > MAX_CANDIDATE_NUMBER_DIGITS) return null;
  return significant;
}

/**
 * Every rule of RULES.md section C that `draft` breaks, given `facts`; an empty list means it may be saved or
 * submitted. Each violation names its rule, the draft field concerned and the candidate or component concerned.
 * Deadlines (C21) and declarations (C24) are checked elsewhere; open enquiries of other candidates are a warning
 * (candidatesWithOpenEnquiries), not a refusal (C5, C6).
 */
export function checkEnquiryDraft(draft: EnquiryDraft, facts: EnquiryFacts): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const add = (rule: string, field: string, message: string): void => {
    violations.push({ rule, field, message });
  };

  const service: Service | null = isService(draft?.service) ? draft.service : null;
  const serviceName = service ? serviceLabel(service) : 'this service';

  // --- Service and note -------------------------------------------------------------------------------------
  if (!service) {
    add('C23', 'service', `Choose a service: ${SERVICES.map((s) => serviceLabel(s)).join(', ')}.`);
  }
  const note = typeof draft?.note === 'string' ? draft.note : '';
  const noteLength = Array.from(note).length;
  if (noteLength > MAX_NOTE_LENGTH) {
    add('C23', 'note', `The note can be at most ${MAX_NOTE_LENGTH} characters long; this one has ${noteLength}.`);
  }

  // --- Syllabus ---------------------------------------------------------------------------------------------
  const syllabus = facts.syllabus;
  const syllabusCode = typeof draft?.syllabusCode === 'string' ? draft.syllabusCode.trim() : '';
  let usableSyllabus: Syllabus | null = null;
  if (!syllabus) {
    add(
      'C23',
      'syllabusCode',
      syllabusCode === ''
        ? 'Choose a syllabus by its name or number.'
        : `There is no syllabus "${shorten(syllabusCode)}". Choose a syllabus by its name or number.`,
    );
  } else if (syllabus.groupAward) {
    add(
      'C8',
      'syllabusCode',
      `${syllabusLabel(syllabus)} is a group award. A recalculation of a group award is not an enquiry about results ` +
        'and cannot be asked for here: ask the board for it by email instead.',
    );
  } else {
    usableSyllabus = syllabus;
  }

  // --- Components (C11, and C1 to C6 for the kind of component) --------------------------------------------
  const requestedCodes = distinct(stringList(draft?.componentCodes).map((c) => c.trim()));
  const components = Array.isArray(facts.components) ? facts.components : [];
  const selected: Component[] = [];
  if (usableSyllabus) {
    if (requestedCodes.length === 0 && service !== 'XQ') {
      add('C11', 'componentCodes', 'Choose at least one component: enquiries about results are made component by component.');
    }
    for (const code of requestedCodes) {
      const component = components.find((c) => c.code === code);
      if (!component) {
        add(
          'C11',
          'componentCodes',
          code === ''
            ? 'A component code is blank. Choose components from the list for the syllabus.'
            : `Component ${shorten(code)} is not a component of ${syllabusLabel(usableSyllabus)}.`,
        );
        continue;
      }
      selected.push(component);
      if (service && !ALLOWED_KINDS[service].includes(component.kind)) {
        add(SERVICE_RULE[service], 'componentCodes', kindMessage(service, component));
      }
    }
    if (usableSyllabus.artAndDesign && (service === '1S' || service === '2S')) {
      add(
        SERVICE_RULE[service],
        'service',
        `${serviceName} is not available for Art & Design syllabuses such as ${syllabusLabel(usableSyllabus)}.`,
      );
    }
  }

  // --- Candidates ---------------------------------------------------------------------------------------------
  const found = distinctCandidates(Array.isArray(facts.candidates) ? facts.candidates : []);
  let members: CandidateFacts[];
  if (service === '5') {
    // C5: the whole group entered at the centre, never chosen one by one.
    if (stringList(draft?.candidateNumbers).some((n) => n.trim() !== '')) {
      add(
        'C5',
        'candidateNumbers',
        'Service 5 is made for the whole group of candidates entered for the component, never for individual ' +
          'candidates: leave the candidate list empty.',
      );
    }
    members = found.filter((c) => c.entered);
    if (usableSyllabus && members.length === 0) {
      add(
        'C5',
        'candidateNumbers',
        `No candidate of your centre is entered for ${syllabusLabel(usableSyllabus)} in this series, so there is no group to re-moderate.`,
      );
    }
  } else {
    members = checkRequestedCandidates(draft, facts, found, service, add);
    for (const c of found) {
      if (!c.entered) {
        add(
          'C23',
          'candidateNumbers',
          `${candidateLabel(c.candidate)} is not entered for ${syllabus ? syllabusLabel(syllabus) : 'this syllabus'} in this series.`,
        );
      }
    }
  }

  // --- Each candidate of the enquiry (C10, C7, C9, C13) --------------------------------------------------------
  for (const c of members) {
    const who = candidateLabel(c.candidate);
    // C10: a Service 9 group is chosen by the centre, so a portfolio-of-evidence candidate in it is refused. Service 5
    // takes the whole group automatically: refusing it for one such candidate would deny the service to everyone
    // else, so those candidates are simply not part of the re-moderation (the group facts still list them).
    if (service === '9' && c.candidate.portfolioOfEvidence) {
      add(
        'C10',
        'candidateNumbers',
        `${who} submitted a portfolio of evidence, and ${serviceName} is a group service, which candidates who ` +
          `submitted a portfolio of evidence cannot take part in. Remove them from the group.`,
      );
    }
    if (service === 'XQ') {
      const grade = typeof c.grade === 'string' ? c.grade.trim().toUpperCase() : '';
      if (!NO_RESULT_GRADES.includes(grade)) {
        add(
          'C7',
          'candidateNumbers',
          `${who} ${grade === '' ? 'has no grade recorded' : `has grade ${shorten(grade)}`} for this syllabus, not NO RESULT (X) ` +
            'or PENDING (Q): this enquiry is only for candidates with one of those.',
        );
      }
    }
    if (!usableSyllabus) continue;
    const results = Array.isArray(c.results) ? c.results : [];
    for (const component of selected) {
      const result = results.find((r) => r?.componentCode === component.code);
      // C5: only the work of candidates in the original moderation sample is re-moderated, so for Service 5 only
      // their exemptions and marks concern the enquiry; the rest of the group does not block it.
      if (service === '5' && !result?.inModerationSample) continue;
      const what = componentLabel(component);
      if (result?.exempt) {
        add(
          'C9',
          'componentCodes',
          `${who} was exempted from ${what}; there is no enquiry about a component a candidate was exempted from.`,
        );
        continue;
      }
      if (service === 'XQ') continue; // C13 is about marks; X and Q enquiries are about missing ones (C7)
      const hasMark = result != null && typeof result.mark === 'number' && result.markSource != null;
      if (hasMark && result.markSource === 'assessed') {
        add(
          'C13',
          'componentCodes',
          `${who}'s mark for ${what} was calculated by the board (an assessed mark), not given by an exam or by ` +
            'moderation, so the component cannot be part of an enquiry.',
        );
      } else if (!hasMark || !MARK_SOURCES_ACCEPTED.includes(result.markSource as string)) {
        add(
          'C13',
          'componentCodes',
          `${who} has no mark for ${what} from an exam or from moderation, so the component cannot be part of an enquiry.`,
        );
      }
    }
  }

  // --- Earlier re-check or review requests (C12, C14) --------------------------------------------------------
  if (service && REVIEW_SERVICES.includes(service)) {
    const requested = new Set(requestedCodes);
    const existing = Array.isArray(facts.existing) ? facts.existing : [];
    for (const c of members) {
      for (const e of existing) {
        if (!e || e.candidateId !== c.candidate.id) continue;
        if (!REVIEW_SERVICES.includes(e.service) || NOT_A_REQUEST.includes(e.status)) continue;
        const earlierCodes = distinct(stringList(e.componentCodes).map((code) => code.trim()));
        const shared = earlierCodes.filter((code) => requested.has(code));
        const earlier = `${e.enquiryNumber != null ? `enquiry ${e.enquiryNumber}` : 'an enquiry'} (${serviceLabel(e.service)})`;
        if (shared.length > 0) {
          add(
            'C14',
            'candidateNumbers',
            `${candidateLabel(c.candidate)} already has ${earlier} for ${plural('component', shared)} of this syllabus. ` +
              'Only one re-check or review service (1, 1S, 2 or 2S) can be asked for per candidate and syllabus, and only once.',
          );
        } else {
          add(
            'C12',
            'componentCodes',
            `${candidateLabel(c.candidate)} already has ${earlier} for this syllabus` +
              (earlierCodes.length > 0 ? ` (${plural('component', earlierCodes)})` : '') +
              '. All the components of a syllabus for a candidate must be asked for in one enquiry; a later enquiry ' +
              'about other components is not accepted.',
          );
        }
      }
    }
  }

  return violations;
}

/**
 * The candidates of `facts` that have another enquiry open for this syllabus (status in OPEN_ENQUIRY_STATUSES),
 * with those enquiries' ids: the warning shown when a Service 9 is submitted (C6) and the marker on the candidate
 * list (C23). Sorted by candidate number; a candidate without an open enquiry is left out.
 */
export function candidatesWithOpenEnquiries(facts: EnquiryFacts): Array<{ candidateNumber: string; enquiryIds: string[] }> {
  const out: Array<{ candidateNumber: string; enquiryIds: string[] }> = [];
  const existing = Array.isArray(facts.existing) ? facts.existing : [];
  for (const c of distinctCandidates(Array.isArray(facts.candidates) ? facts.candidates : [])) {
    const enquiryIds = distinct(
      existing
        .filter((e) => e && e.candidateId === c.candidate.id && OPEN_ENQUIRY_STATUSES.includes(e.status))
        .map((e) => e.enquiryId),
    );
    if (enquiryIds.length > 0) out.push({ candidateNumber: c.candidate.candidateNumber, enquiryIds });
  }
  return out.sort((a, b) => compareCandidateNumbers(a.candidateNumber, b.candidateNumber));
}

/**
 * The documents an enquiry of `service` must have before it is Completed (C19, C25). The acknowledgement letter
 * is not listed: it belongs to the Acknowledged step, not to completion.
 * - Every service that looks at marks or results ends with an outcome letter (Out): 1, 1S, 2, 2S, XQ, and 5.
 *   Service 5 re-moderates the centre's marks, so it can change marks and grades (C22, C28) and has an outcome
 *   like any other enquiry, plus its report ("re-moderation of coursework with report", C5).
 * - Service 9 reviews no marking (C6), so it has no outcome to give: the guide says it "will not display as
 *   Completed until we upload the report". Its only completion document is the report (Rpt).
 * - 1S and 2S also need the copy of the script (CoS): "will not display as Completed until we upload the outcome
 *   letter and copy of the script".
 */
export function requiredDocuments(service: Service): DocumentKind[] {
  switch (service) {
    case '1S':
    case '2S':
      return ['Out', 'CoS'];
    case '5':
      return ['Out', 'Rpt'];
    case '9':
      return ['Rpt'];
    default:
      return ['Out'];
  }
}

// --- Helpers -------------------------------------------------------------------------------------------------

type Add = (rule: string, field: string, message: string) => void;

/**
 * Checks the candidate numbers of an individual or Service 9 draft: format, unknown numbers, how many. Returns the
 * candidates of the enquiry that are entered for the syllabus.
 */
function checkRequestedCandidates(
  draft: EnquiryDraft,
  facts: EnquiryFacts,
  found: CandidateFacts[],
  service: Service | null,
  add: Add,
): CandidateFacts[] {
  const known = new Set(found.map((c) => normaliseCandidateNumber(c.candidate.candidateNumber) ?? c.candidate.candidateNumber));
  const requested = new Set<string>(); // normalised, distinct
  const reported = new Set<string>();
  let malformed = 0;
  for (const raw of stringList(draft?.candidateNumbers)) {
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const n = normaliseCandidateNumber(trimmed);
    if (n === null) {
      malformed++;
      if (!reported.has(`raw:${trimmed}`)) {
        reported.add(`raw:${trimmed}`);
        add(
          'C23',
          'candidateNumbers',
          `"${shorten(trimmed)}" is not a candidate number: a candidate number is up to ${MAX_CANDIDATE_NUMBER_DIGITS} digits.`,
        );
      }
      continue;
    }
    requested.add(n);
    if (!known.has(n) && !reported.has(n)) {
      reported.add(n);
      add('C23', 'candidateNumbers', `Candidate ${shorten(trimmed)} is not a candidate of your centre.`);
    }
  }
  for (const raw of stringList(facts.unknownCandidateNumbers)) {
    const trimmed = raw.trim();
    const key = normaliseCandidateNumber(trimmed) ?? `raw:${trimmed}`;
    if (reported.has(key)) continue;
    reported.add(key);
    add('C23', 'candidateNumbers', `Candidate ${shorten(trimmed)} is not a candidate of your centre.`);
  }

  const count = requested.size;
  if (service === '9') {
    if (count < SERVICE_9_MIN_CANDIDATES || count > SERVICE_9_MAX_CANDIDATES) {
      add(
        'C6',
        'candidateNumbers',
        `Service 9 is a report on a group of ${SERVICE_9_MIN_CANDIDATES} to ${SERVICE_9_MAX_CANDIDATES} candidates; ` +
          `${count === 1 ? '1 candidate was' : `${count} candidates were`} chosen.`,
      );
    }
  } else if (count === 0 && malformed === 0) {
    add('C23', 'candidateNumbers', 'Choose at least one candidate by candidate number.');
  }
  return found.filter((c) => c.entered);
}

function kindMessage(service: Service, component: Component): string {
  const name = serviceLabel(service);
  const what = componentLabel(component);
  if (service === '5') {
    return `${name} is only for components your centre assessed; ${what} is assessed by the board.`;
  }
  if (component.kind === 'mcq') {
    return `${name} is not available for multiple-choice papers such as ${what}.`;
  }
  // A centre-assessed component for a board-assessed service.
  return `${name} is only for components the board assessed; ${what} is assessed by your centre (for coursework, ask for Service 5).`;
}

function isService(value: unknown): value is Service {
  return typeof value === 'string' && (SERVICES as readonly string[]).includes(value);
}

/** "Service 2 (review of marking)", or the full name when it has no "Service n:" prefix. */
function serviceLabel(service: Service): string {
  const name = SERVICE_NAMES[service];
  const colon = name.indexOf(': ');
  return colon < 0 ? name : `${name.slice(0, colon)} (${name.slice(colon + 2)})`;
}

function syllabusLabel(syllabus: Syllabus): string {
  return syllabus.name ? `syllabus ${syllabus.code} (${syllabus.name})` : `syllabus ${syllabus.code}`;
}

function componentLabel(component: Component): string {
  return component.name ? `component ${component.code} (${component.name})` : `component ${component.code}`;
}

function candidateLabel(candidate: Candidate): string {
  const name = [candidate.firstName, candidate.lastName].filter((s) => typeof s === 'string' && s.trim() !== '').join(' ');
  return name ? `Candidate ${candidate.candidateNumber} (${name})` : `Candidate ${candidate.candidateNumber}`;
}

function plural(word: string, codes: string[]): string {
  return `${word}${codes.length === 1 ? '' : 's'} ${codes.join(', ')}`;
}

/** Keeps user input quoted in a message to a readable length. */
function shorten(s: string): string {
  const chars = Array.from(s);
  return chars.length <= 40 ? s : `${chars.slice(0, 40).join('')}…`;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function distinct(values: string[]): string[] {
  return Array.from(new Set(values));
}

function distinctCandidates(list: CandidateFacts[]): CandidateFacts[] {
  const seen = new Set<string>();
  const out: CandidateFacts[] = [];
  for (const c of list) {
    if (!c || !c.candidate || seen.has(c.candidate.id)) continue;
    seen.add(c.candidate.id);
    out.push(c);
  }
  return out;
}

/** Orders candidate numbers numerically ("713" before "1200"), then as text. */
function compareCandidateNumbers(a: string, b: string): number {
  const na = normaliseCandidateNumber(a) ?? a;
  const nb = normaliseCandidateNumber(b) ?? b;
  if (na.length !== nb.length) return na.length - nb.length;
  if (na !== nb) return na < nb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
