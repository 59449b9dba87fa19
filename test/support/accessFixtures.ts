import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../api/passwords';
import type { Db } from '../../db/client';
import { candidates, centres, entries, qualifications, series, syllabuses, users } from '../../db/schema';
import { PASSWORD } from './fixtures';

// Per-test data for the results website administration (RULES.md A1-A13, B11): a centre with candidates entered in
// a series, a second centre entered in the same series (a centre never sees another's), a series the centre has no
// entry in (A1) and one whose credential window has not opened yet (A2). Keys are unique per call.

export { PASSWORD };

export interface AccessCandidate {
  candidateNumber: string;
  firstName: string;
  lastName: string;
  uci: string;
  email: string;
}

export interface AccessFixture {
  centreNumber: string;
  centreName: string;
  seriesId: string;
  seriesName: string;
  officer: string;
  assistant: string;
  /** Another centre in the same series, with its own officer and candidates. */
  otherCentreNumber: string;
  otherOfficer: string;
  otherCandidates: AccessCandidate[];
  boardStaff: string;
  /** A series in which this centre has no entry (A1). */
  noEntrySeriesId: string;
  /** A series with entries whose credential window opens on 2099-01-01 (A2). */
  notYetOpenSeriesId: string;
  /** In ascending candidate-number order. */
  candidates: AccessCandidate[];
}

let passwordHash: Promise<string> | null = null;
const FIRST = ['Ada', 'Ben', 'Cara', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jun'];

export async function createAccessFixture(
  db: Db,
  opts: { candidates?: number; releaseAt?: Date; credentialsOpenOn?: string } = {},
): Promise<AccessFixture> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  // Letters only (each hex digit shifted to A-P): a digit in the centre number would also be in every UCI, and a
  // search for candidate "11" would find them all when the random id happened to contain "11".
  const id = randomBytes(3).toString('hex').replace(/[0-9a-f]/g, (h) => String.fromCharCode(65 + parseInt(h, 16)));
  const lower = id.toLowerCase();
  const f: AccessFixture = {
    centreNumber: `R${id}`,
    centreName: `Riverside Test ${id}`,
    seriesId: `RA${id}`,
    seriesName: `June test ${id}`,
    officer: `ra-officer-${lower}@centre.example`,
    assistant: `ra-assistant-${lower}@centre.example`,
    otherCentreNumber: `Q${id}`,
    otherOfficer: `ra-other-${lower}@centre.example`,
    otherCandidates: [],
    boardStaff: `ra-board-${lower}@examboard.example`,
    noEntrySeriesId: `RN${id}`,
    notYetOpenSeriesId: `RL${id}`,
    candidates: [],
  };
  const count = opts.candidates ?? 6;
  f.candidates = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return {
      candidateNumber: n,
      // One memorable name to search for; the others follow a pattern.
      firstName: i === 6 ? 'Zelda' : FIRST[i % FIRST.length],
      lastName: i === 6 ? 'Quartermain' : `Tester${i + 1}`,
      uci: `${f.centreNumber}N26${n}U`,
      email: `cand-${lower}-${n}@pupil.example`,
    };
  });
  f.otherCandidates = ['0001', '0002'].map((n) => ({ candidateNumber: n, firstName: 'Olga', lastName: `Other${n}`, uci: `${f.otherCentreNumber}N26${n}U`, email: `other-${lower}-${n}@pupil.example` }));

  await db.insert(qualifications).values({ code: 'IGCSE', name: 'Cambridge IGCSE' }).onConflictDoNothing();
  const seriesRow = (sid: string, name: string, credentialsOpenOn: string) => ({
    id: sid,
    name,
    timeZone: 'Europe/London',
    releaseAt: opts.releaseAt ?? new Date('2099-08-11T07:00:00Z'),
    credentialsOpenOn,
    enquiryDeadline: '2099-12-31',
    invoiceDate: '2100-01-15',
  });
  await db.insert(series).values([
    seriesRow(f.seriesId, f.seriesName, opts.credentialsOpenOn ?? '2026-03-23'),
    seriesRow(f.noEntrySeriesId, `No entries ${id}`, '2026-03-23'),
    seriesRow(f.notYetOpenSeriesId, `Not yet open ${id}`, '2099-01-01'),
  ]);
  await db.insert(centres).values([
    { number: f.centreNumber, name: f.centreName, email: `exams-${lower}@centre.example`, timeZone: 'Europe/London' },
    { number: f.otherCentreNumber, name: `Other Centre ${id}`, email: `other-${lower}@centre.example`, timeZone: 'Asia/Singapore' },
  ]);
  await db.insert(users).values([
    { email: f.officer, name: 'Olive Officer', passwordHash: hash, roles: ['exams_officer'], centreNumber: f.centreNumber },
    { email: f.assistant, name: 'Asa Assistant', passwordHash: hash, roles: ['exams_assistant'], centreNumber: f.centreNumber },
    { email: f.otherOfficer, name: 'Otto Other', passwordHash: hash, roles: ['exams_officer'], centreNumber: f.otherCentreNumber },
    { email: f.boardStaff, name: 'Bea Board', passwordHash: hash, roles: ['board_staff'] },
  ]);
  const syllabus = `R${id}`;
  await db.insert(syllabuses).values({ code: syllabus, name: 'Mathematics', qualificationCode: 'IGCSE' });

  // Inserted in a shuffled order, so that candidate-number order has to come from the query, not from insertion.
  const shuffled = [...f.candidates].sort((a, b) => (a.lastName.length % 3) - (b.lastName.length % 3) || b.candidateNumber.localeCompare(a.candidateNumber));
  // In slices, so a benchmark's 10,000 candidates stay under PostgreSQL's limit on parameters per statement.
  const people = [
    ...shuffled.map((c) => ({ centre: f.centreNumber, c })),
    ...f.otherCandidates.map((c) => ({ centre: f.otherCentreNumber, c })),
  ];
  const rows: Array<typeof candidates.$inferSelect> = [];
  for (let i = 0; i < people.length; i += 1000) {
    rows.push(
      ...(await db
        .insert(candidates)
        .values(people.slice(i, i + 1000).map(({ centre, c }) => ({ centreNumber: centre, candidateNumber: c.candidateNumber, numberValue: Number(c.candidateNumber), uci: c.uci, firstName: c.firstName, lastName: c.lastName, dateOfBirth: '2009-05-01', email: c.email })))
        .returning()),
    );
  }
  const mine = rows.filter((r) => r.centreNumber === f.centreNumber);
  const entryRows = [
    ...rows.map((r) => ({ candidateId: r.id, syllabusCode: syllabus, seriesId: f.seriesId, grade: 'B' })),
    ...mine.map((r) => ({ candidateId: r.id, syllabusCode: syllabus, seriesId: f.notYetOpenSeriesId, grade: null })),
  ];
  for (let i = 0; i < entryRows.length; i += 2000) await db.insert(entries).values(entryRows.slice(i, i + 2000));
  return f;
}
