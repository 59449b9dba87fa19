import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { letterBatches, letterFileChunks, letterFiles } from '../db/schema';

// Letter files (A9) next to the document store (storage.ts): the same idea, PostgreSQL under deterministic keys,
// but in parts, because a large centre's zip is hundreds of megabytes. A generation's PDF is a head (the PDF
// header), every stored batch's part of the PDF in batch order (letter_batches.pdf), and a tail (page tree and
// cross-reference table); its zip is every batch's entries (letter_batches.singles) and a tail (the central
// directory). Batches write their parts as they are made; the head and tail are written last, and the file row
// after them, so a file is either complete or invisible. Nothing is copied to assemble a file; reading streams it
// one part at a time.

export type LetterFile = typeof letterFiles.$inferSelect;
export type LetterFileKind = 'pdf' | 'zip';

export function letterFileKey(centreNumber: string, seriesId: string, generation: number, kind: LetterFileKind | 'index'): string {
  return `results-access/${centreNumber}/${seriesId}/letters-${generation}.${kind}`;
}

export const HEAD = 0;
export const TAIL = 1;

export function createLetterFileStore(db: Db) {
  const batchesOf = (f: { centreNumber: string; seriesId: string; generation: number }) =>
    and(eq(letterBatches.centreNumber, f.centreNumber), eq(letterBatches.seriesId, f.seriesId), eq(letterBatches.generation, f.generation));

  return {
    /** Writes (or writes over, on a retry) one piece kept under a file's key: its head, its tail, an index. */
    async putChunk(fileKey: string, seq: number, content: Buffer): Promise<void> {
      await db.insert(letterFileChunks).values({ fileKey, seq, content }).onConflictDoUpdate({ target: [letterFileChunks.fileKey, letterFileChunks.seq], set: { content } });
    },

    async chunks(fileKey: string): Promise<Map<number, Buffer>> {
      const rows = await db.select().from(letterFileChunks).where(eq(letterFileChunks.fileKey, fileKey));
      return new Map(rows.map((r) => [r.seq, r.content]));
    },

    /** Makes a written file visible; a second call (a retry) keeps the first. */
    async register(file: Omit<typeof letterFiles.$inferInsert, 'id' | 'createdAt'>): Promise<LetterFile> {
      await db.insert(letterFiles).values(file).onConflictDoNothing();
      const [row] = await db.select().from(letterFiles).where(eq(letterFiles.key, file.key));
      return row;
    },

    async find(centreNumber: string, seriesId: string, generation: number, kind: LetterFileKind): Promise<LetterFile | null> {
      const [row] = await db.select().from(letterFiles).where(eq(letterFiles.key, letterFileKey(centreNumber, seriesId, generation, kind)));
      return row ?? null;
    },

    /** The file's bytes: head, the batches' parts, tail; one part in memory at a time. */
    async *read(file: LetterFile): AsyncGenerator<Buffer> {
      const own = async (seq: number) => {
        const [row] = await db
          .select({ content: letterFileChunks.content })
          .from(letterFileChunks)
          .where(and(eq(letterFileChunks.fileKey, file.key), eq(letterFileChunks.seq, seq)));
        if (!row) throw new Error(`piece ${seq} of ${file.key} is missing`);
        return row.content;
      };
      const head = await own(HEAD);
      if (head.length > 0) yield head;
      const batches = await db.select({ batch: letterBatches.batch }).from(letterBatches).where(batchesOf(file)).orderBy(asc(letterBatches.batch));
      for (const { batch } of batches) {
        const column = file.kind === 'pdf' ? letterBatches.pdf : letterBatches.singles;
        const [row] = await db.select({ part: column }).from(letterBatches).where(and(batchesOf(file), eq(letterBatches.batch, batch)));
        if (row?.part && row.part.length > 0) yield row.part;
      }
      yield await own(TAIL);
    },

    /**
     * Removes a generation's letters: the file rows, their heads, tails and index, and the batches' parts. The
     * plaintext passwords are in these bytes only, so they are gone with them.
     */
    async deleteGeneration(centreNumber: string, seriesId: string, generation: number): Promise<number> {
      const keys = (['pdf', 'zip', 'index'] as const).map((k) => letterFileKey(centreNumber, seriesId, generation, k));
      return db.transaction(async (tx) => {
        const removed = await tx.delete(letterFiles).where(inArray(letterFiles.key, keys)).returning({ id: letterFiles.id });
        await tx.delete(letterFileChunks).where(inArray(letterFileChunks.fileKey, keys));
        await tx.delete(letterBatches).where(batchesOf({ centreNumber, seriesId, generation }));
        return removed.length;
      });
    },
  };
}

export type LetterFileStore = ReturnType<typeof createLetterFileStore>;
