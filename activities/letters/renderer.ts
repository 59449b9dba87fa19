import { chromium, type Browser, type Page } from 'playwright-core';

// Prints HTML to PDF with the system Chromium. One browser per worker process, started on first use and reused, and
// a few tabs kept open and reused: opening a tab costs about 280 ms here, printing a one-page letter in an open tab
// about 50 ms (measured on this two-core machine), so a fresh tab per letter would spend most of its time opening.

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const PDF_OPTIONS = { format: 'A4', printBackground: true, margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' } } as const;

export interface PdfRenderer {
  renderPdf(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

/** `tabs`: letters printed at once (more only queue inside Chromium on two cores). */
export function createPdfRenderer(opts: { chromiumPath: string; tabs?: number }): PdfRenderer {
  const maxTabs = opts.tabs ?? 4;
  let browser: Promise<Browser> | null = null;
  const idle: Page[] = [];
  let open = 0;
  const waiting: Array<(page: Page | null) => void> = [];

  const getBrowser = () => {
    if (!browser) {
      const current: Promise<Browser> = chromium.launch({ executablePath: opts.chromiumPath, args: CHROMIUM_ARGS, headless: true }).then(
        (b) => {
          // A crashed Chromium takes its tabs with it: forget both, and the next letter starts a new one.
          b.on('disconnected', () => {
            if (browser !== current) return;
            browser = null;
            idle.length = 0;
            open = 0;
          });
          return b;
        },
        (err) => {
          browser = null;
          throw err;
        },
      );
      browser = current;
    }
    return browser;
  };

  async function newTab(): Promise<Page> {
    const page = await (await getBrowser()).newPage();
    // Letters carry everything inline; nothing is fetched from the network.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    return page;
  }

  /** An idle tab, a new one while under the limit, or the next one given back. */
  async function takeTab(): Promise<Page> {
    const page = idle.pop();
    if (page) return page;
    if (open < maxTabs) {
      open += 1;
      try {
        return await newTab();
      } catch (err) {
        open -= 1;
        throw err;
      }
    }
    const handed = await new Promise<Page | null>((resolve) => waiting.push(resolve));
    return handed ?? takeTab();
  }

  /** A tab that printed cleanly goes to the next waiter or back to the pool; one that failed is closed. */
  function giveBack(page: Page, healthy: boolean) {
    if (!healthy) {
      open -= 1;
      void page.close().catch(() => undefined);
      waiting.shift()?.(null); // the waiter may open a tab in its place
      return;
    }
    const next = waiting.shift();
    if (next) next(page);
    else idle.push(page);
  }

  return {
    async renderPdf(html) {
      const page = await takeTab();
      let healthy = false;
      try {
        await page.setContent(html, { waitUntil: 'load' });
        const pdf = await page.pdf(PDF_OPTIONS);
        healthy = true;
        return pdf;
      } finally {
        giveBack(page, healthy);
      }
    },
    async close() {
      idle.length = 0;
      open = 0;
      for (const resolve of waiting.splice(0)) resolve(null);
      if (browser) await (await browser).close().catch(() => undefined);
      browser = null;
    },
  };
}
