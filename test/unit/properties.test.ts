// Property tests for every validator in domain/: thousands of generated inputs each, checking real properties
// (never throws on arbitrary strings but answers with violations, idempotence, round-trips, agreement with a simple
// reference implementation). The example-based tests next to this file show the individual rules.
import fc from 'fast-check';
import { checkEnquiryDraft, MAX_NOTE_LENGTH, normaliseCandidateNumber, type EnquiryFacts } from '../../domain/enquiryRules';
import type { RuleViolation } from '../../domain/model';
import { candidateNumberValue, checkAccessChoice, isValidEmail, isValidTelephone, normaliseContact, type AccessChoice } from '../../domain/resultsAccess';
import {
  checkImportRow,
  checkNewPassword,
  codeFromBytes,
  IMPORT_COLUMNS,
  isValidStudentEmail,
  mapImportHeader,
  MIN_PASSWORD_LENGTH,
  neutraliseCsvCell,
  normaliseCode,
  parseDateOfBirth,
  REQUIRED_IMPORT_COLUMNS,
  type ImportRow,
  type ImportRowFacts,
} from '../../domain/studentAccounts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 3000);
const runs = { numRuns: RUNS };

/** Any string a person or a program might send: unicode, whitespace, digits, formula starts, control characters. */
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[\s0-9/.\-+=@]{0,14}$/),
);

const isViolation = (v: RuleViolation) => typeof v.rule === 'string' && v.rule.length > 0 && typeof v.field === 'string' && v.field.length > 0 && typeof v.message === 'string' && v.message.length > 0;

// --- candidate numbers (C23) ------------------------------------------------------------------------------------

describe('normaliseCandidateNumber (properties)', () => {
  /** The reference: digits only (after trimming), compared as a whole number, at most six significant digits. */
  const reference = (s: string): string | null => {
    const t = s.trim();
    if (!/^[0-9]+$/.test(t)) return null;
    const n = BigInt(t);
    return n < 1_000_000n ? n.toString() : null;
  };

  it('[C23] agrees with a BigInt reference on arbitrary strings and never throws', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(normaliseCandidateNumber(s)).toBe(reference(s));
      }),
      runs,
    );
  });

  it('[C23] round-trips every number 0-999999 however it is padded or spaced', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 10 }), fc.constantFrom('', ' ', '\t', '  '), (n, zeros, pad) => {
        const written = `${pad}${'0'.repeat(zeros)}${n}${pad}`;
        expect(normaliseCandidateNumber(written)).toBe(String(n));
        expect(candidateNumberValue(written)).toBe(zeros + String(n).length <= 10 ? n : null);
      }),
      runs,
    );
  });

  it('[C23] is idempotent and its answers are canonical (no leading zeros, digits only)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const n = normaliseCandidateNumber(s);
        if (n === null) return;
        expect(normaliseCandidateNumber(n)).toBe(n);
        expect(n).toMatch(/^(0|[1-9][0-9]{0,5})$/);
      }),
      runs,
    );
  });
});

// --- enquiry drafts (C23) ----------------------------------------------------------------------------------------

describe('checkEnquiryDraft (properties)', () => {
  const facts: EnquiryFacts = {
    syllabus: { code: '0610', name: 'Biology', qualificationCode: 'IGCSE', artAndDesign: false, groupAward: false },
    components: [{ syllabusCode: '0610', code: '41', name: 'Theory', kind: 'board', maxMark: 80 }],
    candidates: [
      {
        candidate: { id: 'c-713', centreNumber: 'GB001', candidateNumber: '0713', uci: 'GB0010713A', firstName: 'Ana', lastName: 'Silva', dateOfBirth: '2009-01-01', portfolioOfEvidence: false },
        entered: true,
        grade: 'B',
        results: [{ componentCode: '41', mark: 40, markSource: 'exam', exempt: false, inModerationSample: false }],
      },
    ],
    unknownCandidateNumbers: [],
    existing: [],
  };
  const draft = (over: object) => ({ service: '1' as const, syllabusCode: '0610', componentCodes: ['41'], candidateNumbers: ['0713'], note: '', ...over });

  it('[C23] a note breaks C23 exactly when it has more than 200 characters (code points), whatever they are', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 260 }), (note) => {
        const noteViolations = checkEnquiryDraft(draft({ note }), facts).filter((v) => v.field === 'note');
        expect(noteViolations.length > 0).toBe(Array.from(note).length > MAX_NOTE_LENGTH);
        for (const v of noteViolations) expect(v.rule).toBe('C23');
      }),
      runs,
    );
  });

  it('[C23] the same candidate written with leading zeros or spaces gets the same answer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.constantFrom('', ' ', '  '), (zeros, pad) => {
        const written = `${pad}${'0'.repeat(zeros)}713${pad}`;
        expect(checkEnquiryDraft(draft({ candidateNumbers: [written] }), facts)).toEqual(checkEnquiryDraft(draft({ candidateNumbers: ['0713'] }), facts));
      }),
      { numRuns: Math.min(RUNS, 500) },
    );
  });

  it('[C23] never changes its input, and an arbitrary candidate list answers with violations, not exceptions', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 20 }), fc.array(anyText, { maxLength: 5 }), (candidateNumbers, componentCodes) => {
        const d = draft({ candidateNumbers, componentCodes });
        const before = JSON.stringify([d, facts]);
        const vs = checkEnquiryDraft(d, facts);
        expect(JSON.stringify([d, facts])).toBe(before);
        expect(vs.every(isViolation)).toBe(true);
        // A list with nothing that could be our candidate is always refused.
        if (!candidateNumbers.some((n) => normaliseCandidateNumber(n) === '713')) expect(vs.some((v) => v.field === 'candidateNumbers')).toBe(true);
      }),
      runs,
    );
  });
});

