import fc from 'fast-check';
import {
  candidatesWithOpenEnquiries,
  checkEnquiryDraft,
  normaliseCandidateNumber,
  requiredDocuments,
  type CandidateFacts,
  type EnquiryFacts,
  type ExistingEnquiry,
} from '../../domain/enquiryRules';
import {
  ENQUIRY_STATUSES,
  SERVICES,
  type Component,
  type ComponentResult,
  type EnquiryDraft,
  type EnquiryStatus,
  type RuleViolation,
  type Service,
  type Syllabus,
} from '../../domain/model';

// --- Fixtures ----------------------------------------------------------------------------------------------------

const BIOLOGY: Syllabus = { code: '0610', name: 'Biology', qualificationCode: 'IGCSE', artAndDesign: false, groupAward: false };
const ART: Syllabus = { code: '0400', name: 'Art and Design', qualificationCode: 'IGCSE', artAndDesign: true, groupAward: false };
const ICE: Syllabus = { code: '5000', name: 'Cambridge ICE', qualificationCode: 'ICE', artAndDesign: false, groupAward: true };

const comp = (syllabusCode: string, code: string, kind: Component['kind'], name = `Paper ${code}`): Component => ({
  syllabusCode,
  code,
  name,
  kind,
  maxMark: 80,
});

const BIOLOGY_COMPONENTS: Component[] = [
  comp('0610', '11', 'mcq', 'Multiple Choice'),
  comp('0610', '41', 'board', 'Theory'),
  comp('0610', '61', 'board', 'Alternative to Practical'),
  comp('0610', '51', 'centre', 'Coursework'),
];
const ART_COMPONENTS: Component[] = [comp('0400', '01', 'centre', 'Coursework'), comp('0400', '02', 'board', 'Externally Set Assignment')];

/** A result as the board normally holds it: an exam mark for board papers, a moderated mark for coursework. */
const resultFor = (c: Component, over: Partial<ComponentResult> = {}): ComponentResult => ({
  componentCode: c.code,
  mark: 40,
  markSource: c.kind === 'centre' ? 'moderation' : 'exam',
  exempt: false,
  inModerationSample: c.kind === 'centre',
  ...over,
});

interface CandidateOptions {
  id?: string;
  entered?: boolean;
  grade?: string | null;
  portfolioOfEvidence?: boolean;
  components?: Component[];
  /** Per component code: changes to the default result, or null for no result at all. */
  results?: Record<string, Partial<ComponentResult> | null>;
}

const candidate = (candidateNumber: string, o: CandidateOptions = {}): CandidateFacts => {
  const components = o.components ?? BIOLOGY_COMPONENTS;
  const results: ComponentResult[] = [];
  for (const c of components) {
    const over = o.results?.[c.code];
    if (over === null) continue;
    results.push(resultFor(c, over ?? {}));
  }
  return {
    candidate: {
      id: o.id ?? `cand-${candidateNumber}`,
      centreNumber: 'GB001',
      candidateNumber,
      uci: `GB001${candidateNumber}A`,
      firstName: 'Ana',
      lastName: `Silva${candidateNumber}`,
      dateOfBirth: '2008-04-01',
      portfolioOfEvidence: o.portfolioOfEvidence ?? false,
    },
    entered: o.entered ?? true,
    grade: o.grade === undefined ? 'B' : o.grade,
    results,
  };
};

const facts = (over: Partial<EnquiryFacts> = {}): EnquiryFacts => ({
  syllabus: BIOLOGY,
  components: BIOLOGY_COMPONENTS,
  candidates: [candidate('0713')],
  unknownCandidateNumbers: [],
  existing: [],
  ...over,
});

const draft = (over: Partial<EnquiryDraft> = {}): EnquiryDraft => ({
  service: '2',
  syllabusCode: '0610',
  componentCodes: ['41'],
  candidateNumbers: ['0713'],
  note: 'Ana Silva',
  ...over,
});

const existing = (over: Partial<ExistingEnquiry> = {}): ExistingEnquiry => ({
  enquiryId: 'enq-1',
  candidateId: 'cand-0713',
  service: '1',
  componentCodes: ['41'],
  status: 'Received',
  enquiryNumber: 123456,
  ...over,
});

/** n candidates numbered 1001, 1002, ... */
const group = (n: number, o: CandidateOptions = {}): CandidateFacts[] =>
  Array.from({ length: n }, (_, i) => candidate(String(1001 + i), o));
const numbers = (cs: CandidateFacts[]): string[] => cs.map((c) => c.candidate.candidateNumber);

