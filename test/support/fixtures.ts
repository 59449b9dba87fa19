import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client';
import { associates, candidates, centres, componentResults, components, entries, fees, qualifications, series, syllabuses, users } from '../../db/schema';
import { hashPassword } from '../../api/passwords';

// Each test builds its own small world of data with unique keys, so tests never depend on the demo data or on
// each other. The shape mirrors the demo: board-assessed, multiple-choice and centre-assessed components, an Art &
// Design syllabus, a group award, an exemption, an assessed mark, X and Q grades.

export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | null = null;

export interface Fixture {
  centreNumber: string;
  centreEmail: string;
  seriesId: string;
  officer: string;
  headOfCentre: string;
  boardStaff: string;
  /** Syllabus codes by role in the fixture. */
  maths: string; // components 11 (board), 12 (mcq), 13 (board)
  art: string; // Art & Design: 01 (board), 02 (centre)
  english: string; // 01 (board), 04 (centre, moderation sample)
  ice: string; // group award
  /** Candidate numbers as stored (with leading zeros). */
  candidateNumbers: string[];
  exemptCandidate: string; // exempt from maths 13
  assessedCandidate: string; // assessed mark on maths 11
  portfolioCandidate: string;
  xGradeCandidate: string;
  /** Set when made with { associate: true }: the centre is an associate centre of this associate (C17, C29). */
  associateId: string | null;
  associateEmail: string;
  associateStaff: string;
}

const suffix = () => randomBytes(3).toString('hex').toUpperCase();

