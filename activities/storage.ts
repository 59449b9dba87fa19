import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { documents } from '../db/schema';
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
}

export interface NewDocument {
  key: string;
  kind: DocumentKind;
  centreNumber: string | null;
  enquiryId?: string | null;
  filename: string;
  contentType: string;
  content: Buffer;
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
        .values({ ...doc, enquiryId: doc.enquiryId ?? null, sizeBytes: doc.content.length })
        .onConflictDoNothing();
      const stored = await this.findByKey(doc.key);
      if (!stored) throw new Error(`document ${doc.key} vanished after insert`);
      return stored;
    },

    /** The document with its bytes, only if it belongs to the centre (or to nobody's centre, for board users). */
    async getForCentre(id: string, centreNumber: string | null): Promise<(StoredDocument & { content: Buffer }) | null> {
      const where = centreNumber === null ? eq(documents.id, id) : and(eq(documents.id, id), eq(documents.centreNumber, centreNumber));
      const [row] = await db.select({ ...metadata, content: documents.content }).from(documents).where(where);
      return (row as (StoredDocument & { content: Buffer }) | undefined) ?? null;
    },
  };
}

export type DocumentStore = ReturnType<typeof createDocumentStore>;
