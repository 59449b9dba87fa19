import type { PdfRenderer } from './renderer';
import { parsePdf, singlePagePdf } from './pdfPages';

// Prints letters that arrive together as one document and cuts it into one PDF per letter. On deadline day every
// acknowledgement is its own activity, and each `page.pdf()` costs Chromium about 40 ms of fixed work however short
// the letter; the same call printing twenty letters costs little more than one (BENCHMARKS.md, issue 9).
//
// Group commit, as databases do with their log: when nothing is printing, a letter is printed at once, so a quiet
// day adds no delay; while a print is running, the letters that arrive wait and go together in the next one. The
// busier the day, the bigger the batches.
//
// A letter that turns out longer than one page cannot be cut out by page: a batch whose PDF has more pages than
// letters is printed again one letter at a time, so every caller still gets exactly its own letter.

export interface LetterBatcher {
  /** The letter's PDF, the same as PdfRenderer.renderPdf would give. */
  renderPdf(html: string): Promise<Buffer>;
}

interface Waiting {
  html: string;
  resolve(pdf: Buffer): void;
  reject(err: unknown): void;
}

/** A letter document cut into the part every letter of its layout shares (head) and its own (body). */
function split(html: string): { head: string; body: string } | null {
  const open = /<body[^>]*>/i.exec(html);
  const close = html.toLowerCase().lastIndexOf('</body>');
  if (!open || close < open.index) return null;
  // The title only names the PDF; letters whose heads differ only by it share a layout.
  const head = html.slice(0, open.index).replace(/<title>[\s\S]*?<\/title>/i, '');
  return { head, body: html.slice(open.index + open[0].length, close) };
}

/** One document holding every letter, each starting on a new page. Null if their layouts differ. */
export function combineLetters(htmls: string[]): string | null {
  const parts = htmls.map(split);
  if (parts.some((p) => p === null || p.head !== parts[0]!.head)) return null;
  const sections = parts.map((p, i) => `<section style="${i === 0 ? '' : 'break-before: page; '}display: flow-root">${p!.body}</section>`);
  return `${parts[0]!.head}<body>${sections.join('\n')}</body></html>`;
}

export function createLetterBatcher(renderer: PdfRenderer, opts: { maxBatch?: number; concurrency?: number } = {}): LetterBatcher {
  const maxBatch = opts.maxBatch ?? 25;
  // One print at a time makes the biggest batches; measured on two cores, a second one in parallel printed no more
  // letters a second and used a quarter more of Chromium's CPU (smaller batches).
  const concurrency = opts.concurrency ?? 1;
  const queue: Waiting[] = [];
  let printing = 0;

  const printAlone = async (w: Waiting) => {
    try {
      w.resolve(await renderer.renderPdf(w.html));
    } catch (err) {
      w.reject(err);
    }
  };

  async function print(batch: Waiting[]): Promise<void> {
    const combined = batch.length > 1 ? combineLetters(batch.map((w) => w.html)) : null;
    if (combined === null) {
      await Promise.all(batch.map(printAlone));
      return;
    }
    let pdf: Buffer;
    try {
      pdf = await renderer.renderPdf(combined);
    } catch {
      // Whatever broke the batch (a crashed tab) may not break each letter: each gets its own try and error.
      await Promise.all(batch.map(printAlone));
      return;
    }
    const parsed = await parsePdf(pdf);
    if (parsed.pages.length !== batch.length) {
      await Promise.all(batch.map(printAlone));
      return;
    }
    batch.forEach((w, i) => w.resolve(singlePagePdf(parsed, i)));
  }

  function next(): void {
    while (printing < concurrency && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      printing += 1;
      void print(batch)
        .catch((err) => batch.forEach((w) => w.reject(err)))
        .finally(() => {
          printing -= 1;
          next();
        });
    }
  }

  return {
    renderPdf(html) {
      return new Promise<Buffer>((resolve, reject) => {
        queue.push({ html, resolve, reject });
        next();
      });
    },
  };
}
