import { verify } from '@node-rs/argon2';
import { and, eq } from 'drizzle-orm';
import { extractText } from 'unpdf';
import type { Db } from '../../db/client';
import { candidates, credentials } from '../../db/schema';
import type { AccessFixture } from './accessFixtures';
import { inPool, type signIn } from './world';
import { readZip } from './zip';

// What a letter generation left behind, read the way a centre reads it: the combined PDF's pages and the zip's
// entries, their text parsed with unpdf, and the printed passwords checked against the stored argon2id hashes.
// Shared by the results-access tests and the reliability tests, which check a generation after workers were killed
// or requests duplicated.

type Client = Awaited<ReturnType<typeof signIn>>;

/** A GET whose body is read whole as bytes (a PDF or a zip), whatever its status. */
export function getFile(who: Client, url: string) {
  return who.get(url).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

async function download(who: Client, url: string): Promise<Buffer> {
  const res = await getFile(who, url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return res.body as Buffer;
}

/** Each page's text, runs of spaces folded. */
export async function pagesOf(pdf: Buffer): Promise<string[]> {
  const { text } = await extractText(new Uint8Array(pdf), { mergePages: false });
  return text.map((t) => t.replace(/[ \t]+/g, ' '));
}

/** What a letter says: its candidate and login. */
export function letterOn(page: string) {
  const grab = (re: RegExp) => re.exec(page)?.[1] ?? null;
  return {
    candidateNumber: grab(/Candidate number\s+(\d+)/),
    candidateName: grab(/Candidate name\s+([^\n]+?)\s*\n/),
    username: grab(/Username\s+([a-z]+-[a-z]+-\d{4})/),
    password: grab(/Password\s+(\S+)/),
  };
}

/** The centre's logins for the series, revoked ones included. */
export async function credentialRows(db: Db, f: AccessFixture) {
  return db
    .select({ number: candidates.candidateNumber, username: credentials.username, hash: credentials.passwordHash, revokedAt: credentials.revokedAt, generation: credentials.generation })
    .from(credentials)
    .innerJoin(candidates, eq(candidates.id, credentials.candidateId))
    .where(and(eq(credentials.centreNumber, f.centreNumber), eq(credentials.seriesId, f.seriesId)));
}

/**
 * Checks that generation `generation` gave every candidate of `f` exactly one login and one letter: one login row
 * each, none revoked; a PDF page each in candidate-number order, with the right name; a one-page zip entry each,
 * named by candidate number, printing the same login as the page; and every printed password verifies against the
 * stored hash. Returns the counts for the test's figures.
 */
export async function expectCompleteLetters(db: Db, who: Client, f: AccessFixture, generation: number) {
  const expected = f.candidates.map((c) => c.candidateNumber);
  const rows = await credentialRows(db, f);
  expect(rows).toHaveLength(expected.length);
  expect(new Set(rows.map((r) => r.number)).size).toBe(expected.length);
  expect(rows.filter((r) => r.revokedAt !== null)).toEqual([]);
  const login = new Map(rows.map((r) => [r.number, r]));

  const base = `/api/results-access/series/${f.seriesId}/letters/${generation}`;
  const pages = (await pagesOf(await download(who, `${base}/pdf`))).map(letterOn);
  expect(pages.map((p) => p.candidateNumber)).toEqual(expected);
  expect(pages.map((p) => p.candidateName)).toEqual(f.candidates.map((c) => `${c.firstName} ${c.lastName}`));
  expect(pages.map((p) => p.username)).toEqual(expected.map((n) => login.get(n)!.username));

  const entries = readZip(await download(who, `${base}/zip`));
  expect(entries.map((e) => e.name).sort()).toEqual(expected.map((n) => `${n}.pdf`).sort());
  const byNumber = new Map(pages.map((p) => [p.candidateNumber!, p]));
  await inPool(entries, 4, async (e) => {
    const single = await pagesOf(e.content);
    expect(single).toHaveLength(1);
    const letter = letterOn(single[0]);
    expect(`${letter.candidateNumber}.pdf`).toBe(e.name);
    const page = byNumber.get(letter.candidateNumber!)!;
    expect({ username: letter.username, password: letter.password }).toEqual({ username: page.username, password: page.password });
  });

  // The one password each candidate has is the one printed for them.
  const matching: boolean[] = [];
  await inPool(pages, 2, async (p) => void matching.push(await verify(login.get(p.candidateNumber!)!.hash, p.password!)));
  expect(matching.filter((ok) => !ok)).toEqual([]);
  return { logins: rows.length, pages: pages.length, zipEntries: entries.length, passwordsVerified: matching.length };
}
