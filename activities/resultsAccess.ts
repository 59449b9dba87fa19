// Side effects of the resultsAccess workflow (RULES.md A1-A13, B11): facts about entries, the read model, the
// credentials (guarded transactions) and the letters (Chromium prints a batch, pdf-lib parses it, and each batch
// stores its part of one combined PDF and of one zip).
// Built from injected dependencies; every function is safe to run more than once.
import os from 'node:os';
import { Context } from '@temporalio/activity';
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { hashPassword } from '../api/passwords';
import type { Db } from '../db/client';
import {
  candidates,
  centres,
  credentials,
  entries,
  letterBatches,
  letterFileChunks,
  letterGenerationCandidates as plan,
  resultsAccess,
  series,
  signInLocks,
} from '../db/schema';
import { formatDay, formatInZone, localDay } from '../domain/calendar';
import { candidateNumberValue } from '../domain/resultsAccess';
import type { GenerationReason, LetterBatchInput, LetterBatchResult, LetterFileRef, ResultsAccessState } from '../workflows/resultsAccessTypes';
import { generatePassword, generateUsername } from './credentials';
import { createLetterFileStore, HEAD, letterFileKey, TAIL } from './letterFiles';
import { PDF_HEADER, parsePdf, pdfPart, pdfTrailer, singlePagePdf, type PlacedPart } from './letters/pdfPages';
import type { PdfRenderer } from './letters/renderer';
import { renderLetterHtml } from './letters/templates';
import { zipDirectory, zipEntry, type ZipEntryInfo } from './letters/zipParts';

/** Where a batch may be made to fail, to prove that a crash there leaves one password per candidate (tests). */
export type LetterFaultPoint = 'before-commit' | 'after-commit';
export type LetterFaults = (point: LetterFaultPoint, where: { centreNumber: string; seriesId: string; generation: number; batch: number; attempt: number }) => void | Promise<void>;

export interface ResultsAccessActivityDeps {
  db: Db;
  pdf: PdfRenderer;
  publicUrl: string;
  /** argon2 hashes running at once in this worker process; the benchmark's floor uses the same number. */
  hashConcurrency?: number;
  faults?: LetterFaults;
}

/** At most `n` tasks at once; a freed slot goes straight to the longest waiter. */
export function createLimiter(n: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < n) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

export const defaultHashConcurrency = () => Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

/** Thrown when a candidate of the batch lost access while its letters were made: the retry makes them again. */
class BatchMembersChanged extends Error {}

/**
 * What finalising needs of a stored batch, kept beside it (letter_file_chunks, under the generation's index key):
 * where its PDF objects sit in its part, and its zip entries.
 */
interface BatchIndex {
  base: number;
  offsets: number[];
  entries: ZipEntryInfo[];
}

/** PDF object numbers kept for each batch: far more than a letter's page, font and content objects ever take. */
const objectStride = (batchSize: number) => 16 * batchSize + 256;

