import { chromium, type Browser } from 'playwright-core';

// Prints HTML to PDF with the system Chromium. One browser per worker process, started on first use and reused;
// each letter gets its own page, closed in `finally` so a failed render never leaks a tab.

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface PdfRenderer {
  renderPdf(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

export function createPdfRenderer(opts: { chromiumPath: string }): PdfRenderer {
  let browser: Promise<Browser> | null = null;
  const getBrowser = () => {
    browser ??= chromium.launch({ executablePath: opts.chromiumPath, args: CHROMIUM_ARGS, headless: true }).catch((err) => {
      browser = null;
      throw err;
    });
    return browser;
  };
  return {
    async renderPdf(html) {
      const page = await (await getBrowser()).newPage();
      try {
        // Letters carry everything inline; nothing is fetched from the network.
        await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' } });
      } finally {
        await page.close();
      }
    },
    async close() {
      if (browser) await (await browser).close().catch(() => undefined);
      browser = null;
    },
  };
}
