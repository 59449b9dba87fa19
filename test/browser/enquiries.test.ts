// In a real browser: a centre creates, saves and submits an enquiry, board staff receive, acknowledge and complete it
// with a grade change, and the centre sees each status; an associate approves one enquiry, rejects another and
// releases a document (RULES.md C17-C29). Every page visited passes axe-core with no serious or critical issue.
import { eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { enquiries } from '../../db/schema';
import { createFixture, PASSWORD, type Fixture } from '../support/fixtures';
import { audit, publishScreenshot, signInAsStaff, startBrowser, type BrowserRun } from '../support/browser';
import { eventually, signIn, startWorld, type World } from '../support/world';

let world: World;
let run: BrowserRun;
const problems: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  run = await startBrowser(world.app);
});
afterAll(async () => {
  await run?.close();
  await world?.close();
});

/** Reloads `url` until `locator` shows (the lists read PostgreSQL, which the workflow updates a moment later). */
async function untilShown(page: Page, url: string, locator: () => Locator): Promise<void> {
  await eventually(async () => {
    await page.goto(url);
    return (await locator().count()) > 0 ? true : undefined;
  }, 60_000);
}

const statusOf = (page: Page) => page.locator('#status').textContent();
// The success banner of the action just taken; the board's pages may also show an Alerts banner (C25).
const notice = (page: Page) => page.locator('.govuk-notification-banner[aria-labelledby="notice-title"]').textContent();

