import { Readable } from 'node:stream';
import express, { type Request } from 'express';
import { STUDENT_STATUSES } from '../../domain/studentAccounts';
import { asText, type Kit } from './pageKit';
import type { UploadedFile } from './multipart';
import { withCharts } from './students';
import type { AnalysisSeries } from '../../domain/studentAccounts';

// Centre staff (exams officers, managers and assistants, D1): student accounts: import with every failing row (D2),
// export of verification codes (D3), search with every filter (D4) and each account with its actions (D6-D11).

export const IMPORT_FORM_PATH = '/student-accounts/import';

const FILTERS = ['forename', 'surname', 'uci', 'email', 'dateOfBirth', 'schoolYear', 'createdFrom', 'createdTo', 'createdBy', 'mockResults', 'highStakes', 'status'] as const;
const PAGE_SIZE = 50;

interface AccountRow { id: string; forename: string; surname: string; uci: string; candidateNumber: string; email: string | null; schoolYear: string | null; status: string; statusLabel: string; createdAt: string; createdBy: string }
interface Detail {
  account: AccountRow & { dateOfBirth: string; statusExplanation: string; permissions: { mockResults: boolean; highStakes: boolean }; permissionWarning: string; activatedAt: string | null };
  allowedActions: Array<{ name: string; description: string }>;
  events: Array<{ at: string; actor: string | null; kind: string; fromStatus: string | null; toStatus: string | null }>;
}

const STATUS_COLOURS: Record<string, string> = { NotActivated: 'grey', Active: 'green', FailedActivation: 'red', ForgottenPassword: 'orange', Locked: 'red' };