const rulesOf = (vs: RuleViolation[]) => vs.map((v) => [v.rule, v.field]);
/** Asserts exactly one violation and returns it. */
const only = (vs: RuleViolation[]): RuleViolation => {
  expect(vs).toHaveLength(1);
  return vs[0];
};

// --- Valid drafts ----------------------------------------------------------------------------------------------

describe('valid drafts', () => {
  const cases: Array<[Service, EnquiryDraft, EnquiryFacts]> = [
    ['1', draft({ service: '1', componentCodes: ['11', '41'] }), facts()],
    ['1S', draft({ service: '1S', componentCodes: ['11', '41', '61'] }), facts()],
    ['2', draft({ service: '2', componentCodes: ['41', '61'] }), facts()],
    ['2S', draft({ service: '2S', componentCodes: ['41'] }), facts()],
    ['5', draft({ service: '5', componentCodes: ['51'], candidateNumbers: [] }), facts({ candidates: group(12) })],
    ['9', draft({ service: '9', componentCodes: ['41'], candidateNumbers: numbers(group(5)) }), facts({ candidates: group(5) })],
    ['XQ', draft({ service: 'XQ', componentCodes: [] }), facts({ candidates: [candidate('0713', { grade: 'X' })] })],
  ];
  it.each(cases)('[C23] a valid Service %s draft has no violations', (_service, d, f) => {
    expect(checkEnquiryDraft(d, f)).toEqual([]);
  });

  it('[C23] reports every violation, not just the first', () => {
    const vs = checkEnquiryDraft(
      draft({ service: '2', componentCodes: ['11', '99'], candidateNumbers: ['0713', '4444'], note: 'x'.repeat(201) }),
      facts({ unknownCandidateNumbers: ['4444'] }),
    );
    expect(rulesOf(vs)).toEqual(
      expect.arrayContaining([
        ['C23', 'note'],
        ['C11', 'componentCodes'],
        ['C3', 'componentCodes'],
        ['C23', 'candidateNumbers'],
      ]),
    );
  });
});

// --- Syllabus ------------------------------------------------------------------------------------------------------

describe('syllabus', () => {
  it('[C23] refuses an unknown syllabus code', () => {
    const v = only(checkEnquiryDraft(draft({ syllabusCode: '9999' }), facts({ syllabus: null, components: [] })));
    expect([v.rule, v.field]).toEqual(['C23', 'syllabusCode']);
    expect(v.message).toContain('9999');
  });

  it('[C8] refuses a group award syllabus and says to ask by email', () => {
    const v = only(
      checkEnquiryDraft(draft({ syllabusCode: '5000', componentCodes: [] }), facts({ syllabus: ICE, components: [] })),
    );
    expect([v.rule, v.field]).toEqual(['C8', 'syllabusCode']);
    expect(v.message).toMatch(/email/i);
    expect(v.message).toContain('5000');
  });
});

// --- Components ----------------------------------------------------------------------------------------------------

describe('components', () => {
  it('[C11] refuses an enquiry with no component', () => {
    const v = only(checkEnquiryDraft(draft({ componentCodes: [] }), facts()));
    expect([v.rule, v.field]).toEqual(['C11', 'componentCodes']);
  });

  it('[C11] a NO RESULT / PENDING enquiry may name no component', () => {
    expect(checkEnquiryDraft(draft({ service: 'XQ', componentCodes: [] }), facts({ candidates: [candidate('0713', { grade: 'Q' })] }))).toEqual([]);
  });

  it('[C11] refuses a component code that is not a component of the syllabus', () => {
    const v = only(checkEnquiryDraft(draft({ componentCodes: ['41', '99'] }), facts()));
    expect([v.rule, v.field]).toEqual(['C11', 'componentCodes']);
    expect(v.message).toContain('99');
    expect(v.message).toContain('0610');
  });

  it('[C11] refuses a component of another syllabus even for a NO RESULT enquiry', () => {
    const v = only(checkEnquiryDraft(draft({ service: 'XQ', componentCodes: ['02'] }), facts({ candidates: [candidate('0713', { grade: 'X' })] })));
    expect([v.rule, v.field]).toEqual(['C11', 'componentCodes']);
  });
});

// --- Services and component kinds ---------------------------------------------------------------------------