export function createResultsAccessActivities(deps: ResultsAccessActivityDeps) {
  const { db } = deps;
  const files = createLetterFileStore(db);
  const hashSlot = createLimiter(deps.hashConcurrency ?? defaultHashConcurrency());
  const scope = (c: string, s: string) => and(eq(credentials.centreNumber, c), eq(credentials.seriesId, s));
  const planOf = (c: string, s: string, g: number) => and(eq(plan.centreNumber, c), eq(plan.seriesId, s), eq(plan.generation, g));
  const batchOf = (c: string, s: string, g: number, b: number) =>
    and(eq(letterBatches.centreNumber, c), eq(letterBatches.seriesId, s), eq(letterBatches.generation, g), eq(letterBatches.batch, b));
  /** Candidates of the centre with at least one entry in the series (A1, A8). */
  const enteredIn = (c: string, s: string) =>
    and(eq(candidates.centreNumber, c), sql`exists (select 1 from ${entries} where ${entries.candidateId} = ${candidates.id} and ${entries.seriesId} = ${s})`);

  /** Usernames for candidates who have none: drawn until none clashes with the board's existing ones. */
  async function newUsernames(count: number): Promise<string[]> {
    const chosen = new Set<string>();
    while (chosen.size < count) {
      const draw = new Set<string>();
      while (draw.size < count - chosen.size) {
        const u = generateUsername();
        if (!chosen.has(u)) draw.add(u);
      }
      const taken = await db.select({ u: credentials.username }).from(credentials).where(inArray(credentials.username, [...draw]));
      const clash = new Set(taken.map((t) => t.u));
      for (const u of draw) if (!clash.has(u)) chosen.add(u);
    }
    return [...chosen];
  }

  return {
    /** A1: how many of the centre's candidates are entered in the series. */
    async loadAccessFacts({ centreNumber, seriesId }: { centreNumber: string; seriesId: string }): Promise<{ enteredCandidates: number }> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(candidates).where(enteredIn(centreNumber, seriesId));
      return { enteredCandidates: row?.n ?? 0 };
    },

    /** The stored numbers of the given candidates ("713" finds "0713"); those not entered in the series are unknown. */
    async resolveCandidateNumbers(q: { centreNumber: string; seriesId: string; candidateNumbers: string[] }): Promise<{ known: Record<string, string>; unknown: string[] }> {
      const values = [...new Set(q.candidateNumbers.map(candidateNumberValue).filter((v): v is number => v !== null))];
      const rows = values.length
        ? await db
            .select({ number: candidates.candidateNumber, value: candidates.numberValue })
            .from(candidates)
            .where(and(enteredIn(q.centreNumber, q.seriesId), inArray(candidates.numberValue, values)))
            .orderBy(asc(candidates.candidateNumber))
        : [];
      const byValue = new Map<number, string>();
      for (const r of rows) if (!byValue.has(r.value)) byValue.set(r.value, r.number);
      const known: Record<string, string> = {};
      const unknown: string[] = [];
      for (const n of q.candidateNumbers) {
        const found = byValue.get(candidateNumberValue(n) ?? -1);
        if (found) known[n] = found;
        else unknown.push(n);
      }
      return { known, unknown };
    },

    async activeCredentialNumbers({ centreNumber, seriesId }: { centreNumber: string; seriesId: string }): Promise<string[]> {
      const rows = await db
        .select({ number: candidates.candidateNumber })
        .from(credentials)
        .innerJoin(candidates, eq(candidates.id, credentials.candidateId))
        .where(and(scope(centreNumber, seriesId), isNull(credentials.revokedAt)));
      return rows.map((r) => r.number);
    },

    async hasActiveCredential(q: { centreNumber: string; seriesId: string; candidateNumber: string }): Promise<boolean> {
      const rows = await db
        .select({ id: credentials.id })
        .from(credentials)
        .innerJoin(candidates, eq(candidates.id, credentials.candidateId))
        .where(and(scope(q.centreNumber, q.seriesId), isNull(credentials.revokedAt), eq(candidates.candidateNumber, q.candidateNumber)));
      return rows.length > 0;
    },

    /** Writes the workflow's state to the read model; an older version never overwrites a newer one. */
    async saveResultsAccess({ state }: { state: ResultsAccessState }): Promise<void> {
      const { selected, ...rest } = state;
      const row = {
        centreNumber: state.centreNumber,
        seriesId: state.seriesId,
        workflowId: state.workflowId,
        configured: state.configured,
        mode: state.mode,
        contactName: state.contact?.name ?? null,
        contactTelephone: state.contact?.telephone ?? null,
        contactEmail: state.contact?.email ?? null,
        delayMinutes: state.delayMinutes,
        opensAt: new Date(state.opensAt),
        viewableAt: state.viewableAt ? new Date(state.viewableAt) : null,
        selected,
        version: state.version,
        state: rest,
        updatedAt: new Date(),
      };
      const { centreNumber: _c, seriesId: _s, ...changes } = row;
      await db
        .insert(resultsAccess)
        .values(row)
        .onConflictDoUpdate({ target: [resultsAccess.centreNumber, resultsAccess.seriesId], set: changes, setWhere: sql`${resultsAccess.version} < ${row.version}` });
    },

    /**
     * A7, A12: revokes the logins of the given candidates (all of the centre's for the series when null). First
     * withdraws them from every generation's plan, taking those rows' locks, so a batch being stored at this
     * moment either finished first (and its new logins are revoked here) or sees the withdrawal and makes its
     * letters again without them.
     */
    async revokeCredentials(q: { centreNumber: string; seriesId: string; candidateNumbers: string[] | null }): Promise<{ revoked: number }> {
      const { centreNumber, seriesId } = q;
      if (q.candidateNumbers && q.candidateNumbers.length === 0) return { revoked: 0 };
      const ids = q.candidateNumbers
        ? db.select({ id: candidates.id }).from(candidates).where(and(eq(candidates.centreNumber, centreNumber), inArray(candidates.candidateNumber, q.candidateNumbers)))
        : undefined;
      return db.transaction(async (tx) => {
        const at = new Date();
        await tx
          .update(plan)
          .set({ withdrawnAt: at })
          .where(and(eq(plan.centreNumber, centreNumber), eq(plan.seriesId, seriesId), isNull(plan.withdrawnAt), ids ? inArray(plan.candidateId, ids) : undefined));
        const revoked = await tx
          .update(credentials)
          .set({ revokedAt: at })
          .where(and(scope(centreNumber, seriesId), isNull(credentials.revokedAt), ids ? inArray(credentials.candidateId, ids) : undefined))
          .returning({ id: credentials.id });
        return { revoked: revoked.length };
      });
    },

    /**
     * Fixes a generation's candidates, in candidate-number order, and their batches (A8, A11, A12, B11): those
     * asked for (every entered candidate for ALL) who hold no login, or for a reissue the one candidate. Planned
     * once: a retry finds the plan and returns it.
     */
    async planLetterGeneration(q: {
      centreNumber: string;
      seriesId: string;
      generation: number;
      reason: GenerationReason;
      candidateNumbers: string[] | null;
      batchSize: number;
    }): Promise<{ total: number; batches: number }> {
      const { centreNumber, seriesId, generation } = q;
      const counted = async () => {
        const [r] = await db.select({ total: sql<number>`count(*)::int`, last: sql<number | null>`max(${plan.batch})` }).from(plan).where(planOf(centreNumber, seriesId, generation));
        return { total: r.total, batches: r.last === null ? 0 : Number(r.last) + 1 };
      };
      const existing = await counted();
      if (existing.total > 0) return existing;
      if (q.candidateNumbers && q.candidateNumbers.length === 0) return existing;
      const asked = q.candidateNumbers ? inArray(candidates.candidateNumber, q.candidateNumbers) : sql`true`;
      const needsLogin =
        q.reason === 'REISSUE'
          ? sql`true`
          : sql`not exists (select 1 from ${credentials} where ${credentials.candidateId} = ${candidates.id} and ${credentials.seriesId} = ${seriesId} and ${credentials.revokedAt} is null)`;
      await db.execute(sql`
        insert into ${plan} (centre_number, series_id, generation, seq, batch, candidate_id)
        select ${centreNumber}::text, ${seriesId}::text, ${generation}::int, (rn - 1)::int, ((rn - 1) / ${q.batchSize}::int)::int, id
        from (
          select ${candidates.id} as id, row_number() over (order by ${candidates.numberValue}, ${candidates.candidateNumber}) as rn
          from ${candidates}
          where ${enteredIn(centreNumber, seriesId)} and ${asked} and ${needsLogin}
        ) planned
        on conflict do nothing`);
      return counted();
    },

    /**
     * One batch of letters (A8): passwords from the CSPRNG, argon2id hashes, the letters printed by one Chromium
     * call and split into single-page PDFs, then ONE transaction that stores the batch and its credentials
     * together. A batch already stored is returned as it is: a retry after a crash never makes a second password
     * for anyone, and a crash before the commit leaves nothing behind (the passwords of the lost attempt were
     * never stored nor printed anywhere that survives).
     */
    async generateLetterBatch(input: LetterBatchInput): Promise<LetterBatchResult> {
      const ctx = Context.current();
      const t0 = performance.now();
      const times: Record<string, number> = {};
      const lap = (name: string, since: number) => (times[name] = Math.round(performance.now() - since));
      const { centreNumber, seriesId, generation, batch } = input;
      const [stored] = await db.select({ numbers: letterBatches.candidateNumbers }).from(letterBatches).where(batchOf(centreNumber, seriesId, generation, batch));
      if (stored) return { batch, letters: stored.numbers.length, reused: true };

      const memberWhere = and(planOf(centreNumber, seriesId, generation), eq(plan.batch, batch), isNull(plan.withdrawnAt));
      const members = await db
        .select({ id: candidates.id, number: candidates.candidateNumber, firstName: candidates.firstName, lastName: candidates.lastName })
        .from(plan)
        .innerJoin(candidates, eq(candidates.id, plan.candidateId))
        .where(memberWhere)
        .orderBy(asc(plan.seq));

      let pdfBytes: Buffer | null = null;
      let zipBytes: Buffer | null = null;
      const sizes: number[] = [];
      const index: BatchIndex = { base: 0, offsets: [], entries: [] };
      const rows: Array<typeof credentials.$inferInsert> = [];
      if (members.length > 0) {
        const ids = members.map((m) => m.id);
        const existing = await db.select({ id: credentials.candidateId, username: credentials.username }).from(credentials).where(and(inArray(credentials.candidateId, ids), eq(credentials.seriesId, seriesId)));
        // A reissue (B11) also changes the username: someone who keeps the old one locked (B3) loses track of it.
        const usernames = new Map(input.reason === 'REISSUE' ? [] : existing.map((e) => [e.id, e.username]));
        const fresh = await newUsernames(members.filter((m) => !usernames.has(m.id)).length);
        for (const m of members) if (!usernames.has(m.id)) usernames.set(m.id, fresh.pop()!);
        const passwords = members.map(() => generatePassword());

        const [centre] = await db.select().from(centres).where(eq(centres.number, centreNumber));
        const [s] = await db.select().from(series).where(eq(series.id, seriesId));
        const issued = new Date();
        const html = renderLetterHtml('candidateResultsLetters', {
          centreName: centre.name,
          centreNumber,
          seriesName: s.name,
          websiteUrl: `${deps.publicUrl}/results`,
          opensOn: formatInZone(new Date(input.opensAt), centre.timeZone),
          issuedOn: formatDay(localDay(issued, centre.timeZone)),
          reissue: input.reason === 'REISSUE',
          contactName: input.contact?.name ?? centre.name,
          contactTelephone: input.contact?.telephone ?? null,
          contactEmail: input.contact?.email ?? (input.contact ? null : centre.email),
          letters: members.map((m, i) => ({ candidateName: `${m.firstName} ${m.lastName}`, candidateNumber: m.number, username: usernames.get(m.id)!, password: passwords[i] })),
        });

        lap('prepare', t0);
        // Chromium prints while the hashes are computed: the printing hides behind the hashing.
        const tPrint = performance.now();
        const printing = deps.pdf.renderPdf(html).finally(() => lap('print', tPrint));
        printing.catch(() => undefined);
        const tHash = performance.now();
        let hashed = 0;
        const hashes = await Promise.all(
          passwords.map((p) =>
            hashSlot(async () => {
              if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('cancelled');
              const h = await hashPassword(p);
              ctx.heartbeat({ hashed: ++hashed });
              return h;
            }),
          ),
        );
        lap('hash', tHash);
        const pdf = await printing;
        const tSplit = performance.now();
        const parsed = await parsePdf(pdf);
        if (parsed.pages.length !== members.length) {
          throw new Error(`batch ${batch}: ${members.length} letters printed on ${parsed.pages.length} pages; each letter must fit on one page`);
        }
        // The batch's part of the combined PDF, its objects numbered in the range kept for this batch, and its
        // part of the zip: one stored entry per candidate, named by candidate number.
        const [first] = await db.select({ n: sql<number>`count(*)::int` }).from(plan).where(and(planOf(centreNumber, seriesId, generation), eq(plan.batch, 0)));
        const stride = objectStride(first.n);
        const part = pdfPart(parsed, 3 + batch * stride, stride);
        const mtime = new Date(input.issuedAt);
        const entries: Buffer[] = [];
        let offset = 0;
        for (const [i, m] of members.entries()) {
          const entry = zipEntry(`${m.number}.pdf`, singlePagePdf(parsed, i), mtime);
          index.entries.push({ name: `${m.number}.pdf`, crc: entry.crc, size: entry.size, offset });
          sizes.push(entry.bytes.length);
          offset += entry.bytes.length;
          entries.push(entry.bytes);
        }
        index.base = 3 + batch * stride;
        index.offsets = part.offsets;
        pdfBytes = part.bytes;
        zipBytes = Buffer.concat(entries);
        lap('split', tSplit);
        for (const [i, m] of members.entries()) {
          rows.push({ candidateId: m.id, seriesId, centreNumber, username: usernames.get(m.id)!, passwordHash: hashes[i], generation, issuedAt: issued });
        }
      }

      const where = { centreNumber, seriesId, generation, batch, attempt: ctx.info.attempt };
      await deps.faults?.('before-commit', where);
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('cancelled');
      ctx.heartbeat({ committing: true });
      const tCommit = performance.now();
      const committed = await db
        .transaction(async (tx) => {
          // The batch's candidates, locked: a revocation running now waits for this commit, or went first.
          const current = await tx.select({ id: plan.candidateId }).from(plan).where(memberWhere).for('update');
          const now = new Set(current.map((c) => c.id));
          if (now.size !== members.length || members.some((m) => !now.has(m.id))) throw new BatchMembersChanged(`batch ${batch}: candidates withdrawn meanwhile`);
          const inserted = await tx
            .insert(letterBatches)
            .values({ centreNumber, seriesId, generation, batch, candidateNumbers: members.map((m) => m.number), pdf: pdfBytes, singles: zipBytes, singleSizes: sizes })
            .onConflictDoNothing()
            .returning({ batch: letterBatches.batch });
          if (inserted.length === 0) return false; // another attempt stored this batch first: its letters stand
          const content = Buffer.from(JSON.stringify(index));
          await tx
            .insert(letterFileChunks)
            .values({ fileKey: letterFileKey(centreNumber, seriesId, generation, 'index'), seq: batch, content })
            .onConflictDoUpdate({ target: [letterFileChunks.fileKey, letterFileChunks.seq], set: { content } });
          if (rows.length > 0) {
            await tx
              .insert(credentials)
              .values(rows)
              .onConflictDoUpdate({
                target: [credentials.candidateId, credentials.seriesId],
                // A12 keeps the username; a reissue (B11) brings a new one. Password, generation and revocation are replaced.
                set: { username: sql`excluded.username`, passwordHash: sql`excluded.password_hash`, generation: sql`excluded.generation`, issuedAt: sql`excluded.issued_at`, revokedAt: sql`null` },
              });
            if (input.reason === 'REISSUE') {
              // The centre checked the candidate's identity: a lock on the old login (B3) ends with it.
              await tx
                .update(signInLocks)
                .set({ failures: 0, lockedUntil: null, updatedAt: sql`now()` })
                .where(and(eq(signInLocks.accountKind, 'candidate-letter'), sql`${signInLocks.accountId} in (select ${credentials.id}::text from ${credentials} where ${inArray(credentials.candidateId, rows.map((r) => r.candidateId))} and ${credentials.seriesId} = ${seriesId})`));
            }
          }
          return true;
        });
      if (!committed) {
        const [winner] = await db.select({ numbers: letterBatches.candidateNumbers }).from(letterBatches).where(batchOf(centreNumber, seriesId, generation, batch));
        return { batch, letters: winner.numbers.length, reused: true };
      }
      lap('commit', tCommit);
      lap('total', t0);
      ctx.log.info('letter batch stored', { generation, batch, letters: members.length, ms: times });
      await deps.faults?.('after-commit', where);
      return { batch, letters: members.length, reused: false };
    },

    /**
     * A9: the generation's letters as one PDF (a page per candidate, in candidate-number order) and one zip (a PDF
     * per candidate, named by candidate number). The batches stored their parts already; this writes each file's
     * head and tail from the batches' indexes, without reading or copying the letters. Candidates withdrawn
     * meanwhile are left out of the page tree and the zip's directory. Idempotent: files already made are returned.
     */
    async finaliseLetters(q: { centreNumber: string; seriesId: string; generation: number; issuedAt: string }): Promise<{ files: LetterFileRef[]; letters: number }> {
      const ctx = Context.current();
      const t0 = performance.now();
      const { centreNumber, seriesId, generation } = q;
      const ref = (f: { kind: 'pdf' | 'zip'; id: string; filename: string; sizeBytes: number }): LetterFileRef => ({ kind: f.kind, fileId: f.id, filename: f.filename, sizeBytes: f.sizeBytes });
      const [donePdf, doneZip] = await Promise.all([files.find(centreNumber, seriesId, generation, 'pdf'), files.find(centreNumber, seriesId, generation, 'zip')]);
      if (donePdf && doneZip) return { files: [ref(donePdf), ref(doneZip)], letters: donePdf.letters };

      const withdrawn = new Set(
        (
          await db
            .select({ number: candidates.candidateNumber })
            .from(plan)
            .innerJoin(candidates, eq(candidates.id, plan.candidateId))
            .where(and(planOf(centreNumber, seriesId, generation), isNotNull(plan.withdrawnAt)))
        ).map((r) => r.number),
      );
      const batches = await db
        .select({
          batch: letterBatches.batch,
          numbers: letterBatches.candidateNumbers,
          pdfBytes: sql<number>`coalesce(octet_length(${letterBatches.pdf}), 0)::int`,
          zipBytes: sql<number>`coalesce(octet_length(${letterBatches.singles}), 0)::int`,
        })
        .from(letterBatches)
        .where(and(eq(letterBatches.centreNumber, centreNumber), eq(letterBatches.seriesId, seriesId), eq(letterBatches.generation, generation)))
        .orderBy(asc(letterBatches.batch));
      const indexes = await files.chunks(letterFileKey(centreNumber, seriesId, generation, 'index'));

      let pdfAt = PDF_HEADER.length;
      let zipAt = 0;
      let letters = 0;
      const placed: PlacedPart[] = [];
      const directory: ZipEntryInfo[] = [];
      for (const b of batches) {
        if (b.numbers.length === 0) continue;
        const raw = indexes.get(b.batch);
        if (!raw) throw new Error(`batch ${b.batch} of generation ${generation} has no index`);
        const index = JSON.parse(raw.toString()) as BatchIndex;
        const keep = b.numbers.map((n, i) => (withdrawn.has(n) ? -1 : i)).filter((i) => i >= 0);
        placed.push({ start: pdfAt, base: index.base, offsets: index.offsets, pages: keep.map((i) => index.base + i) });
        for (const i of keep) directory.push({ ...index.entries[i], offset: zipAt + index.entries[i].offset });
        pdfAt += b.pdfBytes;
        zipAt += b.zipBytes;
        letters += keep.length;
      }
      ctx.heartbeat();
      const pdfTail = pdfTrailer(placed, pdfAt);
      const zipTail = zipDirectory(directory, zipAt, new Date(q.issuedAt));
      const base = `Letters-${centreNumber}-${seriesId}-${generation}`;
      const made: LetterFileRef[] = [];
      for (const [kind, head, tail, size, type] of [
        ['pdf', PDF_HEADER, pdfTail, pdfAt + pdfTail.length, 'application/pdf'],
        ['zip', Buffer.alloc(0), zipTail, zipAt + zipTail.length, 'application/zip'],
      ] as const) {
        const key = letterFileKey(centreNumber, seriesId, generation, kind);
        await files.putChunk(key, HEAD, head);
        await files.putChunk(key, TAIL, tail);
        const file = await files.register({ key, centreNumber, seriesId, generation, kind, filename: `${base}.${kind}`, contentType: type, sizeBytes: size, chunks: 2, letters });
        made.push(ref(file));
      }
      ctx.log.info('letter files made', { generation, letters, pdfBytes: made[0].sizeBytes, zipBytes: made[1].sizeBytes, ms: Math.round(performance.now() - t0) });
      return { files: made, letters };
    },

    /** The centre deletes letters once handed out (and a stopped generation's go): files, parts and index. */
    async deleteLetterFiles(q: { centreNumber: string; seriesId: string; generation: number }): Promise<{ deleted: number }> {
      return { deleted: await files.deleteGeneration(q.centreNumber, q.seriesId, q.generation) };
    },
  };
}

export type ResultsAccessActivities = ReturnType<typeof createResultsAccessActivities>;