// --- dates of birth ----------------------------------------------------------------------------------------------

describe('parseDateOfBirth (properties)', () => {
  const anyDay = fc.date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2100, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

  it('[D3] round-trips every real date from 1900 to 2100, written ISO or the UK way', () => {
    fc.assert(
      fc.property(anyDay, fc.boolean(), (iso, padded) => {
        const [y, m, d] = iso.split('-');
        const uk = padded ? `${d}/${m}/${y}` : `${Number(d)}/${Number(m)}/${y}`;
        expect(parseDateOfBirth(iso)).toBe(iso);
        expect(parseDateOfBirth(uk)).toBe(iso);
        expect(parseDateOfBirth(` ${uk} `)).toBe(iso);
      }),
      runs,
    );
  });

  it('[D3] on arbitrary strings: never throws, answers only real calendar days, and is idempotent', () => {
    const dateLike = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 1850, max: 2150 })).map(([d, m, y]) => `${d}/${m}/${y}`);
    fc.assert(
      fc.property(fc.oneof(anyText, dateLike), (s) => {
        const parsed = parseDateOfBirth(s);
        if (parsed === null) return;
        // Agreement with the platform's calendar: the day exists and prints back the same.
        expect(new Date(`${parsed}T00:00:00Z`).toISOString().slice(0, 10)).toBe(parsed);
        expect(parseDateOfBirth(parsed)).toBe(parsed);
      }),
      runs,
    );
  });
});

// --- passwords (D8) ----------------------------------------------------------------------------------------------

describe('checkNewPassword (properties)', () => {
  it('[D8] refuses exactly the short, the over-long and the date of birth, whatever the characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 220 }), (password) => {
        const vs = checkNewPassword(password, '2009-12-10');
        const isDob = password.replace(/\D/g, '') === '20091210' && password.replace(/[\d\s/.-]/g, '') === '';
        const shouldRefuse = password.length < MIN_PASSWORD_LENGTH || password.length > 200 || isDob;
        expect(vs.length > 0).toBe(shouldRefuse);
        for (const v of vs) expect(v).toMatchObject({ rule: 'D8', field: 'password' });
      }),
      runs,
    );
  });

  it('[D8] the date of birth is refused however it is punctuated', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('', ' ', '/', '-', '.'), { minLength: 7, maxLength: 7 }), (seps) => {
        const digits = '20091210';
        const password = digits.split('').map((ch, i) => ch + (seps[i] ?? '')).join('');
        fc.pre(password.length >= MIN_PASSWORD_LENGTH);
        expect(checkNewPassword(password, '2009-12-10')).toHaveLength(1);
      }),
      { numRuns: Math.min(RUNS, 2000) },
    );
  });
});

// --- verification codes (D3) -------------------------------------------------------------------------------------

describe('verification codes (properties)', () => {
  it('[D3] a printed code, typed back in any case with spaces, is recognised; arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.boolean(), (bytes, lower) => {
        const printed = codeFromBytes(bytes);
        const typed = ` ${lower ? printed.toLowerCase() : printed} `.replace(/-/g, ' - ');
        expect(normaliseCode(typed)).toBe(printed.replace(/-/g, ''));
        expect(normaliseCode(normaliseCode(typed)!)).toBe(normaliseCode(typed));
      }),
      runs,
    );
    fc.assert(
      fc.property(anyText, (s) => {
        const n = normaliseCode(s);
        if (n !== null) expect(n).toMatch(/^[A-HJ-NP-Z2-9]{12}$/);
      }),
      runs,
    );
  });
});

// --- contacts and access choices (A4, A5, A6) --------------------------------------------------------------------

