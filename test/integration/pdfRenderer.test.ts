// The one Chromium renderer reuses a few tabs (a new tab costs far more than a print): letters printed at once in
// shared tabs each come out whole and with their own content, and a renderer closed and used again starts afresh.
import { extractText } from 'unpdf';
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