describe('service availability', () => {
  it('[C1] Service 1 is available for a multiple-choice component the board assessed', () => {
    expect(checkEnquiryDraft(draft({ service: '1', componentCodes: ['11'] }), facts())).toEqual([]);
  });

  it('[C1] Service 1 refuses a centre-assessed component', () => {
    const v = only(checkEnquiryDraft(draft({ service: '1', componentCodes: ['51'] }), facts()));
    expect([v.rule, v.field]).toEqual(['C1', 'componentCodes']);
    expect(v.message).toContain('51');
  });

  it('[C2] Service 1S refuses an Art & Design syllabus', () => {
    const v = only(
      checkEnquiryDraft(
        draft({ service: '1S', syllabusCode: '0400', componentCodes: ['02'] }),
        facts({ syllabus: ART, components: ART_COMPONENTS, candidates: [candidate('0713', { components: ART_COMPONENTS })] }),
      ),
    );
    expect([v.rule, v.field]).toEqual(['C2', 'service']);
    expect(v.message).toContain('Art & Design');
  });

  it('[C2] Service 1 (without copy of script) is available for an Art & Design syllabus', () => {
    expect(
      checkEnquiryDraft(
        draft({ service: '1', syllabusCode: '0400', componentCodes: ['02'] }),
        facts({ syllabus: ART, components: ART_COMPONENTS, candidates: [candidate('0713', { components: ART_COMPONENTS })] }),
      ),
    ).toEqual([]);
  });

  it('[C2] Service 1S refuses a centre-assessed component and accepts multiple choice', () => {
    const v = only(checkEnquiryDraft(draft({ service: '1S', componentCodes: ['11', '51'] }), facts()));
    expect([v.rule, v.field]).toEqual(['C2', 'componentCodes']);
    expect(v.message).toContain('51');
  });

  it('[C3] Service 2 refuses a multiple-choice component', () => {
    const v = only(checkEnquiryDraft(draft({ service: '2', componentCodes: ['11'] }), facts()));
    expect([v.rule, v.field]).toEqual(['C3', 'componentCodes']);
    expect(v.message).toMatch(/multiple-choice/);
    expect(v.message).toContain('11');
  });

  it('[C3] Service 2 refuses a centre-assessed component', () => {
    const v = only(checkEnquiryDraft(draft({ service: '2', componentCodes: ['51'] }), facts()));
    expect([v.rule, v.field]).toEqual(['C3', 'componentCodes']);
  });

  it('[C4] Service 2S refuses a multiple-choice component', () => {
    const v = only(checkEnquiryDraft(draft({ service: '2S', componentCodes: ['11'] }), facts()));
    expect([v.rule, v.field]).toEqual(['C4', 'componentCodes']);
  });

  it('[C4] Service 2S refuses an Art & Design syllabus', () => {
    const v = only(
      checkEnquiryDraft(
        draft({ service: '2S', syllabusCode: '0400', componentCodes: ['02'] }),
        facts({ syllabus: ART, components: ART_COMPONENTS, candidates: [candidate('0713', { components: ART_COMPONENTS })] }),
      ),
    );
    expect([v.rule, v.field]).toEqual(['C4', 'service']);
  });

  it('[C5] Service 5 refuses a component the board assessed', () => {
    const vs = checkEnquiryDraft(draft({ service: '5', componentCodes: ['41', '11'], candidateNumbers: [] }), facts({ candidates: group(8) }));
    expect(rulesOf(vs)).toEqual([
      ['C5', 'componentCodes'],
      ['C5', 'componentCodes'],
    ]);
    expect(vs[0].message).toContain('41');
    expect(vs[1].message).toContain('11');
  });

  it('[C5] Service 5 refuses individual candidates: it is for the whole group', () => {
    const v = only(checkEnquiryDraft(draft({ service: '5', componentCodes: ['51'], candidateNumbers: ['1001'] }), facts({ candidates: group(8) })));
    expect([v.rule, v.field]).toEqual(['C5', 'candidateNumbers']);
    expect(v.message).toMatch(/whole group/);
  });

  it('[C5] Service 5 is refused when no candidate of the centre is entered for the syllabus', () => {
    const v = only(checkEnquiryDraft(draft({ service: '5', componentCodes: ['51'], candidateNumbers: [] }), facts({ candidates: [] })));
    expect([v.rule, v.field]).toEqual(['C5', 'candidateNumbers']);
  });

  it('[C5] Service 5 ignores exemptions and marks of candidates outside the original moderation sample', () => {
    const cs = [
      ...group(3),
      candidate('2001', { results: { '51': { exempt: true, inModerationSample: false, mark: null, markSource: null } } }),
      candidate('2002', { results: { '51': { inModerationSample: false, markSource: 'assessed' } } }),
    ];
    expect(checkEnquiryDraft(draft({ service: '5', componentCodes: ['51'], candidateNumbers: [] }), facts({ candidates: cs }))).toEqual([]);
  });

  it('[C6] Service 9 refuses a multiple-choice component', () => {
    const cs = group(6);
    const v = only(checkEnquiryDraft(draft({ service: '9', componentCodes: ['11'], candidateNumbers: numbers(cs) }), facts({ candidates: cs })));
    expect([v.rule, v.field]).toEqual(['C6', 'componentCodes']);
  });

  it('[C6] Service 9 refuses a centre-assessed component', () => {
    const cs = group(6);
    const v = only(checkEnquiryDraft(draft({ service: '9', componentCodes: ['51'], candidateNumbers: numbers(cs) }), facts({ candidates: cs })));
    expect([v.rule, v.field]).toEqual(['C6', 'componentCodes']);
  });

  it('[C6] Service 9 refuses fewer than 5 candidates', () => {
    const cs = group(4);
    const v = only(checkEnquiryDraft(draft({ service: '9', candidateNumbers: numbers(cs) }), facts({ candidates: cs })));
    expect([v.rule, v.field]).toEqual(['C6', 'candidateNumbers']);
    expect(v.message).toContain('4 candidates');
  });

  it('[C6] Service 9 refuses more than 15 candidates', () => {
    const cs = group(16);
    const v = only(checkEnquiryDraft(draft({ service: '9', candidateNumbers: numbers(cs) }), facts({ candidates: cs })));
    expect([v.rule, v.field]).toEqual(['C6', 'candidateNumbers']);
  });

  it('[C6] Service 9 accepts exactly 15 candidates', () => {
    const cs = group(15);
    expect(checkEnquiryDraft(draft({ service: '9', candidateNumbers: numbers(cs) }), facts({ candidates: cs }))).toEqual([]);
  });

  it('[C6] Service 9 counts "0713" and "713" as one candidate', () => {
    const cs = [candidate('0713'), ...group(3)];
    const v = only(
      checkEnquiryDraft(draft({ service: '9', candidateNumbers: ['0713', '713', ...numbers(group(3))] }), facts({ candidates: cs })),
    );
    expect([v.rule, v.field]).toEqual(['C6', 'candidateNumbers']);
  });

  it('[C6] an open enquiry of a group candidate is a warning, not a refusal', () => {
    const cs = group(5);
    const f = facts({ candidates: cs, existing: [existing({ candidateId: 'cand-1003', status: 'Acknowledged' })] });
    expect(checkEnquiryDraft(draft({ service: '9', candidateNumbers: numbers(cs) }), f)).toEqual([]);
    expect(candidatesWithOpenEnquiries(f)).toEqual([{ candidateNumber: '1003', enquiryIds: ['enq-1'] }]);
  });

  it('[C23] refuses a service that does not exist', () => {
    const v = only(checkEnquiryDraft(draft({ service: '3' as Service }), facts()));
    expect([v.rule, v.field]).toEqual(['C23', 'service']);
  });
});

