import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/client';
import { centres, documents } from '../db/schema';
import type { DocumentKind } from '../domain/model';

// Every document lives in PostgreSQL under a deterministic key, so any web process can serve it and a retried
// activity finds what an earlier attempt stored instead of making a second copy.

export interface StoredDocument {
  id: string;
  key: string;
  kind: DocumentKind;
  centreNumber: string | null;
  enquiryId: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
  createdAt: Date;
  releasedToCentreAt: Date | null;
}

export interface NewDocument {
  key: string;
  kind: DocumentKind;
  centreNumber: string | null;
  enquiryId?: string | null;
  filename: string;
  contentType: string;
  content: Buffer;
  /** Null until an associate releases it to its associate centre (C29); now for everyone else. */
  releasedToCentreAt?: Date | null;
}

const metadata = {
  id: documents.id,
  key: documents.key,
  kind: documents.kind,
  centreNumber: documents.centreNumber,
  enquiryId: documents.enquiryId,
  filename: documents.filename,
  contentType: documents.contentType,
  sizeBytes: documents.sizeBytes,
  createdAt: documents.createdAt,
  releasedToCentreAt: documents.releasedToCentreAt,
};

export function createDocumentStore(db: Db) {
  return {
    async findByKey(key: string): Promise<StoredDocument | null> {
      const [row] = await db.select(metadata).from(documents).where(eq(documents.key, key));
      return (row as StoredDocument | undefined) ?? null;
    },

    /** Stores the document unless one with the key exists; either way returns the stored one. */
    async put(doc: NewDocument): Promise<StoredDocument> {
      await db
        .insert(documents)
        .values({ ...doc, enquiryId: doc.enquiryId ?? null, sizeBytes: doc.content.length, releasedToCentreAt: doc.releasedToCentreAt === undefined ? new Date() : doc.releasedToCentreAt })
        .onConflictDoNothing();
      const stored = await this.findByKey(doc.key);
      if (!stored) throw new Error(`document ${doc.key} vanished after insert`);
      return stored;
    },

    /**
     * The document with its bytes if the reader may have it: board staff any; an associate those of its associate
     * centres; a centre its own, once released to it (C29).
     */
    async getFor(id: string, reader: { kind: 'board' } | { kind: 'associate'; associateId: string } | { kind: 'centre'; centreNumber: string }): Promise<(StoredDocument & { content: Buffer }) | null> {
      const where =
        reader.kind === 'board'
          ? eq(documents.id, id)
          : reader.kind === 'centre'
            ? and(eq(documents.id, id), eq(documents.centreNumber, reader.centreNumber), isNotNull(documents.releasedToCentreAt))
            : and(eq(documents.id, id), inArray(documents.centreNumber, db.select({ n: centres.number }).from(centres).where(eq(centres.associateId, reader.associateId))));
      const [row] = await db.select({ ...metadata, content: documents.content }).from(documents).where(where);
      return (row as (StoredDocument & { content: Buffer }) | undefined) ?? null;
    },

    /** Shorthand for a centre's own released documents, or any document for board users (centreNumber null). */
    getForCentre(id: string, centreNumber: string | null) {
      return this.getFor(id, centreNumber === null ? { kind: 'board' } : { kind: 'centre', centreNumber });
    },
  };
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;
