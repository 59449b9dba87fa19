// In a real browser: a centre signs in, sees its deadlines, gives ALL candidates access to the results website and
// downloads both letter files (RULES.md A4-A10). Every page visited passes axe-core with no serious or critical issue.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { createAccessFixture, PASSWORD, type AccessFixture } from '../support/accessFixtures';
import { audit, publishScreenshot, signInAsStaff, startBrowser, type BrowserRun } from '../support/browser';
import { startWorld, type World } from '../support/world';

let world: World;
let run: BrowserRun;
let f: AccessFixture;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  run = await startBrowser(world.app);
  f = await createAccessFixture(world.database.db, { candidates: 6 });
  page = await run.newPage();
});
afterAll(async () => {
  await run?.close();
  await world?.close();
});

it('a wrong password shows the error summary, and the right one opens the home page with every deadline', async () => {
  await page.goto('/sign-in');
  problems.push(...(await audit(page, 'sign-in')));
  await page.getByLabel('Email address').fill(f.officer);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.govuk-error-summary').textContent()).resolves.toMatch(/is not right/);
  problems.push(...(await audit(page, 'sign-in-error')));

  await signInAsStaff(page, f.officer, PASSWORD);
  const card = page.locator('.govuk-summary-card', { hasText: f.seriesName });
  await expect(card.textContent()).resolves.toMatch(/Deadline for enquiries about results[\s\S]*days left/);
  await expect(card.textContent()).resolves.toContain('NO candidates have access');
  problems.push(...(await audit(page, 'centre-home')));
  publishScreenshot('centre-home');
  expect(problems).toEqual([]);
});

it('[A5] ALL without the agreement and contact is refused, with each message beside its field', async () => {
  await page.goto(`/results-access/${f.seriesId}`);
  problems.push(...(await audit(page, 'results-access-series')));
  await page.getByLabel('ALL candidates').check();
  await page.getByRole('button', { name: 'Confirm access' }).click();
  const summary = page.locator('.govuk-error-summary');
  await expect(summary.textContent()).resolves.toContain('[A5]');
  await expect(page.locator('#agreement-error').textContent()).resolves.toContain('agree');
  await expect(page.getByLabel('ALL candidates').isChecked()).resolves.toBe(true);
  problems.push(...(await audit(page, 'results-access-errors')));
  expect(problems).toEqual([]);
});

it('[A8] [A9] [A10] a centre gives ALL candidates access and downloads the PDF and the zip of letters', async () => {
  await page.getByLabel('ALL candidates').check();
  await page.getByLabel("We agree to handle our candidates' queries about the results website").check();
  await page.getByLabel('Name', { exact: true }).fill('Quinn Query');
  await page.getByLabel('Telephone number').fill('+44 20 7946 0000');
  await page.getByLabel('Email address').fill('queries@centre.example');
  await page.getByRole('button', { name: 'Confirm access' }).click();
  await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toContain('Access saved');
  await expect(page.locator('#access-summary').textContent()).resolves.toBe('ALL candidates have access');
  problems.push(...(await audit(page, 'results-access-progress')));

  // The page's script polls the progress and reloads the page when the letters are ready.
  const pdfLink = page.getByRole('link', { name: /PDF, a page per candidate/ });
  await pdfLink.first().waitFor({ timeout: 120_000 });
  problems.push(...(await audit(page, 'results-access-letters')));
  publishScreenshot('results-access-letters');

  const [pdf] = await Promise.all([page.waitForEvent('download'), pdfLink.first().click()]);
  const pdfBytes = fs.readFileSync((await pdf.path())!);
  expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
  const [zip] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Zip, a PDF per candidate/ }).first().click()]);
  const zipBytes = fs.readFileSync((await zip.path())!);
  expect(zipBytes.subarray(0, 2).toString()).toBe('PK');
  expect(zip.suggestedFilename()).toMatch(/\.zip$/);

  await page.goto(`/results-access/${f.seriesId}/candidates?q=Tester2`);
  await expect(page.locator('tbody tr').count()).resolves.toBe(1);
  await expect(page.locator('tbody').textContent()).resolves.toContain('Active');
  problems.push(...(await audit(page, 'results-access-candidates')));

  await page.goto('/invoices');
  await expect(page.locator('h1').textContent()).resolves.toBe('Invoices');
  problems.push(...(await audit(page, 'centre-invoices')));
  expect(problems).toEqual([]);
});

it('(DESIGN rule 8) a form without its CSRF cookie is refused with an error page, not a JSON answer', async () => {
  const fresh = await run.newPage();
  await fresh.goto('/sign-in');
  await fresh.context().clearCookies();
  await fresh.getByLabel('Email address').fill(f.officer);
  await fresh.getByLabel('Password').fill(PASSWORD);
  await fresh.getByRole('button', { name: 'Sign in' }).click();
  await expect(fresh.locator('h1').textContent()).resolves.toBe('The form expired');
  expect(await audit(fresh, 'csrf-expired')).toEqual([]);
});