describe('centre and board', () => {
  let f: Fixture;
  let centre: Page;
  let board: Page;
  let enquiryUrl: string;

  beforeAll(async () => {
    f = await createFixture(world.database.db, { candidates: 6 });
    centre = await run.newPage();
    board = await run.newPage();
    await signInAsStaff(centre, f.officer, PASSWORD);
    await signInAsStaff(board, f.boardStaff, PASSWORD);
  });

  it('[C23] [C24] a centre creates an enquiry step by step, saves it, and submits it only with both declarations', async () => {
    await centre.goto(`/enquiries/new?seriesId=${f.seriesId}`);
    await expect(centre.locator('.govuk-inset-text').textContent()).resolves.toContain(f.centreEmail);
    problems.push(...(await audit(centre, 'enquiry-step-1')));
    await centre.getByLabel('Service 1: clerical re-check', { exact: true }).check();
    await centre.getByLabel('Syllabus').selectOption(f.maths);
    await centre.getByLabel('Note (optional)').fill('Browser journey');
    await centre.getByRole('button', { name: 'Continue' }).click();

    await centre.getByLabel(/^11 Paper 1/).check();
    await centre.getByLabel(/^13 Paper 3/).check();
    await centre.getByLabel(/Candidate 0001 /).check();
    problems.push(...(await audit(centre, 'enquiry-step-2')));
    publishScreenshot('enquiry-step-2');
    const form = await centre.locator('form[action="/enquiries/new"]').evaluate((el) =>
      Array.from(el.querySelectorAll<HTMLInputElement>('input[name], textarea[name], select[name]'))
        .filter((i) => !['checkbox', 'radio'].includes(i.type) || i.checked)
        .map((i) => [i.name, i.value]),
    );
    await centre.getByRole('button', { name: 'Save as draft' }).click();
    await expect(notice(centre)).resolves.toContain('Enquiry saved');
    await expect(statusOf(centre)).resolves.toBe('Saved');
    enquiryUrl = new URL(centre.url()).pathname;

    // The same form sent again (Save pressed twice, or again after a 503) saves the same draft, not a second one.
    const again = await centre.request.post('/enquiries/new', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, data: new URLSearchParams(form).toString(), maxRedirects: 0 });
    expect(again.status()).toBe(303);
    expect(again.headers().location).toBe(enquiryUrl);
    await expect(world.database.db.$count(enquiries, eq(enquiries.centreNumber, f.centreNumber))).resolves.toBe(1);

    await centre.getByLabel(/candidates agreed/).check();
    await centre.getByRole('button', { name: 'Submit', exact: true }).click();
    await expect(centre.locator('.govuk-error-summary').textContent()).resolves.toContain('[C24]');
    problems.push(...(await audit(centre, 'enquiry-declarations-error')));

    await centre.getByLabel(/candidates agreed/).check();
    await centre.getByLabel(/pay the fee/).check();
    await centre.getByRole('button', { name: 'Submit', exact: true }).click();
    await expect(notice(centre)).resolves.toContain('Enquiry submitted');
    await expect(statusOf(centre)).resolves.toBe('Submitted');

    await untilShown(centre, '/enquiries?q=Browser+journey', () => centre.locator('tbody tr', { hasText: 'Submitted' }));
    problems.push(...(await audit(centre, 'enquiry-list')));
    publishScreenshot('enquiry-list');
    expect(problems).toEqual([]);
  });

  it('[C15] [C25] [C20] [C29] board staff receive and acknowledge it from the queue; the centre sees the amendment countdown', async () => {
    const row = () => board.locator('tbody tr', { hasText: f.centreNumber });
    await untilShown(board, `/board?seriesId=${f.seriesId}`, row);
    problems.push(...(await audit(board, 'board-queue')));
    await row().getByRole('button', { name: /Receive/ }).click();
    await expect(notice(board)).resolves.toContain('Enquiry received');
    await untilShown(board, `/board?seriesId=${f.seriesId}`, () => row().getByRole('button', { name: /Acknowledge/ }));
    await row().getByRole('button', { name: /Acknowledge/ }).click();
    await expect(notice(board)).resolves.toContain('Enquiry acknowledged');
    publishScreenshot('board-queue');

    await centre.goto(enquiryUrl);
    await expect(statusOf(centre)).resolves.toBe('Acknowledged');
    await expect(centre.locator('[data-countdown-until]').textContent()).resolves.toMatch(/hours .* left/);
    await expect(centre.getByRole('link', { name: /Ack:/ }).count()).resolves.toBe(1);
    problems.push(...(await audit(centre, 'enquiry-acknowledged')));
    publishScreenshot('enquiry-acknowledged');

    // C29: an error in the acknowledgement letter, reported within 24 hours of its issue.
    await centre.getByText('Report an error in the acknowledgement letter').click();
    await centre.getByLabel('What is wrong').fill('The candidate number on the letter is wrong.');
    await centre.getByRole('button', { name: 'Report the error' }).click();
    await expect(notice(centre)).resolves.toContain('Error reported');

    // C20: amending inside the 24-hour window is free.
    await centre.getByRole('button', { name: 'Amend' }).or(centre.getByRole('link', { name: 'Amend' })).click();
    problems.push(...(await audit(centre, 'enquiry-amend')));
    await centre.getByLabel('Note (optional)').fill('Browser journey, amended');
    await centre.getByRole('button', { name: 'Amend the enquiry' }).click();
    await expect(notice(centre)).resolves.toContain('Enquiry amended');
    await expect(centre.locator('.govuk-summary-list').first().textContent()).resolves.toContain('Browser journey, amended');
    expect(problems).toEqual([]);
  });

  it('[C28] board staff complete it with a grade change, and the centre sees it completed with its documents', async () => {
    await board.goto(enquiryUrl);
    await board.getByLabel('New mark for component 11 (blank if unchanged)').fill('62');
    await board.getByLabel(/Syllabus grade after the enquiry/).fill('B');
    problems.push(...(await audit(board, 'board-outcome')));
    await board.getByRole('button', { name: 'Record the outcome' }).click();
    await expect(notice(board)).resolves.toContain('Outcome recorded');
    await expect(statusOf(board)).resolves.toBe('Completed');
    await expect(board.locator('#outcome').textContent()).resolves.toContain('C to B');
    problems.push(...(await audit(board, 'board-completed')));
    await board.goto(`/board/series?q=${f.seriesId}`);
    await expect(board.locator('tbody').textContent()).resolves.toContain(f.seriesId);
    problems.push(...(await audit(board, 'board-series')));

    await centre.goto(enquiryUrl);
    await expect(statusOf(centre)).resolves.toBe('Completed');
    await expect(centre.getByRole('link', { name: /Out:/ }).count()).resolves.toBe(1);
    await expect(centre.getByRole('link', { name: /SoR:/ }).count()).resolves.toBe(1);
    problems.push(...(await audit(centre, 'enquiry-completed')));
    publishScreenshot('enquiry-completed');
    expect(problems).toEqual([]);
  });

  it('[C19] board staff attach a copy of the script as a PDF file from the enquiry page', async () => {
    const api = await signIn(world.app, f.officer, PASSWORD);
    const created = await api.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1S', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: ['0002'], note: 'Script copy' } }).expect(201);
    const id = created.body.enquiryId as string;
    await api.post(`/api/enquiries/${id}/submit`, { declarations: [true, true] }).expect(200);
    const boardApi = await signIn(world.app, f.boardStaff, PASSWORD);
    await boardApi.post(`/api/board/enquiries/${id}/receive`).expect(200);
    await boardApi.post(`/api/board/enquiries/${id}/acknowledge`).expect(200);

    await board.goto(`/enquiries/${id}`);
    await board.getByLabel('Document').selectOption('CoS');
    await board.getByLabel('PDF file').setInputFiles({ name: 'script-0002.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% a stand-in script\n%%EOF\n') });
    problems.push(...(await audit(board, 'board-attach')));
    await board.getByRole('button', { name: 'Attach' }).click();
    await expect(notice(board)).resolves.toContain('Copy of script attached');
    await expect(board.getByRole('link', { name: /CoS: script-0002\.pdf/ }).count()).resolves.toBe(1);
    expect(problems).toEqual([]);
  });
});

