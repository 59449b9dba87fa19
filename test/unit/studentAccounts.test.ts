// The pure rules of student accounts (domain/studentAccounts.ts): the transition table, codes, CSV cells, import
// rows and the analysis. No I/O.
import fc from 'fast-check';
import {
  allowedStaffActions,
  buildAnalysis,
  checkImportRow,
  checkPermissionChange,
  CODE_ALPHABET,
  codeFromBytes,
  decide,
  mapImportHeader,
  neutraliseCsvCell,
  normaliseCode,
  parseDateOfBirth,
  STUDENT_STATUSES,
  TRANSITIONS,
  type AccountSnapshot,
  type ImportRow,
  type ImportRowFacts,
  type StudentEvent,
} from '../../domain/studentAccounts';

const account = (over: Partial<AccountSnapshot> = {}): AccountSnapshot => ({
  status: 'NotActivated',
  failedActivations: 0,
  failedSignIns: 0,
  failedResets: 0,
  activationGeneration: 1,
  email: 'a@pupils.example',
  mockResults: true,
  highStakes: true,
  ...over,
});
const next = (a: AccountSnapshot, e: StudentEvent) => {
  const d = decide(a, e);
  if (!d.ok) throw new Error(d.violation.message);
  return d.next;
};

describe('transitions', () => {
  it('[D7] the third wrong date of birth puts the account in Failed Activation', () => {
    let a = account();
    a = next(a, { kind: 'wrong-date-of-birth' });
    a = next(a, { kind: 'wrong-date-of-birth' });
    expect(a.status).toBe('NotActivated');
    a = next(a, { kind: 'wrong-date-of-birth' });
    expect(a).toMatchObject({ status: 'FailedActivation', failedActivations: 3 });
    expect(decide(a, { kind: 'activated', email: null }).ok).toBe(false);
    const re = next(a, { kind: 'reactivated' });
    expect(re).toMatchObject({ status: 'NotActivated', failedActivations: 0, activationGeneration: 2 });
  });

  it('[D8] three wrong passwords in a row, not counting across a successful sign-in', () => {
    let a = account({ status: 'Active' });
    a = next(next(a, { kind: 'wrong-password' }), { kind: 'wrong-password' });
    a = next(a, { kind: 'signed-in' });
    expect(a.failedSignIns).toBe(0);
    for (let i = 0; i < 3; i++) a = next(a, { kind: 'wrong-password' });
    expect(a.status).toBe('ForgottenPassword');
    expect(decide(a, { kind: 'signed-in' }).ok).toBe(false);
    expect(decide(a, { kind: 'reactivated' }).ok).toBe(false); // staff cannot; only the reset
    expect(next(a, { kind: 'password-reset' })).toMatchObject({ status: 'Active', failedSignIns: 0 });
  });

  it('[D9] three wrong reset answers lock the account; only reactivation undoes it', () => {
    let a = account({ status: 'ForgottenPassword', failedSignIns: 3 });
    for (let i = 0; i < 3; i++) a = next(a, { kind: 'wrong-reset-answer' });
    expect(a.status).toBe('Locked');
    expect(decide(a, { kind: 'password-reset' }).ok).toBe(false);
    expect(next(a, { kind: 'reactivated' })).toMatchObject({ status: 'NotActivated', failedResets: 0, failedSignIns: 0, activationGeneration: 2 });
  });

  it('[D6] a new email is for accounts not yet activated, and makes older links stop', () => {
    expect(next(account(), { kind: 'email-changed', email: 'b@pupils.example' })).toMatchObject({ email: 'b@pupils.example', activationGeneration: 2 });
    expect(next(account({ status: 'FailedActivation', failedActivations: 3 }), { kind: 'email-changed', email: 'b@pupils.example' })).toMatchObject({ status: 'NotActivated', failedActivations: 0 });
    const refused = decide(account({ status: 'Active' }), { kind: 'email-changed', email: 'b@pupils.example' });
    expect(refused).toEqual({ ok: false, violation: expect.objectContaining({ rule: 'D6', field: 'status' }) });
    expect(decide(account(), { kind: 'email-changed', email: 'nope' })).toEqual({ ok: false, violation: expect.objectContaining({ field: 'email' }) });
  });

  it('[D4] every status has its staff actions from the one transition table', () => {
    expect(allowedStaffActions('NotActivated').map((a) => a.name)).toEqual(['change-email', 'permissions', 'view-analysis']);
    expect(allowedStaffActions('Active').map((a) => a.name)).toEqual(['permissions', 'view-analysis']);
    expect(allowedStaffActions('Locked').map((a) => a.name)).toEqual(['reactivate', 'permissions', 'view-analysis']);
    for (const t of Object.values(TRANSITIONS)) for (const s of t.from) expect(STUDENT_STATUSES).toContain(s);
  });

  it('no event leads out of the five statuses, and a refused event changes nothing', () => {
    const events: StudentEvent[] = [
      { kind: 'activated', email: null },
      { kind: 'wrong-date-of-birth' },
      { kind: 'signed-in' },
      { kind: 'wrong-password' },
      { kind: 'password-reset' },
      { kind: 'wrong-reset-answer' },
      { kind: 'reactivated' },
      { kind: 'email-changed', email: 'c@pupils.example' },
      { kind: 'permissions-changed', mockResults: false, highStakes: true },
    ];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: events.length - 1 }), { maxLength: 40 }), (steps) => {
        let a = account();
        for (const i of steps) {
          const d = decide(a, events[i]);
          if (d.ok) a = d.next;
          expect(STUDENT_STATUSES).toContain(a.status);
          expect(a.failedActivations).toBeLessThanOrEqual(3);
          expect(a.failedSignIns).toBeLessThanOrEqual(3);
          expect(a.failedResets).toBeLessThanOrEqual(3);
        }
      }),
    );
  });

  it('[D10] removing a permission needs the warning acknowledged; granting does not', () => {
    const on = { mockResults: true, highStakes: true };
    expect(checkPermissionChange(on, { mockResults: false, highStakes: true })).toEqual([expect.objectContaining({ rule: 'D10', field: 'confirmRemoval' })]);
    expect(checkPermissionChange(on, { mockResults: false, highStakes: true, confirmRemoval: true })).toEqual([]);
    expect(checkPermissionChange({ mockResults: false, highStakes: false }, { mockResults: true, highStakes: true })).toEqual([]);
  });
});