// --- Candidates ------------------------------------------------------------------------------------------------

describe('candidates', () => {
  it('[C23] refuses a candidate number that matches no candidate of the centre', () => {
    const v = only(checkEnquiryDraft(draft({ candidateNumbers: ['0713', '4444'] }), facts({ unknownCandidateNumbers: ['4444'] })));
    expect([v.rule, v.field]).toEqual(['C23', 'candidateNumbers']);
    expect(v.message).toContain('4444');
  });

  it('[C23] refuses a requested number the facts do not account for', () => {
    const v = only(checkEnquiryDraft(draft({ candidateNumbers: ['0713', '5555'] }), facts()));
    expect([v.rule, v.field]).toEqual(['C23', 'candidateNumbers']);
    expect(v.message).toContain('5555');
  });

  it('[C23] refuses something that is not a candidate number', () => {
    const v = only(checkEnquiryDraft(draft({ candidateNumbers: ['0713', 'abc'] }), facts()));
    expect([v.rule, v.field]).toEqual(['C23', 'candidateNumbers']);
    expect(v.message).toContain('abc');
  });

  it('[C23] "713" finds candidate 0713', () => {
    expect(checkEnquiryDraft(draft({ candidateNumbers: ['713'] }), facts())).toEqual([]);
  });

  it('[C23] refuses a candidate not entered for the syllabus in the series', () => {
    const v = only(checkEnquiryDraft(draft(), facts({ candidates: [candidate('0713', { entered: false, results: { '41': null } })] })));
    expect([v.rule, v.field]).toEqual(['C23', 'candidateNumbers']);
    expect(v.message).toContain('0713');
    expect(v.message).toContain('not entered');
  });

  it('[C23] refuses an individual enquiry with no candidate', () => {
    const v = only(checkEnquiryDraft(draft({ candidateNumbers: [] }), facts({ candidates: [] })));
    expect([v.rule, v.field]).toEqual(['C23', 'candidateNumbers']);
  });

  it('[C9] refuses a component the candidate was exempted from', () => {
    const f = facts({ candidates: [candidate('0713', { results: { '61': { exempt: true, mark: null, markSource: null } } })] });
    const v = only(checkEnquiryDraft(draft({ componentCodes: ['41', '61'] }), f));
    expect([v.rule, v.field]).toEqual(['C9', 'componentCodes']);
    expect(v.message).toContain('0713');
    expect(v.message).toContain('61');
  });

  it('[C9] applies to NO RESULT / PENDING enquiries that name components', () => {
    const f = facts({ candidates: [candidate('0713', { grade: 'X', results: { '61': { exempt: true } } })] });
    const v = only(checkEnquiryDraft(draft({ service: 'XQ', componentCodes: ['61'] }), f));
    expect([v.rule, v.field]).toEqual(['C9', 'componentCodes']);
  });

  it('[C9] Service 5 refuses a component a sampled candidate was exempted from', () => {
    const cs = [...group(3), candidate('2001', { results: { '51': { exempt: true } } })];
    const v = only(checkEnquiryDraft(draft({ service: '5', componentCodes: ['51'], candidateNumbers: [] }), facts({ candidates: cs })));
    expect([v.rule, v.field]).toEqual(['C9', 'componentCodes']);
    expect(v.message).toContain('2001');
  });

  it('[C10] refuses a portfolio-of-evidence candidate in Service 9', () => {
    const cs = [...group(4), candidate('2001', { portfolioOfEvidence: true })];
    const v = only(checkEnquiryDraft(draft({ service: '9', candidateNumbers: numbers(cs) }), facts({ candidates: cs })));
    expect([v.rule, v.field]).toEqual(['C10', 'candidateNumbers']);
    expect(v.message).toContain('2001');
  });

  it('[C10] leaves a portfolio-of-evidence candidate out of a Service 5 group instead of refusing the whole group', () => {
    const cs = [...group(4), candidate('2001', { portfolioOfEvidence: true })];
    expect(checkEnquiryDraft(draft({ service: '5', componentCodes: ['51'], candidateNumbers: [] }), facts({ candidates: cs }))).toEqual([]);
  });

  it('[C10] a portfolio-of-evidence candidate may use the individual services', () => {
    const f = facts({ candidates: [candidate('0713', { portfolioOfEvidence: true })] });
    for (const service of ['1', '1S', '2', '2S'] as Service[]) {
      expect(checkEnquiryDraft(draft({ service }), f)).toEqual([]);
    }
  });

  it('[C13] refuses a component whose mark was calculated (assessed)', () => {
    const f = facts({ candidates: [candidate('0713', { results: { '41': { markSource: 'assessed' } } })] });
    const v = only(checkEnquiryDraft(draft(), f));
    expect([v.rule, v.field]).toEqual(['C13', 'componentCodes']);
    expect(v.message).toContain('assessed');
    expect(v.message).toContain('41');
  });

  it('[C13] refuses a component with no mark', () => {
    const v1 = only(checkEnquiryDraft(draft(), facts({ candidates: [candidate('0713', { results: { '41': null } })] })));
    expect([v1.rule, v1.field]).toEqual(['C13', 'componentCodes']);
    const v2 = only(checkEnquiryDraft(draft(), facts({ candidates: [candidate('0713', { results: { '41': { mark: null, markSource: null } } })] })));
    expect([v2.rule, v2.field]).toEqual(['C13', 'componentCodes']);
  });

  it('[C13] accepts a mark from moderation', () => {
    const f = facts({ candidates: [candidate('0713', { results: { '41': { markSource: 'moderation' } } })] });
    expect(checkEnquiryDraft(draft(), f)).toEqual([]);
  });

  it('[C13] is not applied to NO RESULT / PENDING enquiries', () => {
    const f = facts({ candidates: [candidate('0713', { grade: 'X', results: { '41': null, '61': { markSource: 'assessed' } } })] });
    expect(checkEnquiryDraft(draft({ service: 'XQ', componentCodes: ['41', '61'] }), f)).toEqual([]);
  });

  it('[C7] refuses a NO RESULT / PENDING enquiry for a candidate with a grade', () => {
    const v = only(checkEnquiryDraft(draft({ service: 'XQ', componentCodes: [] }), facts({ candidates: [candidate('0713', { grade: 'A' })] })));
    expect([v.rule, v.field]).toEqual(['C7', 'candidateNumbers']);
    expect(v.message).toContain('0713');
  });

  it('[C7] accepts X and Q grades and refuses a candidate with no grade', () => {
    for (const grade of ['X', 'Q', 'q']) {
      expect(checkEnquiryDraft(draft({ service: 'XQ', componentCodes: [] }), facts({ candidates: [candidate('0713', { grade })] }))).toEqual([]);
    }
    const v = only(checkEnquiryDraft(draft({ service: 'XQ', componentCodes: [] }), facts({ candidates: [candidate('0713', { grade: null })] })));
    expect([v.rule, v.field]).toEqual(['C7', 'candidateNumbers']);
  });
});

