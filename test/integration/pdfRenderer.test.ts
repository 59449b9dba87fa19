// The one Chromium renderer reuses a few tabs (a new tab costs far more than a print): letters printed at once in
// shared tabs each come out whole and with their own content, and a renderer closed and used again starts afresh.
// Letters asked for together are printed as one document and cut apart, each caller getting exactly its own.
import { extractText } from 'unpdf';
import { combineLetters, createLetterBatcher } from '../../activities/letters/letterBatcher';
import { createPdfRenderer } from '../../activities/letters/renderer';

const letter = (n: number) => `<!doctype html><html lang="en"><head><title>Letter ${n}</title></head><body><h1>Letter number ${n}</h1><p>${'text '.repeat(50)}</p></body></html>`;
const textOf = async (pdf: Buffer) => (await extractText(new Uint8Array(pdf), { mergePages: true })).text;

it('prints 12 letters at once through 3 shared tabs, each with its own content', async () => {
  const pdf = createPdfRenderer({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', tabs: 3 });
  try {
    const printed = await Promise.all(Array.from({ length: 12 }, (_, i) => pdf.renderPdf(letter(i))));
    for (const [i, file] of printed.entries()) {
      expect(file.subarray(0, 5).toString()).toBe('%PDF-');
      expect(await textOf(file)).toMatch(new RegExp(`Letter number ${i}\\b`));
    }
    await pdf.close();
    // Closed (as at a worker's shutdown) and used again: a new browser and new tabs.
    expect(await textOf(await pdf.renderPdf(letter(99)))).toContain('Letter number 99');
  } finally {
    await pdf.close();
  }
}, 60_000);

describe('letters printed in batches (deadline day)', () => {
  const pageCount = async (pdf: Buffer) => (await extractText(new Uint8Array(pdf))).totalPages;
  const long = (n: number) => letter(n).replace('</body>', `${'<p>a long paragraph that runs on and on</p>'.repeat(120)}</body>`);

  it('gives every one of 30 letters asked for at once its own one-page PDF, in fewer prints than letters', async () => {
    const pdf = createPdfRenderer({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', tabs: 2 });
    let prints = 0;
    const counting = { renderPdf: (html: string) => ((prints += 1), pdf.renderPdf(html)), close: () => pdf.close() };
    try {
      const batcher = createLetterBatcher(counting, { maxBatch: 10, concurrency: 1 });
      const printed = await Promise.all(Array.from({ length: 30 }, (_, i) => batcher.renderPdf(letter(i))));
      for (const [i, file] of printed.entries()) {
        expect(await pageCount(file)).toBe(1);
        const text = await textOf(file);
        expect(text).toMatch(new RegExp(`Letter number ${i}\\b`));
        expect(text).not.toMatch(new RegExp(`Letter number (?!${i}\\b)\\d+`));
      }
      // The first letter goes alone at once; the 29 that came while it printed go ten at a time.
      expect(prints).toBe(4);
    } finally {
      await pdf.close();
    }
  }, 60_000);

  it('prints a batch again letter by letter when one letter runs over a page, so each still gets exactly its own', async () => {
    const pdf = createPdfRenderer({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', tabs: 2 });
    try {
      const batcher = createLetterBatcher(pdf, { concurrency: 1 });
      const printed = await Promise.all([letter(1), long(2), letter(3), letter(4)].map((html) => batcher.renderPdf(html)));
      expect(await Promise.all(printed.map(pageCount))).toEqual([1, expect.any(Number), 1, 1]);
      expect(await pageCount(printed[1])).toBeGreaterThan(1);
      for (const [i, file] of printed.entries()) expect(await textOf(file)).toMatch(new RegExp(`Letter number ${i + 1}\\b`));
      expect(await textOf(printed[2])).not.toContain('Letter number 2');
    } finally {
      await pdf.close();
    }
  }, 60_000);

  it('combines only letters of the same layout', () => {
    expect(combineLetters([letter(1), letter(2)])).toContain('break-before: page');
    expect(combineLetters([letter(1), letter(2).replace('<head>', '<head><style>p{}</style>')])).toBeNull();
    expect(combineLetters(['<p>no body</p>', letter(1)])).toBeNull();
  });
});
