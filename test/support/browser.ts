import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { World } from './world';

// Browser tests: the real app on a real port, driven by the system Chromium. One browser per test file; each
// journey uses its own context (its own cookies), so users never share a session.

export const SCREENSHOTS = path.join(__dirname, '..', 'artifacts', 'screenshots');

export interface BrowserRun {
  browser: Browser;
  baseUrl: string;
  /** A fresh, signed-out tab with its own cookies. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function startBrowser(app: World['app']): Promise<BrowserRun> {
  const server = http.createServer(app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    baseUrl,
    async newPage() {
      const context = await browser.newContext({ baseURL: baseUrl, acceptDownloads: true, viewport: { width: 1100, height: 900 } });
      context.setDefaultTimeout(30_000);
      return context.newPage();
    },
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Saves a full-page screenshot as `name`.png and scans the page with axe-core; returns the serious and critical
 * violations (an empty list passes), each as "rule: what, where" so a failure says what to fix.
 */
export async function audit(page: Page, name: string): Promise<string[]> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  // The design system's stylesheet must be applied, or the colour-contrast checks mean nothing.
  const font = await page.evaluate(() => getComputedStyle(document.querySelector('h1') ?? document.body).fontFamily);
  if (!/arial/i.test(font)) return [`${name}: the stylesheet did not load (font-family ${font})`];
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Copies a screenshot to docs/screenshots for the README, when UPDATE_SCREENSHOTS=1 (else every run changes them). */
export function publishScreenshot(name: string): void {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const docs = path.join(__dirname, '..', '..', 'docs', 'screenshots');
  fs.mkdirSync(docs, { recursive: true });
  fs.copyFileSync(path.join(SCREENSHOTS, `${name}.png`), path.join(docs, `${name}.png`));
}

export async function signInAsStaff(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}