// --- Earlier enquiries (C12, C14) -------------------------------------------------------------------------------

describe('earlier re-check and review requests', () => {
  it('[C12] refuses a later component enquiry for the same candidate and syllabus', () => {
    const f = facts({ existing: [existing({ service: '2', componentCodes: ['41'] })] });
    const v = only(checkEnquiryDraft(draft({ service: '2', componentCodes: ['61'] }), f));
    expect([v.rule, v.field]).toEqual(['C12', 'componentCodes']);
    expect(v.message).toContain('0713');
    expect(v.message).toContain('123456');
  });

  it('[C14] refuses a second re-check or review for the same candidate and component', () => {
    const f = facts({ existing: [existing({ service: '2', componentCodes: ['41'] })] });
    const v = only(checkEnquiryDraft(draft({ service: '2', componentCodes: ['41'] }), f));
    expect([v.rule, v.field]).toEqual(['C14', 'candidateNumbers']);
    expect(v.message).toContain('0713');
  });

  it('[C14] refuses Service 2S after a Service 1S on the same component', () => {
    const f = facts({ existing: [existing({ service: '1S', componentCodes: ['41', '61'], status: 'Completed' })] });
    const v = only(checkEnquiryDraft(draft({ service: '2S', componentCodes: ['61'] }), f));
    expect([v.rule, v.field]).toEqual(['C14', 'candidateNumbers']);
  });

  it('[C14] an enquiry not yet numbered still counts once submitted', () => {
    const f = facts({ existing: [existing({ status: 'AwaitingApproval', enquiryNumber: null })] });
    expect(rulesOf(checkEnquiryDraft(draft({ service: '1' }), f))).toEqual([['C14', 'candidateNumbers']]);
  });

  it.each(['Saved', 'Cancelled', 'Rejected', 'Closed', 'Deleted'] as EnquiryStatus[])(
    '[C14] ignores an earlier enquiry whose status is %s',
    (status) => {
      const f = facts({ existing: [existing({ status }), existing({ enquiryId: 'enq-2', status, componentCodes: ['61'] })] });
      expect(checkEnquiryDraft(draft({ service: '2', componentCodes: ['41'] }), f)).toEqual([]);
    },
  );

  it('[C12] only counts earlier re-check or review services, not Service 9 or NO RESULT enquiries', () => {
    const f = facts({
      existing: [existing({ service: '9', componentCodes: ['41'] }), existing({ enquiryId: 'enq-2', service: 'XQ', componentCodes: [] })],
    });
    expect(checkEnquiryDraft(draft({ service: '2', componentCodes: ['41'] }), f)).toEqual([]);
  });

  it('[C14] does not stop a Service 9 or NO RESULT enquiry after a review', () => {
    const cs = group(5);
    const f = facts({ candidates: cs, existing: [existing({ candidateId: 'cand-1001', service: '2', componentCodes: ['41'] })] });
    expect(checkEnquiryDraft(draft({ service: '9', candidateNumbers: numbers(cs) }), f)).toEqual([]);
  });

  it("[C14] another candidate's review does not count", () => {
    const f = facts({ existing: [existing({ candidateId: 'cand-9999' })] });
    expect(checkEnquiryDraft(draft(), f)).toEqual([]);
  });
});