export function studentAccountPages(kit: Kit) {
  const router = express.Router();

  router.get(
    '/student-accounts',
    kit.page(async (req, res) => {
      const filters = Object.fromEntries(FILTERS.map((k) => [k, asText(req.query[k]).trim()]).filter(([, v]) => v !== ''));
      const offset = Math.max(0, Number.parseInt(asText(req.query.offset), 10) || 0);
      const list = await kit.api<{ total: number; accounts: AccountRow[] }>(req, res, 'get', '/api/student-accounts', { query: { ...filters, limit: String(PAGE_SIZE), offset: String(offset) } });
      const base = `/student-accounts?${new URLSearchParams(filters as Record<string, string>)}&offset=`;
      kit.render(req, res, 'studentAccounts', {
        title: 'Student accounts',
        filters,
        statuses: STUDENT_STATUSES.map((s) => ({ value: s, selected: filters.status === s })),
        list: { ...list, accounts: list.accounts.map((a) => ({ ...a, colour: STATUS_COLOURS[a.status] ?? 'grey' })) },
        from: list.total === 0 ? 0 : offset + 1,
        to: offset + list.accounts.length,
        previous: offset > 0 ? `${base}${Math.max(0, offset - PAGE_SIZE)}` : null,
        next: offset + PAGE_SIZE < list.total ? `${base}${offset + PAGE_SIZE}` : null,
      });
    }),
  );

  router.get(
    IMPORT_FORM_PATH,
    kit.page(async (req, res) => {
      await kit.api(req, res, 'get', '/api/student-accounts/imports'); // the same access check as the upload
      kit.render(req, res, 'studentImport', { title: 'Import students', back: { href: '/student-accounts', text: 'Student accounts' } });
    }),
  );

  router.post(
    IMPORT_FORM_PATH,
    kit.page(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, string | UploadedFile | undefined>;
      const file = typeof b.file === 'object' ? b.file : null;
      await kit.submit(req, res, {
        back: IMPORT_FORM_PATH,
        action: async () => {
          // The API reads the CSV as the request body: hand it the uploaded file's bytes as that stream.
          const upload = Object.assign(Readable.from(file && file.content.length > 0 ? [file.content] : []), { headers: { 'content-type': 'text/csv' }, ip: req.ip, session: req.session }) as unknown as Request;
          const r = await kit.api<{ importId: string }>(req, res, 'post', '/api/student-accounts/imports', {
            req: upload,
            query: { consent: b.consent === 'true' ? 'true' : undefined, filename: file?.filename || undefined },
          });
          return `/student-accounts/imports/${r.importId}`;
        },
      });
    }),
  );

  router.get(
    '/student-accounts/imports/:id',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const view = await kit.api<{ import: { phase: string; rows: number; created: number; alreadyRegistered: number; emailsSent: number; failingRows: number; errorCount: number; filename: string }; progress: { percent: number } }>(req, res, 'get', '/api/student-accounts/imports/:id', { params: { id } });
      const errors = view.import.errorCount > 0 ? await kit.api<{ violations: Array<{ line: number; field: string; rule: string; message: string }> }>(req, res, 'get', '/api/student-accounts/imports/:id/errors', { params: { id }, query: { limit: '1000' } }) : { violations: [] };
      const phase = view.import.phase;
      kit.render(req, res, 'studentImportResult', {
        title: `Import of ${view.import.filename}`,
        back: { href: '/student-accounts', text: 'Student accounts' },
        id,
        i: view.import,
        progress: view.progress,
        running: !['completed', 'rejected', 'cancelled'].includes(phase),
        rejected: phase === 'rejected',
        completed: phase === 'completed',
        violations: errors.violations,
      });
    }),
  );

  router.get(
    '/student-accounts/export',
    kit.page(async (req, res) => {
      const { series } = await kit.api<{ series: Array<{ seriesId: string; name: string; enteredCandidates: number }> }>(req, res, 'get', '/api/results-access/series');
      kit.render(req, res, 'studentExport', { title: 'Export verification codes', back: { href: '/student-accounts', text: 'Student accounts' }, series: series.filter((s) => s.enteredCandidates > 0) });
    }),
  );

  router.post(
    '/student-accounts/export',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      await kit.submit(req, res, {
        back: '/student-accounts/export',
        values: { seriesId: asText(b.seriesId) },
        action: async () => {
          const r = await kit.api<{ exportId: string }>(req, res, 'post', '/api/student-accounts/exports', { body: { seriesId: asText(b.seriesId), responsibility: asText(b.responsibility) === 'yes' } });
          return `/student-accounts/exports/${r.exportId}`;
        },
      });
    }),
  );

  router.get(
    '/student-accounts/exports/:id',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const view = await kit.api<{ export: { phase: string; created: number; listed: number; notListed: number; issued: number; seriesId: string }; files: Array<{ kind: string; url: string }> }>(req, res, 'get', '/api/student-accounts/exports/:id', { params: { id } });
      kit.render(req, res, 'studentExportResult', { title: 'Verification codes', back: { href: '/student-accounts', text: 'Student accounts' }, id, e: view.export, files: view.files, running: view.files.length === 0 });
    }),
  );

  router.get(
    '/student-accounts/:id',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const d = await kit.api<Detail>(req, res, 'get', '/api/student-accounts/:id', { params: { id } });
      const can = (name: string) => d.allowedActions.some((a) => a.name === name);
      kit.render(req, res, 'studentAccount', {
        title: `${d.account.forename} ${d.account.surname}`,
        back: { href: '/student-accounts', text: 'Student accounts' },
        d,
        colour: STATUS_COLOURS[d.account.status] ?? 'grey',
        canChangeEmail: can('change-email'),
        canReactivate: can('reactivate'),
        canPermissions: can('permissions'),
        actions: d.allowedActions,
      });
    }),
  );

  const action = (path: string, run: (req: Request, res: express.Response, id: string, b: Record<string, unknown>) => Promise<unknown>, notice: string) =>
    router.post(
      `/student-accounts/:id/${path}`,
      kit.page(async (req, res) => {
        const id = String(req.params.id);
        const b = req.body as Record<string, unknown>;
        await kit.submit(req, res, {
          back: `/student-accounts/${id}`,
          values: Object.fromEntries(Object.entries(b).filter(([k]) => k !== '_csrf')),
          notice: { title: notice, text: '' },
          action: async () => {
            await run(req, res, id, b);
          },
        });
      }),
    );
  action('email', (req, res, id, b) => kit.api(req, res, 'put', '/api/student-accounts/:id/email', { params: { id }, body: { email: asText(b.email) } }), 'Email address changed and a new welcome email sent [D6]');
  action('reactivate', (req, res, id) => kit.api(req, res, 'post', '/api/student-accounts/:id/reactivate', { params: { id } }), 'Account reactivated: a new activation link was emailed [D7, D9]');
  action(
    'permissions',
    (req, res, id, b) =>
      kit.api(req, res, 'put', '/api/student-accounts/:id/permissions', {
        params: { id },
        body: { mockResults: asText(b.mockResults) === 'yes', highStakes: asText(b.highStakes) === 'yes', confirmRemoval: asText(b.confirmRemoval) === 'yes' },
      }),
    'Permissions saved [D10]',
  );

  router.get(
    '/student-accounts/:id/analysis',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const a = await kit.api<{ student: { name: string; uci: string }; highStakes: { shown: boolean; series?: AnalysisSeries[]; message?: string }; mock: { shown: boolean; series?: AnalysisSeries[]; message?: string } }>(req, res, 'get', '/api/student-accounts/:id/analysis', { params: { id } });
      kit.render(req, res, 'studentAnalysis', { title: `Results analysis: ${a.student.name}`, back: { href: `/student-accounts/${id}`, text: 'Back to the account' }, viewerIsStaff: true, a, highStakes: withCharts(a.highStakes.series, 'hs'), mock: withCharts(a.mock.series, 'mock') });
    }),
  );

  return router;
}
