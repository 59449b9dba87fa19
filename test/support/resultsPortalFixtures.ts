import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../api/passwords';
import type { Db } from '../../db/client';
import { candidates, centres, componentResults, components, credentials, entries, qualifications, resultsAccess, series, syllabuses, users } from '../../db/schema';
import { PASSWORD } from './fixtures';

// Per-test data for what the results portals show (RULES.md B5-B10): a centre with a teacher and candidates entered
// in a series released long ago and in one released in 2099, a second centre with the same candidate numbers and one
// of the same names (a teacher never sees another centre's candidates), a qualification not published on the website
// (B7), and letter logins for a few candidates. This centre adds a 90-minute delay to the 2099 release (its
// results_access row, as the resultsAccess workflow writes it); the other centre has no row, so the board's release
// time applies to it.

export { PASSWORD };

export interface ResultsCandidate {
  id: string;
  candidateNumber: string;
  firstName: string;
  lastName: string;
  /** Letter usernames for the released and the 2099 series (the first few candidates only); password PASSWORD. */
  pastUsername: string | null;
  futureUsername: string | null;
}

export interface ResultsPortalFixture {
  centreNumber: string;
  otherCentreNumber: string;
  teacher: string;
  otherTeacher: string;
  pastSeriesId: string;
  futureSeriesId: string;
  /** The board's release instant of the 2099 series, and this centre's instant with its delay. */
  futureReleaseAt: Date;
  centreOpensAt: Date;
  maths: string;
  youngLearners: string;
  youngLearnersName: string;
  candidates: ResultsCandidate[];
  otherCandidates: ResultsCandidate[];
}

const NAMES: Array<[string, string]> = [
  ['Zelda', 'Quartermain'],
  ['Mary', 'McDonald'],
  ['Ben', 'Tester'],
  ['Cara', 'Smith'],
  ['Dev', 'Patel'],
  ['Eli', 'Jones'],
];
let passwordHash: Promise<string> | null = null;