// --- Note --------------------------------------------------------------------------------------------------------

describe('note', () => {
  it('[C23] accepts a note of 200 characters and a blank note', () => {
    expect(checkEnquiryDraft(draft({ note: 'n'.repeat(200) }), facts())).toEqual([]);
    expect(checkEnquiryDraft(draft({ note: '' }), facts())).toEqual([]);
  });

  it('[C23] refuses a note longer than 200 characters', () => {
    const v = only(checkEnquiryDraft(draft({ note: 'n'.repeat(201) }), facts()));
    expect([v.rule, v.field]).toEqual(['C23', 'note']);
  });

  it('[C23] counts characters, not UTF-16 units, in the note', () => {
    expect(checkEnquiryDraft(draft({ note: '😀'.repeat(200) }), facts())).toEqual([]);
  });
});

// --- Candidate numbers ------------------------------------------------------------------------------------------

describe('normaliseCandidateNumber', () => {
  it('[C23] "0713" and "713" find the same candidate', () => {
    expect(normaliseCandidateNumber('0713')).toBe('713');
    expect(normaliseCandidateNumber('0713')).toBe(normaliseCandidateNumber('713'));
  });

  it('[C23] ignores surrounding spaces and keeps a lone zero', () => {
    expect(normaliseCandidateNumber('  0713 ')).toBe('713');
    expect(normaliseCandidateNumber('0000')).toBe('0');
    expect(normaliseCandidateNumber('0')).toBe('0');
    expect(normaliseCandidateNumber('123456')).toBe('123456');
    expect(normaliseCandidateNumber('000123456')).toBe('123456');
  });

  it('[C23] rejects what is not a candidate number', () => {
    for (const s of ['', '   ', 'abc', '07 13', '-713', '+713', '7.13', '1e3', '١٢٣', '1234567']) {
      expect(normaliseCandidateNumber(s)).toBeNull();
    }
  });

  it('[C23] is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\s*[0-9]{1,9}\s*$/)), (s) => {
        const n = normaliseCandidateNumber(s);
        if (n !== null) expect(normaliseCandidateNumber(n)).toBe(n);
      }),
    );
  });

  it('[C23] leading zeros never change the result (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^[0-9]{1,8}$/)),
        fc.integer({ min: 1, max: 12 }),
        (s, zeros) => {
          fc.pre(s.trim() !== '');
          expect(normaliseCandidateNumber('0'.repeat(zeros) + s.trim())).toBe(normaliseCandidateNumber(s));
        },
      ),
    );
  });
});

