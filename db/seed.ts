// The demo data set: two series, fees, holidays, qualifications and syllabuses, one associate with three centres,
// 360 candidates with entries and component results, and demo users. Idempotent: every id is derived from a
// business key, every insert is `on conflict do nothing`, and the "random" data come from a fixed-seed generator,
// so running it twice leaves the database as running it once.
//
// Today in the demo is 2026-11-22: JUN2026 is closed (its enquiry deadline, 20 September 2026, has passed) and
// NOV2026's results are out (19 November 2026) with its enquiry deadline (26 February 2027) still ahead.
import { createHash } from 'node:crypto';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client';
import {
  associates,
  candidates,
  centres,
  componentResults,
  components,
  entries,
  fees,
  holidays,
  qualifications,
  series,
  syllabuses,
  users,
} from './schema';

/** The password of every demo user (hash it with argon2id and pass the hash as `passwordHash`). */
export const DEMO_PASSWORD = 'results-demo-2026';

export interface DemoSummary {
  centres: number;
  candidates: number;
  entries: number;
  users: Array<{ email: string; roles: string[]; centre?: string }>;
}

const CHUNK = 500;

// ---------------------------------------------------------------------------------------------------------------
// Deterministic helpers

/** A stable UUID (version 5 layout, SHA-1 of a business key in our own namespace). */
export function demoUuid(key: string): string {
  const h = createHash('sha1').update(`results-office-demo:${key}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A demo candidate's Secret Number for registering on the results portal (B1): eight digits from a hash, so the
 * generator's sequence (and so every other demo value) stays as it was. Demo data only: real ones come from the CSPRNG.
 */
export function demoSecretNumber(centreNumber: string, candidateNumber: string): string {
  return String(createHash('sha256').update(`results-office-demo:secret:${centreNumber}:${candidateNumber}`).digest().readUInt32BE(0) % 100_000_000).padStart(8, '0');
}

/** mulberry32: a small deterministic generator; never Math.random, so the data set is the same on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reference data

const SERIES: Array<typeof series.$inferInsert> = [
  {
    id: 'JUN2026',
    name: 'June 2026',
    timeZone: 'Europe/London',
    releaseAt: new Date('2026-08-11T07:00:00Z'),
    credentialsOpenOn: '2026-03-23',
    enquiryDeadline: '2026-09-20',
    invoiceDate: '2026-10-01',
  },
  {
    id: 'NOV2026',
    name: 'November 2026',
    timeZone: 'Europe/London',
    // Results already out on the demo's "today" (2026-11-22), enquiry deadline still ahead.
    releaseAt: new Date('2026-11-19T06:00:00Z'),
    credentialsOpenOn: '2026-10-05',
    enquiryDeadline: '2027-02-26',
    invoiceDate: '2027-03-01',
  },
];

const FEE_LIST: Record<string, number> = {
  '1': 3500,
  '1S': 5000,
  '2': 6000,
  '2S': 7500,
  '5': 15000,
  '9': 20000,
  XQ: 0,
  amendment: 2500,
};

const HOLIDAYS: Array<typeof holidays.$inferInsert> = [
  { day: '2026-08-31', name: 'Summer bank holiday' },
  { day: '2026-12-25', name: 'Christmas Day' },
  { day: '2026-12-26', name: 'Boxing Day' },
  { day: '2027-01-01', name: "New Year's Day" },
];

const QUALIFICATIONS: Array<typeof qualifications.$inferInsert> = [
  { code: 'IGCSE', name: 'Cambridge IGCSE', publishedOnWebsite: true },
  { code: 'ASAL', name: 'Cambridge International AS & A Level', publishedOnWebsite: true },
  { code: 'ICE', name: 'Cambridge ICE', publishedOnWebsite: true },
  { code: 'YLE', name: 'Young Learners English', publishedOnWebsite: false },
];

type Kind = 'board' | 'centre' | 'mcq';
interface SyllabusDef {
  code: string;
  name: string;
  qualificationCode: string;
  artAndDesign?: boolean;
  groupAward?: boolean;
  components: Array<{ code: string; name: string; kind: Kind; maxMark: number }>;
}

const SYLLABUSES: SyllabusDef[] = [
  {
    code: '0580',
    name: 'Mathematics',
    qualificationCode: 'IGCSE',
    components: [
      { code: '12', name: 'Paper 1 (Core)', kind: 'board', maxMark: 56 },
      { code: '32', name: 'Paper 3 (Core)', kind: 'board', maxMark: 104 },
      { code: '42', name: 'Paper 4 (Extended)', kind: 'board', maxMark: 130 },
    ],
  },
  {
    code: '0610',
    name: 'Biology',
    qualificationCode: 'IGCSE',
    components: [
      { code: '12', name: 'Multiple Choice (Core)', kind: 'mcq', maxMark: 40 },
      { code: '32', name: 'Theory (Core)', kind: 'board', maxMark: 80 },
      { code: '52', name: 'Practical Test', kind: 'board', maxMark: 40 },
    ],
  },
  {
    code: '0400',
    name: 'Art and Design',
    qualificationCode: 'IGCSE',
    artAndDesign: true,
    components: [
      { code: '01', name: 'Coursework', kind: 'centre', maxMark: 100 },
      { code: '02', name: 'Externally Set Assignment', kind: 'board', maxMark: 100 },
    ],
  },
  {
    code: '0500',
    name: 'First Language English',
    qualificationCode: 'IGCSE',
    components: [
      { code: '12', name: 'Reading', kind: 'board', maxMark: 80 },
      { code: '04', name: 'Coursework Portfolio', kind: 'centre', maxMark: 80 },
    ],
  },
  {
    code: '9709',
    name: 'Mathematics',
    qualificationCode: 'ASAL',
    components: [
      { code: '12', name: 'Pure Mathematics 1', kind: 'board', maxMark: 75 },
      { code: '32', name: 'Pure Mathematics 3', kind: 'board', maxMark: 75 },
      { code: '42', name: 'Mechanics', kind: 'board', maxMark: 50 },
    ],
  },
  {
    code: 'ICE0',
    name: 'Cambridge ICE group award',
    qualificationCode: 'ICE',
    groupAward: true,
    components: [{ code: '01', name: 'Group award', kind: 'board', maxMark: 100 }],
  },
  {
    code: 'YL01',
    name: 'Young Learners Movers',
    qualificationCode: 'YLE',
    components: [{ code: '01', name: 'Movers test', kind: 'board', maxMark: 45 }],
  },
];

const ASSOCIATE = { id: 'ASSOC1', name: 'Lakeside Education Partners', email: 'associate@lakeside.example' };

const CENTRES: Array<typeof centres.$inferInsert & { domain: string }> = [
  {
    number: 'GB001',
    name: 'Riverside Academy',
    email: 'exams@riverside.example',
    timeZone: 'Europe/London',
    associateId: null,
    domain: 'riverside.example',
  },
  {
    number: 'SG002',
    name: 'Marina Bay International School',
    email: 'exams@marinabay.example',
    timeZone: 'Asia/Singapore',
    associateId: null,
    domain: 'marinabay.example',
  },
  {
    number: 'GB003',
    name: 'Hillview College',
    email: 'exams@hillview.example',
    timeZone: 'Europe/London',
    associateId: ASSOCIATE.id,
    domain: 'hillview.example',
  },
];

const FIRST_NAMES = [
  'Amelia', 'Oliver', 'Isla', 'Noah', 'Ava', 'Leo', 'Mia', 'Arjun', 'Chloe', 'Wei',
  'Sofia', 'Ethan', 'Priya', 'Lucas', 'Hannah', 'Kai', 'Zara', 'Daniel', 'Mei', 'Samuel',
  'Aisha', 'Jack', 'Nur', 'Thomas', 'Grace', 'Ryan', 'Lily', 'Haruto', 'Emily', 'Ibrahim',
];
const LAST_NAMES = [
  'Smith', 'Tan', 'Jones', 'Lim', 'Williams', 'Patel', 'Brown', 'Ng', 'Taylor', 'Wong',
  'Davies', 'Chen', 'Evans', 'Khan', 'Wilson', 'Lee', 'Thomas', 'Goh', 'Roberts', "O'Neill",
  'Walker', 'Singh', 'Wright', 'Koh', 'Hughes', 'Rahman', 'Green', 'Teo', 'Hall', 'Morgan',
];

const CANDIDATES_PER_CENTRE = 120;

// Which candidates (by index 0..119 within a centre) get the special cases: one of each per centre.
const X_GRADE_INDEXES = [10, 11]; // NOV2026 0610: component 32 has no mark -> grade X
const Q_GRADE_INDEX = 12; // NOV2026 0580: component 42 pending -> grade Q
const EXEMPT_INDEX = 20; // NOV2026 0500: exempt from coursework 04
const ASSESSED_INDEX = 21; // NOV2026 0580: component 32 mark is an assessed (calculated) mark
const PORTFOLIO_INDEX = 7; // portfolio of evidence (C10)
const ART_ENTRANTS = 30; // indexes 0..29 enter 0400 in NOV2026
const ASAL_FROM = 100; // indexes 100..119 entered 9709 in JUN2026
const ICE_ENTRANTS = 10; // indexes 0..9 enter the ICE group award in NOV2026
const YLE_FROM = 40; // indexes 40..44 entered Young Learners Movers in JUN2026
const YLE_COUNT = 5;
/** Most, not all, candidates take First Language English. */
const takesEnglish = (i: number) => i % 10 !== 9;
/** Moderation sample (C5): 5 of the 0400 coursework candidates and 5 of the 0500 portfolio candidates per centre. */
const inArtSample = (i: number) => i < ART_ENTRANTS && i % 6 === 0;
const inEnglishSample = (i: number) => takesEnglish(i) && i !== EXEMPT_INDEX && i % 24 === 2;

function igcseGrade(fraction: number): string {
  const bands: Array<[number, string]> = [
    [0.85, 'A*'],
    [0.75, 'A'],
    [0.65, 'B'],
    [0.55, 'C'],
    [0.45, 'D'],
    [0.35, 'E'],
    [0.25, 'F'],
    [0.15, 'G'],
  ];
  for (const [min, grade] of bands) if (fraction >= min) return grade;
  return 'U';
}

function asalGrade(fraction: number): string {
  const bands: Array<[number, string]> = [
    [0.85, 'A*'],
    [0.75, 'A'],
    [0.65, 'B'],
    [0.55, 'C'],
    [0.45, 'D'],
    [0.35, 'E'],
  ];
  for (const [min, grade] of bands) if (fraction >= min) return grade;
  return 'U';
}

/** Young Learners results are shields (1 to 5), not letter grades. */
function shields(fraction: number): string {
  const n = Math.max(1, Math.min(5, Math.round(fraction * 5)));
  return n === 1 ? '1 shield' : `${n} shields`;
}

function groupAwardGrade(fraction: number): string {
  if (fraction >= 0.75) return 'Distinction';
  if (fraction >= 0.6) return 'Merit';
  if (fraction >= 0.4) return 'Pass';
  return 'U';
}

/** A 13-character UCI: centre (5), 'N', series year (2), candidate number (4), a check letter. */
function makeUci(centre: string, candidateNumber: string): string {
  const body = `${centre}N26${candidateNumber}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += body.charCodeAt(i) * (i + 1);
  return `${body}${String.fromCharCode(65 + (sum % 26))}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------------------------
// The data set, built in memory first (pure), then written

interface DemoData {
  candidates: Array<typeof candidates.$inferInsert>;
  entries: Array<typeof entries.$inferInsert>;
  componentResults: Array<typeof componentResults.$inferInsert>;
  users: Array<typeof users.$inferInsert>;
}

function buildDemo(passwordHash: string): DemoData {
  const rand = generator(20261122);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const syllabusByCode = new Map(SYLLABUSES.map((s) => [s.code, s]));

  const out: DemoData = { candidates: [], entries: [], componentResults: [], users: [] };

  for (const centre of CENTRES) {
    for (let i = 0; i < CANDIDATES_PER_CENTRE; i++) {
      // GB001's last candidate is number 0713, so that "0713" and "713" can be shown finding the same person (C23).
      const n = centre.number === 'GB001' && i === CANDIDATES_PER_CENTRE - 1 ? 713 : i + 1;
      const candidateNumber = String(n).padStart(4, '0');
      const candidateId = demoUuid(`candidate:${centre.number}:${candidateNumber}`);
      const firstName = pick(FIRST_NAMES);
      const lastName = pick(LAST_NAMES);
      const dob = `${between(2008, 2010)}-${pad2(between(1, 12))}-${pad2(between(1, 28))}`;
      const hasEmail = rand() < 0.6;
      const localPart = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
      out.candidates.push({
        id: candidateId,
        centreNumber: centre.number,
        candidateNumber,
        numberValue: parseInt(candidateNumber, 10),
        uci: makeUci(centre.number, candidateNumber),
        firstName,
        lastName,
        dateOfBirth: dob,
        portfolioOfEvidence: i === PORTFOLIO_INDEX,
        secretNumber: demoSecretNumber(centre.number, candidateNumber),
        email: hasEmail ? `${localPart}.${centre.number.toLowerCase()}${candidateNumber}@students.${centre.domain}` : null,
      });

      // How able this candidate is: centres the marks so that grades spread over A*..G.
      const ability = Math.min(0.97, Math.max(0.12, 0.62 + (rand() + rand() + rand() - 1.5) * 0.4));

      const enter = (syllabusCode: string, seriesId: string) => {
        const syllabus = syllabusByCode.get(syllabusCode)!;
        const entryId = demoUuid(`entry:${centre.number}:${candidateNumber}:${syllabusCode}:${seriesId}`);
        let got = 0;
        let max = 0;
        let missing = false;
        let pending = false;
        for (const c of syllabus.components) {
          const noise = (rand() - 0.5) * 0.25;
          const mark = Math.max(0, Math.min(c.maxMark, Math.round(c.maxMark * (ability + noise))));
          const result: typeof componentResults.$inferInsert = {
            entryId,
            componentCode: c.code,
            mark,
            markSource: c.kind === 'centre' ? 'moderation' : 'exam',
            exempt: false,
            inModerationSample: false,
          };
          if (seriesId === 'NOV2026') {
            if (syllabusCode === '0610' && c.code === '32' && X_GRADE_INDEXES.includes(i)) {
              result.mark = null; // NO RESULT: a missing mark (C7)
              result.markSource = null;
              missing = true;
            }
            if (syllabusCode === '0580' && c.code === '42' && i === Q_GRADE_INDEX) {
              result.mark = null; // PENDING (C7)
              result.markSource = null;
              pending = true;
            }
            if (syllabusCode === '0500' && c.code === '04' && i === EXEMPT_INDEX) {
              result.mark = null; // exempted (C9)
              result.markSource = null;
              result.exempt = true;
            }
            if (syllabusCode === '0580' && c.code === '32' && i === ASSESSED_INDEX) {
              result.markSource = 'assessed'; // a calculated mark (C13)
            }
            if (c.kind === 'centre') {
              result.inModerationSample =
                (syllabusCode === '0400' && inArtSample(i)) || (syllabusCode === '0500' && inEnglishSample(i));
            }
          }
          if (result.mark !== null && result.mark !== undefined) {
            got += result.mark;
            max += c.maxMark;
          }
          out.componentResults.push(result);
        }
        const fraction = max > 0 ? got / max : 0;
        let grade: string;
        if (missing) grade = 'X';
        else if (pending) grade = 'Q';
        else if (syllabus.groupAward) grade = groupAwardGrade(fraction);
        else if (syllabus.qualificationCode === 'ASAL') grade = asalGrade(fraction);
        else if (syllabus.qualificationCode === 'YLE') grade = shields(fraction);
        else grade = igcseGrade(fraction);
        out.entries.push({ id: entryId, candidateId, syllabusCode, seriesId, grade });
      };

      enter('0580', 'NOV2026');
      enter('0610', 'NOV2026');
      if (takesEnglish(i) || i === EXEMPT_INDEX) enter('0500', 'NOV2026');
      if (i < ART_ENTRANTS) enter('0400', 'NOV2026');
      if (i < ICE_ENTRANTS) enter('ICE0', 'NOV2026');
      if (i >= ASAL_FROM) enter('9709', 'JUN2026');
      if (i >= YLE_FROM && i < YLE_FROM + YLE_COUNT) enter('YL01', 'JUN2026');
    }
  }

  const user = (email: string, name: string, roles: string[], centreNumber: string | null, associateId: string | null) =>
    out.users.push({ id: demoUuid(`user:${email}`), email, name, passwordHash, roles, centreNumber, associateId });

  const officerNames: Record<string, string> = {
    GB001: 'Rachel Exams (Riverside)',
    SG002: 'Daniel Tan (Marina Bay)',
    GB003: 'Helen Hughes (Hillview)',
  };
  for (const centre of CENTRES) {
    user(`officer@${centre.domain}`, officerNames[centre.number], ['exams_officer'], centre.number, null);
  }
  user('manager@riverside.example', 'Mark Manager (Riverside)', ['exams_manager'], 'GB001', null);
  user('assistant@riverside.example', 'Asha Assistant (Riverside)', ['exams_assistant'], 'GB001', null);
  user('head@riverside.example', 'Dr Helen Head (Riverside)', ['head_of_centre'], 'GB001', null);
  user('teacher@riverside.example', 'Tom Teacher (Riverside)', ['teacher'], 'GB001', null);
  user('staff@lakeside.example', 'Sam Staff (Lakeside)', ['associate_staff'], null, ASSOCIATE.id);
  user('board@examboard.example', 'Beth Board (Exam board)', ['board_staff'], null, null);

  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function insertAll<T extends PgTable>(tx: Tx, table: T, rows: Array<T['$inferInsert']>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await tx
      .insert(table)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoNothing();
  }
}

/**
 * Writes the demo data set (idempotent; one transaction) and says what it holds. Every user gets `passwordHash`
 * (the argon2id hash of DEMO_PASSWORD, made by the caller so that this module needs no hashing library).
 */
export async function seedDemo(db: Db, opts: { passwordHash: string }): Promise<DemoSummary> {
  const data = buildDemo(opts.passwordHash);

  await db.transaction(async (tx) => {
    await insertAll(tx, series, SERIES);
    await insertAll(
      tx,
      fees,
      SERIES.flatMap((s) => Object.entries(FEE_LIST).map(([item, amountPence]) => ({ seriesId: s.id, item, amountPence }))),
    );
    await insertAll(tx, holidays, HOLIDAYS);
    await insertAll(tx, qualifications, QUALIFICATIONS);
    await insertAll(
      tx,
      syllabuses,
      SYLLABUSES.map((s) => ({
        code: s.code,
        name: s.name,
        qualificationCode: s.qualificationCode,
        artAndDesign: s.artAndDesign ?? false,
        groupAward: s.groupAward ?? false,
      })),
    );
    await insertAll(
      tx,
      components,
      SYLLABUSES.flatMap((s) => s.components.map((c) => ({ syllabusCode: s.code, ...c }))),
    );
    await insertAll(tx, associates, [ASSOCIATE]);
    await insertAll(
      tx,
      centres,
      CENTRES.map(({ domain: _domain, ...c }) => c),
    );
    await insertAll(tx, candidates, data.candidates);
    await insertAll(tx, entries, data.entries);
    await insertAll(tx, componentResults, data.componentResults);
    await insertAll(tx, users, data.users);
  });

  return {
    centres: CENTRES.length,
    candidates: data.candidates.length,
    entries: data.entries.length,
    users: data.users.map((u) => ({
      email: u.email,
      roles: [...u.roles],
      ...(u.centreNumber ? { centre: u.centreNumber } : {}),
    })),
  };
}