describe('results access contact (properties)', () => {
  const maybeText = fc.oneof(anyText, fc.constant(null), fc.constant(undefined));
  const anyChoice: fc.Arbitrary<AccessChoice> = fc.record({
    mode: fc.oneof(fc.constantFrom('NO', 'ALL', 'SELECTED'), anyText),
    agreement: fc.option(fc.boolean(), { nil: undefined }),
    contact: fc.option(fc.record({ name: maybeText, telephone: maybeText, email: maybeText }), { nil: null }),
    delayMinutes: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double(), fc.constant(null), fc.constant(undefined)),
  });

  it('[A5] never throws, and every violation names a rule of A4-A6 and a field', () => {
    fc.assert(
      fc.property(anyChoice, fc.boolean(), fc.integer({ min: 0, max: 1000 }), (choice, resultsOpen, currentDelayMinutes) => {
        const vs = checkAccessChoice(choice, { resultsOpen, currentDelayMinutes });
        for (const v of vs) {
          expect(isViolation(v)).toBe(true);
          expect(['A4', 'A5', 'A6']).toContain(v.rule);
        }
        // A choice is decided on its normalised contact: normalising first changes nothing.
        const again = checkAccessChoice({ ...choice, contact: choice.contact ? normaliseContact(choice.contact) : choice.contact }, { resultsOpen, currentDelayMinutes });
        expect(again).toEqual(vs);
      }),
      runs,
    );
  });

  it('[A5] normalising a contact is idempotent and leaves no surrounding spaces or blank values', () => {
    fc.assert(
      fc.property(fc.record({ name: maybeText, telephone: maybeText, email: maybeText }), (contact) => {
        const once = normaliseContact(contact);
        expect(normaliseContact(once)).toEqual(once);
        expect(once.name).toBe(once.name.trim());
        for (const v of [once.telephone, once.email]) {
          if (v !== null) expect(v).toBe(v.trim());
          expect(v).not.toBe('');
        }
      }),
      runs,
    );
  });

  it('[A5] a telephone number is accepted exactly when a simple reference accepts it', () => {
    const reference = (s: string) => {
      const allowed = [...s].every((ch, i) => '0123456789 ()./-'.includes(ch) || (ch === '+' && i === 0));
      const digits = [...s].filter((ch) => ch >= '0' && ch <= '9').length;
      return s.length > 0 && allowed && digits >= 7 && digits <= 15;
    };
    const phoneLike = fc.stringMatching(/^\+?[0-9 ()./-]{0,22}$/);
    fc.assert(
      fc.property(fc.oneof(anyText, phoneLike), (s) => {
        expect(isValidTelephone(s)).toBe(reference(s));
      }),
      runs,
    );
  });

  it('[A5] every generated email address up to 254 characters is accepted; nothing with a space or without @ is', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (e) => {
        fc.pre(/\.[a-z]{2,}$/.test(e)); // our rule asks for a top-level domain of two letters or more
        expect(isValidEmail(e)).toBe(e.length <= 254);
        expect(isValidStudentEmail(e)).toBe(e.length <= 254);
      }),
      runs,
    );
    fc.assert(
      fc.property(anyText, (s) => {
        if (/\s/.test(s) || !s.includes('@')) {
          expect(isValidEmail(s)).toBe(false);
          expect(isValidStudentEmail(s)).toBe(false);
        }
      }),
      runs,
    );
  });
});

// --- CSV rows of the student import (D2, D5) ---------------------------------------------------------------------