// --- Open enquiries ------------------------------------------------------------------------------------------------

describe('candidatesWithOpenEnquiries', () => {
  it('[C23] marks candidates with an open enquiry for the syllabus, sorted by candidate number', () => {
    const cs = [candidate('1200'), candidate('0713'), candidate('0800')];
    const f = facts({
      candidates: cs,
      existing: [
        existing({ enquiryId: 'a', candidateId: 'cand-1200', status: 'Submitted' }),
        existing({ enquiryId: 'b', candidateId: 'cand-0713', status: 'Pending' }),
        existing({ enquiryId: 'c', candidateId: 'cand-0713', status: 'AwaitingApproval' }),
        existing({ enquiryId: 'd', candidateId: 'cand-0800', status: 'Completed' }),
        existing({ enquiryId: 'e', candidateId: 'cand-0800', status: 'Saved' }),
      ],
    });
    expect(candidatesWithOpenEnquiries(f)).toEqual([
      { candidateNumber: '0713', enquiryIds: ['b', 'c'] },
      { candidateNumber: '1200', enquiryIds: ['a'] },
    ]);
  });

  it.each(ENQUIRY_STATUSES.map((s) => [s]))('[C6] status %s counts as open only while the enquiry is being worked', (status) => {
    const f = facts({ existing: [existing({ status })] });
    const open = ['AwaitingApproval', 'Pending', 'Submitted', 'Received', 'Acknowledged'].includes(status);
    expect(candidatesWithOpenEnquiries(f)).toEqual(open ? [{ candidateNumber: '0713', enquiryIds: ['enq-1'] }] : []);
  });
});

// --- Documents -------------------------------------------------------------------------------------------------

describe('requiredDocuments', () => {
  it('[C19] an outcome letter for re-checks, reviews and NO RESULT / PENDING enquiries', () => {
    expect(requiredDocuments('1')).toEqual(['Out']);
    expect(requiredDocuments('2')).toEqual(['Out']);
    expect(requiredDocuments('XQ')).toEqual(['Out']);
  });

  it('[C19] the copy of the script too for Services 1S and 2S', () => {
    expect(requiredDocuments('1S')).toEqual(['Out', 'CoS']);
    expect(requiredDocuments('2S')).toEqual(['Out', 'CoS']);
  });

  it('[C19] a report for Services 5 and 9; Service 9 reviews no marks so has no outcome letter', () => {
    expect(requiredDocuments('5')).toEqual(['Out', 'Rpt']);
    expect(requiredDocuments('9')).toEqual(['Rpt']);
  });
});