describe('associate', () => {
  it('[C17] [C29] an associate approves one enquiry, rejects another, and releases a document', async () => {
    const f = await createFixture(world.database.db, { candidates: 6, associate: true });
    const api = await signIn(world.app, f.officer, PASSWORD);
    const make = async (candidate: string, note: string) => {
      const created = await api.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['11'], candidateNumbers: [candidate], note } }).expect(201);
      await api.post(`/api/enquiries/${created.body.enquiryId}/submit`, { declarations: [true, true] }).expect(200);
      return created.body.enquiryId as string;
    };
    const approveId = await make('0001', 'Approve me');
    const rejectId = await make('0002', 'Reject me');

    const page = await run.newPage();
    await signInAsStaff(page, f.associateStaff, PASSWORD);
    await untilShown(page, '/associate', () => page.locator('tbody tr', { hasText: 'Reject me' }));
    problems.push(...(await audit(page, 'associate-approvals')));
    publishScreenshot('associate-approvals');
    await page.locator('tbody tr', { hasText: 'Approve me' }).getByRole('button', { name: /^Approve/ }).click();
    await expect(notice(page)).resolves.toContain('Enquiry approved');

    const rejectRow = page.locator('tbody tr', { hasText: 'Reject me' });
    await rejectRow.getByRole('button', { name: /^Reject/ }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('[C17]');
    problems.push(...(await audit(page, 'associate-reject-error')));
    await page.locator('tbody tr', { hasText: 'Reject me' }).getByLabel('Reason').fill('Not enough evidence for a re-check.');
    await page.locator('tbody tr', { hasText: 'Reject me' }).getByRole('button', { name: /^Reject/ }).click();
    await expect(notice(page)).resolves.toContain('Enquiry rejected');

    // The board receives and acknowledges the approved one (through the API): its Ack letter waits for release.
    const board = await signIn(world.app, f.boardStaff, PASSWORD);
    await eventually(async () => ((await board.get(`/api/enquiries/${approveId}`)).body.enquiry?.status === 'Submitted' ? true : undefined));
    await board.post(`/api/board/enquiries/${approveId}/receive`).expect(200);
    await board.post(`/api/board/enquiries/${approveId}/acknowledge`).expect(200);

    await untilShown(page, '/associate', () => page.getByRole('checkbox', { name: /Release Ack/ }));
    await page.getByRole('checkbox', { name: /Release Ack/ }).check();
    problems.push(...(await audit(page, 'associate-documents')));
    await page.getByRole('button', { name: 'Release the selected documents' }).click();
    await expect(notice(page)).resolves.toContain('Documents released for 1 enquiry');

    await page.goto(`/enquiries/${rejectId}`);
    await expect(statusOf(page)).resolves.toBe('Rejected');
    await page.goto(`/enquiries?q=Approve+me`);
    problems.push(...(await audit(page, 'associate-enquiries')));

    const centre = await run.newPage();
    await signInAsStaff(centre, f.officer, PASSWORD);
    await centre.goto(`/enquiries/${approveId}`);
    await expect(centre.getByRole('link', { name: /Ack:/ }).count()).resolves.toBe(1);
    await centre.goto(`/enquiries/${rejectId}`);
    await expect(centre.locator('.govuk-summary-list').textContent()).resolves.toContain('Not enough evidence');
    expect(problems).toEqual([]);
  });
});