export async function createFixture(db: Db, opts: { deadline?: string; candidates?: number; associate?: boolean } = {}): Promise<Fixture> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const id = suffix();
  const centreNumber = `T${id}`;
  const seriesId = `S${id}`;
  const f: Fixture = {
    centreNumber,
    centreEmail: `exams-${id.toLowerCase()}@centre.example`,
    seriesId,
    officer: `officer-${id.toLowerCase()}@centre.example`,
    headOfCentre: `head-${id.toLowerCase()}@centre.example`,
    boardStaff: `board-${id.toLowerCase()}@examboard.example`,
    maths: `M${id}`,
    art: `A${id}`,
    english: `E${id}`,
    ice: `I${id}`,
    candidateNumbers: [],
    exemptCandidate: '0003',
    assessedCandidate: '0004',
    portfolioCandidate: '0005',
    xGradeCandidate: '0006',
    associateId: opts.associate ? `AS${id}` : null,
    associateEmail: `associate-${id.toLowerCase()}@associate.example`,
    associateStaff: `staff-${id.toLowerCase()}@associate.example`,
  };
  const count = opts.candidates ?? 20;
  f.candidateNumbers = Array.from({ length: count }, (_, i) => String(i + 1).padStart(4, '0'));

  await db.insert(qualifications).values({ code: 'IGCSE', name: 'Cambridge IGCSE' }).onConflictDoNothing();
  await db.insert(series).values({
    id: seriesId,
    name: `Test series ${id}`,
    timeZone: 'Europe/London',
    releaseAt: new Date('2026-01-01T06:00:00Z'),
    credentialsOpenOn: '2025-10-01',
    enquiryDeadline: opts.deadline ?? '2099-12-31',
    invoiceDate: '2100-01-15',
  });
  await db.insert(fees).values(
    Object.entries({ '1': 3500, '1S': 5000, '2': 6000, '2S': 7500, '5': 15000, '9': 20000, XQ: 1000, amendment: 2500 }).map(([item, amountPence]) => ({ seriesId, item, amountPence })),
  );
  if (f.associateId) {
    await db.insert(associates).values({ id: f.associateId, name: `Associate ${id}`, email: f.associateEmail });
    await db.insert(users).values({ email: f.associateStaff, name: 'Ash Associate', passwordHash: hash, roles: ['associate_staff'], associateId: f.associateId });
  }
  await db.insert(centres).values({ number: centreNumber, name: `Test Centre ${id}`, email: f.centreEmail, timeZone: 'Europe/London', associateId: f.associateId });
  await db.insert(users).values([
    { email: f.officer, name: 'Olive Officer', passwordHash: hash, roles: ['exams_officer'], centreNumber },
    { email: f.headOfCentre, name: 'Hal Head', passwordHash: hash, roles: ['head_of_centre'], centreNumber },
    { email: f.boardStaff, name: 'Bea Board', passwordHash: hash, roles: ['board_staff'] },
  ]);
  await db.insert(syllabuses).values([
    { code: f.maths, name: 'Mathematics', qualificationCode: 'IGCSE' },
    { code: f.art, name: 'Art and Design', qualificationCode: 'IGCSE', artAndDesign: true },
    { code: f.english, name: 'First Language English', qualificationCode: 'IGCSE' },
    { code: f.ice, name: 'Cambridge ICE', qualificationCode: 'IGCSE', groupAward: true },
  ]);
  await db.insert(components).values([
    { syllabusCode: f.maths, code: '11', name: 'Paper 1', kind: 'board', maxMark: 80 },
    { syllabusCode: f.maths, code: '12', name: 'Multiple Choice', kind: 'mcq', maxMark: 40 },
    { syllabusCode: f.maths, code: '13', name: 'Paper 3', kind: 'board', maxMark: 100 },
    { syllabusCode: f.art, code: '01', name: 'Externally Set Assignment', kind: 'board', maxMark: 100 },
    { syllabusCode: f.art, code: '02', name: 'Coursework', kind: 'centre', maxMark: 100 },
    { syllabusCode: f.english, code: '01', name: 'Reading', kind: 'board', maxMark: 80 },
    { syllabusCode: f.english, code: '04', name: 'Coursework Portfolio', kind: 'centre', maxMark: 50 },
    { syllabusCode: f.ice, code: '01', name: 'Award', kind: 'board', maxMark: 1 },
  ]);
  // In chunks of statements: one insert of 20,000 candidates (the open-workflows benchmark) overflows drizzle's stack,
  // and a statement per entry made large fixtures slow.
  const candidateValues = f.candidateNumbers.map((n, i) => ({
    centreNumber,
    candidateNumber: n,
    numberValue: Number(n),
    uci: `${centreNumber}${n}U`,
    firstName: ['Ada', 'Ben', 'Cara', 'Dev', 'Eli', 'Fay'][i % 6],
    lastName: `Tester${i + 1}`,
    dateOfBirth: '2009-05-01',
    portfolioOfEvidence: n === f.portfolioCandidate,
  }));
  for (const chunk of chunks(candidateValues, 1000)) {
    const candRows = await db.insert(candidates).values(chunk).returning();
    type Result = [string, number | null, 'exam' | 'moderation' | 'assessed' | null, boolean, boolean];
    const planned = candRows.flatMap((c) => {
      const isX = c.candidateNumber === f.xGradeCandidate;
      const plan: Array<[string, string | null, Result[]]> = [
        [f.maths, isX ? 'X' : 'C', [
          ['11', c.candidateNumber === f.assessedCandidate ? 50 : 55, c.candidateNumber === f.assessedCandidate ? 'assessed' : 'exam', false, false],
          ['12', 30, 'exam', false, false],
          ['13', c.candidateNumber === f.exemptCandidate || isX ? null : 60, c.candidateNumber === f.exemptCandidate || isX ? null : 'exam', c.candidateNumber === f.exemptCandidate, false],
        ]],
        [f.art, 'B', [['01', 70, 'exam', false, false], ['02', 65, 'moderation', false, Number(c.candidateNumber) <= 5]]],
        [f.english, 'B', [['01', 60, 'exam', false, false], ['04', 40, 'moderation', false, Number(c.candidateNumber) <= 5]]],
        [f.ice, 'Pass', [['01', 1, 'exam', false, false]]],
      ];
      return plan.map(([syllabusCode, grade, results]) => ({ candidateId: c.id, syllabusCode, grade, results }));
    });
    const entryRows = await db
      .insert(entries)
      .values(planned.map(({ candidateId, syllabusCode, grade }) => ({ candidateId, syllabusCode, seriesId, grade })))
      .returning({ id: entries.id, candidateId: entries.candidateId, syllabusCode: entries.syllabusCode });
    const entryId = new Map(entryRows.map((e) => [`${e.candidateId} ${e.syllabusCode}`, e.id]));
    const resultRows = planned.flatMap(({ candidateId, syllabusCode, results }) =>
      results.map(([componentCode, mark, markSource, exempt, inModerationSample]) => ({ entryId: entryId.get(`${candidateId} ${syllabusCode}`)!, componentCode, mark, markSource, exempt, inModerationSample })),
    );
    for (const part of chunks(resultRows, 2000)) await db.insert(componentResults).values(part);
  }
  return f;
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