// --- Properties ------------------------------------------------------------------------------------------------

describe('checkEnquiryDraft (properties)', () => {
  const anyService = fc.oneof(fc.constantFrom(...SERVICES), fc.string({ maxLength: 3 })) as fc.Arbitrary<Service>;
  const anyCode = fc.oneof(fc.constantFrom('11', '41', '51', '61', '01', '02', '', ' 41 '), fc.string({ maxLength: 6 }));
  const anyNumber = fc.oneof(fc.constantFrom('0713', '713', '1001', '1002', '4444', ''), fc.string({ maxLength: 10 }));
  const anyDraft = fc.record({
    service: anyService,
    syllabusCode: fc.oneof(fc.constantFrom('0610', '0400', '5000'), fc.string({ maxLength: 6 })),
    componentCodes: fc.array(anyCode, { maxLength: 6 }),
    candidateNumbers: fc.array(anyNumber, { maxLength: 20 }),
    note: fc.string({ maxLength: 260 }),
    headOfCentreRequest: fc.option(fc.boolean(), { nil: undefined }),
  });
  const anyResult = fc.record({
    componentCode: anyCode,
    mark: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
    markSource: fc.constantFrom('exam', 'moderation', 'assessed', null),
    exempt: fc.boolean(),
    inModerationSample: fc.boolean(),
  }) as fc.Arbitrary<ComponentResult>;
  const anyCandidate = fc
    .record({
      number: fc.oneof(fc.constantFrom('0713', '1001', '1002'), fc.stringMatching(/^[0-9]{4}$/)),
      entered: fc.boolean(),
      grade: fc.constantFrom('A', 'B', 'X', 'Q', 'U', null),
      poe: fc.boolean(),
      results: fc.array(anyResult, { maxLength: 5 }),
    })
    .map(({ number, entered, grade, poe, results }) => {
      const c = candidate(number, { entered, grade, portfolioOfEvidence: poe });
      return { ...c, results };
    });
  const anyExisting = fc.record({
    enquiryId: fc.string({ maxLength: 4 }),
    candidateId: fc.constantFrom('cand-0713', 'cand-1001', 'cand-9999'),
    service: fc.constantFrom(...SERVICES),
    componentCodes: fc.array(anyCode, { maxLength: 3 }),
    status: fc.constantFrom(...ENQUIRY_STATUSES),
    enquiryNumber: fc.option(fc.integer({ min: 1, max: 999999 }), { nil: null }),
  }) as fc.Arbitrary<ExistingEnquiry>;
  const anyFacts = fc.record({
    syllabus: fc.constantFrom(BIOLOGY, ART, ICE, null),
    components: fc.constantFrom(BIOLOGY_COMPONENTS, ART_COMPONENTS, []),
    candidates: fc.array(anyCandidate, { maxLength: 18 }),
    unknownCandidateNumbers: fc.array(anyNumber, { maxLength: 3 }),
    existing: fc.array(anyExisting, { maxLength: 5 }),
  });
  const FIELDS = ['service', 'syllabusCode', 'componentCodes', 'candidateNumbers', 'note'];

  it('[C23] never throws for arbitrary drafts and always names a rule, a field and a message', () => {
    fc.assert(
      fc.property(anyDraft, anyFacts, (d, f) => {
        const vs = checkEnquiryDraft(d, f);
        for (const v of vs) {
          expect(v.rule).toMatch(/^C\d+$/);
          expect(FIELDS).toContain(v.field);
          expect(v.message.length).toBeGreaterThan(0);
        }
        expect(() => candidatesWithOpenEnquiries(f)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('[C23] never throws for drafts with values of the wrong type (untyped input)', () => {
    const junk = fc.record({
      service: fc.anything(),
      syllabusCode: fc.anything(),
      componentCodes: fc.oneof(fc.anything(), fc.array(fc.anything())),
      candidateNumbers: fc.oneof(fc.anything(), fc.array(fc.anything())),
      note: fc.anything(),
    }) as unknown as fc.Arbitrary<EnquiryDraft>;
    fc.assert(
      fc.property(junk, anyFacts, (d, f) => {
        expect(Array.isArray(checkEnquiryDraft(d, f))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('[C23] is deterministic: the same draft and facts give the same answer', () => {
    fc.assert(
      fc.property(anyDraft, anyFacts, (d, f) => {
        expect(checkEnquiryDraft(d, f)).toEqual(checkEnquiryDraft(d, f));
      }),
      { numRuns: 300 },
    );
  });
});