export async function createResultsPortalFixture(db: Db, opts: { candidates?: number; logins?: number } = {}): Promise<ResultsPortalFixture> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const id = randomBytes(3).toString('hex').toUpperCase();
  const lower = id.toLowerCase();
  const futureReleaseAt = new Date('2099-08-11T07:00:00.000Z');
  const f: ResultsPortalFixture = {
    centreNumber: `P${id}`,
    otherCentreNumber: `O${id}`,
    teacher: `teacher-${lower}@prep.example`,
    otherTeacher: `teacher-other-${lower}@prep.example`,
    pastSeriesId: `PP${id}`,
    futureSeriesId: `PF${id}`,
    futureReleaseAt,
    centreOpensAt: new Date(futureReleaseAt.getTime() + 90 * 60_000),
    maths: `PM${id}`,
    youngLearners: `PY${id}`,
    youngLearnersName: `Young Learners ${id}`,
    candidates: [],
    otherCandidates: [],
  };
  const count = opts.candidates ?? 8;
  const logins = opts.logins ?? 3;

  await db
    .insert(qualifications)
    .values([
      { code: 'IGCSE', name: 'Cambridge IGCSE' },
      { code: `YL${id}`, name: f.youngLearnersName, publishedOnWebsite: false },
    ])
    .onConflictDoNothing();
  const seriesRow = (sid: string, name: string, releaseAt: Date) => ({ id: sid, name, timeZone: 'Europe/London', releaseAt, credentialsOpenOn: '2025-10-01', enquiryDeadline: '2099-12-31', invoiceDate: '2100-01-15' });
  await db.insert(series).values([seriesRow(f.pastSeriesId, `June 2025 ${id}`, new Date('2025-08-12T06:00:00.000Z')), seriesRow(f.futureSeriesId, `June 2099 ${id}`, futureReleaseAt)]);
  await db.insert(centres).values([
    { number: f.centreNumber, name: `Prep Centre ${id}`, email: `prep-${lower}@centre.example`, timeZone: 'Europe/London' },
    { number: f.otherCentreNumber, name: `Other Prep ${id}`, email: `other-${lower}@centre.example`, timeZone: 'Asia/Singapore' },
  ]);
  await db.insert(users).values([
    { email: f.teacher, name: 'Tess Teacher', passwordHash: hash, roles: ['teacher'], centreNumber: f.centreNumber },
    { email: f.otherTeacher, name: 'Otto Teacher', passwordHash: hash, roles: ['teacher'], centreNumber: f.otherCentreNumber },
  ]);
  await db.insert(syllabuses).values([
    { code: f.maths, name: 'Mathematics', qualificationCode: 'IGCSE' },
    { code: f.youngLearners, name: 'Starters', qualificationCode: `YL${id}` },
  ]);
  await db.insert(components).values([
    { syllabusCode: f.maths, code: '11', name: 'Paper 1', kind: 'board', maxMark: 80 },
    { syllabusCode: f.maths, code: '12', name: 'Multiple Choice', kind: 'mcq', maxMark: 40 },
    { syllabusCode: f.youngLearners, code: '01', name: 'Listening', kind: 'board', maxMark: 50 },
  ]);
  await db.insert(resultsAccess).values({
    centreNumber: f.centreNumber,
    seriesId: f.futureSeriesId,
    workflowId: `fixture:${id}`,
    configured: true,
    mode: 'ALL',
    delayMinutes: 90,
    opensAt: f.centreOpensAt,
    version: 1,
    state: {},
  });

  // "0713" first, so that "713" has a leading zero to find; then 0001, 0002, ... (without a second 0713).
  const numbers = ['0713', ...Array.from({ length: count - 1 }, (_, i) => String(i + 1 < 713 ? i + 1 : i + 2).padStart(4, '0'))];
  const people = [
    ...numbers.map((n, i) => ({ centreNumber: f.centreNumber, n, name: i < NAMES.length ? NAMES[i] : (['Gus', `Tester${i + 1}`] as [string, string]) })),
    // The other centre: the same numbers, one of the same names, and a name of its own to search for.
    ...['0713', '0001'].map((n, i) => ({ centreNumber: f.otherCentreNumber, n, name: (i === 0 ? NAMES[0] : ['Olga', 'Otherside']) as [string, string] })),
  ];
  const rows: Array<typeof candidates.$inferSelect> = [];
  for (let i = 0; i < people.length; i += 1000) {
    rows.push(
      ...(await db
        .insert(candidates)
        .values(
          people.slice(i, i + 1000).map((p) => ({
            centreNumber: p.centreNumber,
            candidateNumber: p.n,
            numberValue: Number(p.n),
            uci: `${p.centreNumber}${p.n}U`,
            firstName: p.name[0],
            lastName: p.name[1],
            dateOfBirth: '2010-02-03',
          })),
        )
        .returning()),
    );
  }
  const entryRows = rows.flatMap((c) =>
    [f.pastSeriesId, f.futureSeriesId].flatMap((seriesId) => [
      { candidateId: c.id, seriesId, syllabusCode: f.maths, grade: 'A' },
      { candidateId: c.id, seriesId, syllabusCode: f.youngLearners, grade: 'Shield 4' },
    ]),
  );
  const made: Array<typeof entries.$inferSelect> = [];
  for (let i = 0; i < entryRows.length; i += 2000) made.push(...(await db.insert(entries).values(entryRows.slice(i, i + 2000)).returning()));
  const marks = made.flatMap((e) =>
    e.syllabusCode === f.maths
      ? [
          { entryId: e.id, componentCode: '11', mark: 55, markSource: 'exam' as const },
          { entryId: e.id, componentCode: '12', mark: 30, markSource: 'exam' as const },
        ]
      : [{ entryId: e.id, componentCode: '01', mark: 40, markSource: 'exam' as const }],
  );
  for (let i = 0; i < marks.length; i += 2000) await db.insert(componentResults).values(marks.slice(i, i + 2000));

  const toCandidate = (r: (typeof rows)[number], i: number): ResultsCandidate => ({
    id: r.id,
    candidateNumber: r.candidateNumber,
    firstName: r.firstName,
    lastName: r.lastName,
    pastUsername: i < logins ? `results-${lower}-${r.centreNumber.toLowerCase()}-past-${r.candidateNumber}` : null,
    futureUsername: i < logins ? `results-${lower}-${r.centreNumber.toLowerCase()}-future-${r.candidateNumber}` : null,
  });
  const byNumber = (a: ResultsCandidate, b: ResultsCandidate) => (a.candidateNumber === '0713' ? -1 : b.candidateNumber === '0713' ? 1 : a.candidateNumber.localeCompare(b.candidateNumber));
  f.candidates = rows.filter((r) => r.centreNumber === f.centreNumber).map(toCandidate).sort(byNumber);
  f.otherCandidates = rows.filter((r) => r.centreNumber === f.otherCentreNumber).map(toCandidate).sort(byNumber);
  const centreOf = new Map(rows.map((r) => [r.id, r.centreNumber]));
  const loginRows = [...f.candidates, ...f.otherCandidates].flatMap((c) =>
    c.pastUsername && c.futureUsername
      ? [
          { seriesId: f.pastSeriesId, username: c.pastUsername },
          { seriesId: f.futureSeriesId, username: c.futureUsername },
        ].map((l) => ({ ...l, candidateId: c.id, centreNumber: centreOf.get(c.id)!, passwordHash: hash, generation: 1, issuedAt: new Date() }))
      : [],
  );
  if (loginRows.length > 0) await db.insert(credentials).values(loginRows);
  return f;
}
