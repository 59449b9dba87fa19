import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNull,
  PDFPageLeaf,
  PDFRef,
  PDFStream,
  type PDFContext,
  type PDFObject,
} from 'pdf-lib';

// Page-level surgery on PDFs that Chromium printed, without re-rendering: one many-page PDF becomes single-page PDFs
// (the zip of letters) and a part of a bigger PDF (the combined letters file: a header, every batch's part in
// order, then a trailer with the page tree and a cross-reference subsection per part).
//
// pdf-lib parses; the writing is ours. pdf-lib's own copyPages + save rebuilds a whole document per output and is
// several times slower for thousands of small files. Here each output is just the objects reachable from its pages,
// renumbered and written as they are (streams stay compressed, fonts are not re-encoded), with a classic xref table.
// A part's objects are numbered in a range kept for its batch, so parts made in parallel never need renumbering.

const PARENT = PDFName.of('Parent');
const INHERITABLE = ['Resources', 'MediaBox', 'CropBox', 'Rotate'].map((n) => PDFName.of(n));
/** An unresolvable reference becomes null, as PDF readers treat it. */
const PDF_NULL = PDFNull;
const HEADER = Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1');

/** A parsed PDF whose pages can be written elsewhere. */
export interface ParsedPdf {
  context: PDFContext;
  pages: PDFPageLeaf[];
}

export async function parsePdf(bytes: Uint8Array): Promise<ParsedPdf> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  return { context: doc.context, pages: doc.getPages().map((p) => p.node) };
}

/** Serialises one object with its references renumbered by `refOf`; streams are copied as they are. */
function serialise(obj: PDFObject, refOf: (ref: PDFRef) => number, out: Array<string | Uint8Array>, pageParent?: number): void {
  if (obj instanceof PDFRef) {
    out.push(`${refOf(obj)} 0 R`);
  } else if (obj instanceof PDFStream) {
    serialise(obj.dict, refOf, out);
    out.push('\nstream\n', obj.getContents(), '\nendstream');
  } else if (obj instanceof PDFDict) {
    out.push('<<');
    for (const [key, value] of obj.entries()) {
      if (pageParent !== undefined && key === PARENT) continue;
      out.push(key.toString(), ' ');
      serialise(value, refOf, out);
      out.push('\n');
    }
    if (pageParent !== undefined && obj instanceof PDFPageLeaf) {
      // Attributes a page inherits from the page tree travel with it, since the tree does not.
      for (const name of INHERITABLE) {
        if (obj.has(name)) continue;
        const inherited = obj.getInheritableAttribute(name);
        if (inherited === undefined) continue;
        out.push(name.toString(), ' ');
        serialise(inherited, refOf, out);
        out.push('\n');
      }
      if (pageParent > 0) out.push(`/Parent ${pageParent} 0 R\n`);
    }
    out.push('>>');
  } else if (obj instanceof PDFArray) {
    out.push('[');
    const items = obj.asArray();
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out.push(' ');
      serialise(items[i], refOf, out);
    }
    out.push(']');
  } else {
    out.push(obj.toString());
  }
}

const toBuffer = (parts: Array<string | Uint8Array>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));

/**
 * Numbers the objects reachable from some pages from `base` up (the pages themselves first, so page i is object
 * base + i) and serialises them, recording each object's offset from the start of the bytes.
 */
function writeObjects(pdf: ParsedPdf, indices: number[], base: number): { chunks: Buffer[]; offsets: number[]; size: number } {
  const numbers = new Map<string, number>();
  const queue: Array<[number, PDFObject, boolean]> = [];
  const refOf = (ref: PDFRef): number => {
    let n = numbers.get(ref.tag);
    if (n === undefined) {
      n = base + numbers.size;
      numbers.set(ref.tag, n);
      queue.push([n, pdf.context.lookup(ref) ?? PDF_NULL, false]);
    }
    return n;
  };
  for (const i of indices) {
    const page = pdf.pages[i];
    const ref = page && pdf.context.getObjectRef(page);
    if (!ref) throw new Error(`page ${i} is not an indirect object`);
    refOf(ref);
    queue[queue.length - 1][2] = true;
  }
  // Breadth-first: serialising an object numbers (and queues) the objects it references, so the numbers are
  // contiguous from `base` in queue order.
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  let size = 0;
  for (let q = 0; q < queue.length; q++) {
    const [n, obj, isPage] = queue[q];
    const parts: Array<string | Uint8Array> = [`${n} 0 obj\n`];
    serialise(obj, refOf, parts, isPage ? 2 : undefined);
    parts.push('\nendobj\n');
    const buf = toBuffer(parts);
    offsets.push(size);
    size += buf.length;
    chunks.push(buf);
  }
  return { chunks, offsets, size };
}

const xrefLine = (offset: number) => `${String(offset).padStart(10, '0')} 00000 n\r\n`;

/** Where a part sits in the finished file, and what it holds. */
export interface PlacedPart {
  /** Byte position of the part in the file. */
  start: number;
  /** The part's first object number; its objects are numbered base, base + 1, ... */
  base: number;
  /** Each object's offset inside the part. */
  offsets: number[];
  /** The object numbers of the pages to show, in order (a page left out stays in the file, unreachable). */
  pages: number[];
}

/** Page tree, catalog, cross-reference table (a subsection per part) and trailer, written at byte `at`. */
export function pdfTrailer(parts: PlacedPart[], at: number): Buffer {
  const kids = parts.flatMap((p) => p.pages);
  const pagesObj = `2 0 obj\n<</Type /Pages /Count ${kids.length} /Kids [${kids.map((n) => `${n} 0 R`).join(' ')}]>>\nendobj\n`;
  const catalogObj = '1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n';
  const xrefAt = at + pagesObj.length + catalogObj.length;
  const lines = ['xref\n0 3\n', '0000000000 65535 f\r\n', xrefLine(at + pagesObj.length), xrefLine(at)];
  let size = 3;
  for (const p of parts) {
    if (p.offsets.length === 0) continue;
    lines.push(`${p.base} ${p.offsets.length}\n`);
    for (const o of p.offsets) lines.push(xrefLine(p.start + o));
    size = Math.max(size, p.base + p.offsets.length);
  }
  lines.push(`trailer\n<</Size ${size} /Root 1 0 R>>\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.from(pagesObj + catalogObj + lines.join(''), 'latin1');
}

/** The start of every PDF we write. */
export const PDF_HEADER = HEADER;

/**
 * A batch's pages as a part of a bigger PDF: objects numbered from `base` (the pages first), to be placed between
 * PDF_HEADER and a pdfTrailer. Refuses to use more than `maxObjects` numbers, the range kept for the batch.
 */
export function pdfPart(pdf: ParsedPdf, base: number, maxObjects: number): { bytes: Buffer; offsets: number[] } {
  const { chunks, offsets } = writeObjects(pdf, pdf.pages.map((_, i) => i), base);
  if (offsets.length > maxObjects) throw new Error(`a batch's letters need ${offsets.length} PDF objects, more than the ${maxObjects} kept for it`);
  return { bytes: Buffer.concat(chunks), offsets };
}

/** One page of a parsed PDF as a PDF of its own. */
export function singlePagePdf(pdf: ParsedPdf, index: number): Buffer {
  const { chunks, offsets, size } = writeObjects(pdf, [index], 3);
  const placed: PlacedPart = { start: HEADER.length, base: 3, offsets, pages: [3] };
  return Buffer.concat([HEADER, ...chunks, pdfTrailer([placed], HEADER.length + size)]);
}