describe('student import CSV (properties)', () => {
  const spell = (c: string) =>
    fc.tuple(fc.boolean(), fc.constantFrom('_', ' ', '-', ''), fc.constantFrom('', ' ')).map(([upper, sep, pad]) => `${pad}${(upper ? c.toUpperCase() : c).replace(/_/g, sep)}${pad}`);

  it('[D2] any order and spelling of the template columns maps without violations, each to its own column', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...IMPORT_COLUMNS], { minLength: IMPORT_COLUMNS.length }).chain((cols) => fc.tuple(fc.constant(cols), fc.tuple(...cols.map(spell)))), ([cols, written]) => {
        const { columns, violations } = mapImportHeader(written);
        expect(violations).toEqual([]);
        expect(columns).toEqual(cols);
      }),
      runs,
    );
  });

  it('[D2] a header without a required column, or with an unknown one, names it on line 1', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REQUIRED_IMPORT_COLUMNS), anyText, (dropped, extra) => {
        const header = IMPORT_COLUMNS.filter((c) => c !== dropped);
        const missing = mapImportHeader(header).violations;
        expect(missing.some((v) => v.line === 1 && v.field === 'header' && v.message.includes(`"${dropped}"`))).toBe(true);
        const known = new Set(IMPORT_COLUMNS.map((c) => c.replace(/_/g, '')));
        fc.pre(!known.has(extra.trim().toLowerCase().replace(/[\s_-]+/g, '').replace(/^\uFEFF/, '')));
        const unknown = mapImportHeader([...IMPORT_COLUMNS, extra]).violations;
        expect(unknown).toHaveLength(1);
        expect(unknown[0]).toMatchObject({ line: 1, field: 'header', rule: 'D2' });
      }),
      runs,
    );
  });

  const candidateFacts: ImportRowFacts = {
    candidate: { id: 'c1', candidateNumber: '0001', firstName: 'Ada', lastName: 'Lovelace', dateOfBirth: '2009-12-10', entered: true },
    emailOwnerCandidateId: null,
    earlierLineWithUci: null,
    earlierLineWithEmail: null,
  };
  const goodRow: ImportRow = { line: 2, candidateNumber: '0001', uci: 'GB000001234567A', forename: 'Ada', surname: 'Lovelace', dateOfBirth: '10/12/2009', email: 'ada@example.com', schoolYear: 'Year 11', problem: null };

  it('[D2] arbitrary cells never throw; every violation carries the row line, a field and rule D2 or D5', () => {
    const anyRow = fc.record({
      line: fc.integer({ min: 2, max: 1_000_000 }),
      candidateNumber: anyText,
      uci: anyText,
      forename: anyText,
      surname: anyText,
      dateOfBirth: anyText,
      email: anyText,
      schoolYear: anyText,
      problem: fc.option(anyText, { nil: null }),
    });
    const anyFacts = fc.record({
      candidate: fc.option(fc.constant(candidateFacts.candidate!), { nil: null }),
      emailOwnerCandidateId: fc.option(fc.constantFrom('c1', 'c2'), { nil: null }),
      earlierLineWithUci: fc.option(fc.integer({ min: 2, max: 100 }), { nil: null }),
      earlierLineWithEmail: fc.option(fc.integer({ min: 2, max: 100 }), { nil: null }),
    });
    fc.assert(
      fc.property(anyRow, anyFacts, (row, facts) => {
        const vs = checkImportRow(row, facts);
        for (const v of vs) {
          expect(v.line).toBe(row.line);
          expect(isViolation(v)).toBe(true);
          expect(['D2', 'D5']).toContain(v.rule);
        }
        if (row.problem) expect(vs).toEqual([expect.objectContaining({ field: 'row' })]);
        // A row with any required field blank is never accepted.
        if ([row.uci, row.forename, row.surname, row.dateOfBirth, row.email].includes('') && !row.problem) expect(vs.length).toBeGreaterThan(0);
      }),
      runs,
    );
  });

  it('[D2] a row identical to the exam entry passes; changing any one required field makes it fail on that field', () => {
    const fields = [['forename', 'forename'], ['surname', 'surname'], ['dateOfBirth', 'date_of_birth'], ['candidateNumber', 'candidate_number']] as const;
    expect(checkImportRow(goodRow, candidateFacts)).toEqual([]);
    fc.assert(
      fc.property(fc.constantFrom(...fields), anyText, ([key, field], value) => {
        const row = { ...goodRow, [key]: value.trim() };
        const same = key === 'dateOfBirth' ? parseDateOfBirth(value.trim()) === '2009-12-10' : key === 'candidateNumber' ? value.trim() === '' || value.trim() === '0001' : value.trim() === goodRow[key];
        fc.pre(value.trim() !== '' || key === 'candidateNumber');
        const vs = checkImportRow(row, candidateFacts);
        expect(vs.some((v) => v.field === field)).toBe(!same);
      }),
      runs,
    );
  });

  it('[D2] an imported cell that a spreadsheet would run as a formula is refused on its own field', () => {
    const keys = [['candidateNumber', 'candidate_number'], ['uci', 'uci'], ['forename', 'forename'], ['surname', 'surname'], ['dateOfBirth', 'date_of_birth'], ['email', 'email'], ['schoolYear', 'school_year']] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom('=', '+', '-', '@'), fc.string({ maxLength: 30 }), ([key, field], start, rest) => {
        const vs = checkImportRow({ ...goodRow, [key]: start + rest }, candidateFacts);
        expect(vs).toContainEqual(expect.objectContaining({ line: goodRow.line, field, rule: 'D2', message: expect.stringContaining('formula') }));
      }),
      runs,
    );
  });

  it('[D2] exported cells are neutralised: no formula start survives, neutralising twice changes nothing, nothing else changes', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.constantFrom('=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', '=HYPERLINK("http://x")')), (s) => {
        const out = neutraliseCsvCell(s);
        expect(out).not.toMatch(/^[=+\-@\t\r]/);
        expect(neutraliseCsvCell(out)).toBe(out);
        expect(out === s || out === `'${s}`).toBe(true);
        if (!/^[=+\-@\t\r]/.test(s)) expect(out).toBe(s);
      }),
      runs,
    );
  });
});