describe('codes and cells', () => {
  it('[D3] a code is 12 symbols of a 32-symbol alphabet (60 bits), read back whatever the case, spaces or hyphens', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        const code = codeFromBytes(bytes);
        expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}-[${CODE_ALPHABET}]{4}$`));
        expect(normaliseCode(` ${code.toLowerCase().replace(/-/g, ' ')} `)).toBe(code.replace(/-/g, ''));
      }),
    );
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    // Every one of the 60 bits shows in the code: flipping any changes it.
    for (let bit = 0; bit < 60; bit++) {
      const bytes = new Uint8Array(8);
      bytes[bit >> 3] = 0x80 >> (bit & 7);
      expect(codeFromBytes(bytes)).not.toBe(codeFromBytes(new Uint8Array(8)));
    }
    expect(normaliseCode('ABCD-EFGH-IJKL')).toBeNull(); // I is not in the alphabet
    expect(normaliseCode('short')).toBeNull();
  });

  it('[D3] a cell a spreadsheet would run as a formula starts with a quote', () => {
    expect(neutraliseCsvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(neutraliseCsvCell('+1')).toBe("'+1");
    expect(neutraliseCsvCell('-1')).toBe("'-1");
    expect(neutraliseCsvCell('@x')).toBe("'@x");
    expect(neutraliseCsvCell('\tx')).toBe("'\tx");
    expect(neutraliseCsvCell('Ada')).toBe('Ada');
    expect(neutraliseCsvCell(null)).toBe('');
  });

  it('dates of birth in the two written forms, and only real days', () => {
    expect(parseDateOfBirth('01/05/2009')).toBe('2009-05-01');
    expect(parseDateOfBirth(' 2009-05-01 ')).toBe('2009-05-01');
    expect(parseDateOfBirth('29/02/2008')).toBe('2008-02-29');
    expect(parseDateOfBirth('29/02/2009')).toBeNull();
    expect(parseDateOfBirth('2009-13-01')).toBeNull();
    expect(parseDateOfBirth('May 1st')).toBeNull();
  });
});

describe('import rows (D2, D5)', () => {
  const row = (over: Partial<ImportRow> = {}): ImportRow => ({
    line: 2,
    candidateNumber: '0001',
    uci: 'U1',
    forename: 'Ada',
    surname: 'Lovelace',
    dateOfBirth: '10/12/2009',
    email: 'ada@pupils.example',
    schoolYear: 'Year 11',
    problem: null,
    ...over,
  });
  const facts = (over: Partial<ImportRowFacts> = {}): ImportRowFacts => ({
    candidate: { id: 'c1', candidateNumber: '0001', firstName: 'Ada', lastName: 'Lovelace', dateOfBirth: '2009-12-10', entered: true },
    emailOwnerCandidateId: null,
    earlierLineWithUci: null,
    earlierLineWithEmail: null,
    ...over,
  });
  const fields = (r: ImportRow, f: ImportRowFacts) => checkImportRow(r, f).map((v) => `${v.field}:${v.rule}`);

  it('[D2] a row identical to the exam-entry data passes; its own email is no clash', () => {
    expect(checkImportRow(row(), facts({ emailOwnerCandidateId: 'c1' }))).toEqual([]);
  });

  it('[D2] the required fields must match exactly', () => {
    expect(fields(row({ forename: 'ada' }), facts())).toEqual(['forename:D2']);
    expect(fields(row({ surname: 'Byron' }), facts())).toEqual(['surname:D2']);
    expect(fields(row({ dateOfBirth: '11/12/2009' }), facts())).toEqual(['date_of_birth:D2']);
    expect(fields(row({ candidateNumber: '1' }), facts())).toEqual(['candidate_number:D2']);
    expect(fields(row({ candidateNumber: '' }), facts())).toEqual([]);
  });

  it('[D2] [D5] unknown students, missing entries, clashes and duplicates each say why', () => {
    expect(fields(row(), facts({ candidate: null }))).toEqual(['uci:D2']);
    expect(fields(row(), facts({ candidate: { ...facts().candidate!, entered: false } }))).toEqual(['uci:D2']);
    expect(fields(row(), facts({ emailOwnerCandidateId: 'c2' }))).toEqual(['email:D2']);
    expect(fields(row(), facts({ earlierLineWithUci: 2 }))).toEqual(['uci:D5']);
    expect(fields(row(), facts({ earlierLineWithEmail: 2 }))).toEqual(['email:D2']);
    expect(fields(row({ uci: '', forename: '', email: '' }), facts())).toEqual(['uci:D2', 'forename:D2', 'email:D2']);
    expect(fields(row({ problem: 'This line has 2 cells; the header has 7.' }), facts())).toEqual(['row:D2']);
  });

  it('[D2] headers compare without case, spaces or underscores; a missing required column is named', () => {
    expect(mapImportHeader(['UCI', 'Forename', 'Surname', 'Date of birth', 'E-mail', 'School year']).violations).toEqual([]);
    const missing = mapImportHeader(['uci', 'forename', 'surname', 'date_of_birth', 'phone']);
    expect(missing.violations.map((v) => v.message)).toEqual([expect.stringContaining('"phone"'), expect.stringContaining('"email" is missing')]);
  });
});

describe('analysis (D11)', () => {
  it('percentages per component and per syllabus, exempt components left out', () => {
    const base = { seriesId: 'S', seriesName: 'June', syllabusCode: 'M', syllabusName: 'Maths', grade: 'B' };
    const a = buildAnalysis([
      { ...base, componentCode: '1', componentName: 'P1', mark: 40, maxMark: 80, exempt: false },
      { ...base, componentCode: '2', componentName: 'P2', mark: 30, maxMark: 40, exempt: false },
      { ...base, componentCode: '3', componentName: 'P3', mark: null, maxMark: 100, exempt: true },
    ]);
    expect(a).toHaveLength(1);
    expect(a[0].syllabuses[0]).toMatchObject({ grade: 'B', percentage: 58.3 });
    expect(a[0].syllabuses[0].components.map((c) => c.percentage)).toEqual([50, 75, null]);
  });
});
