import express from 'express';
import { CENTRE_STAFF_ROLES } from '../../domain/model';
import { forbidden } from '../errors';
import { requireUser } from '../routeTable';
import { asText, userOf, type Kit } from './pageKit';

// Pages behind the links in our emails and a centre's account chores: setting a password from an emailed link
// (B4, B8), a staff or teacher's forgotten password (B4), locked accounts with early unlock (B3), the candidates' ID
// and Secret Number for registering (B1), and invoices (C22). Older email links point at /centre/…, /associate/…,
// /board/… and /results; they lead to the pages that show those things now.

interface Lock { accountKind: string; accountId: string; lockedUntil: string; name?: string; username?: string; candidateNumber?: string }
interface Invoice { id: string; seriesId: string; totalPence: number; documentId: string | null; createdAt: string }

export function accountPages(kit: Kit) {
  const router = express.Router();

  for (const who of ['centre', 'associate', 'board']) {
    router.get(`/${who}/enquiries/:id`, (req, res) => res.redirect(302, `/enquiries/${encodeURIComponent(String(req.params.id))}`));
  }
  router.get('/results', (_req, res) => res.redirect(302, '/candidates/results'));
  router.get('/centre/invoices', (_req, res) => res.redirect(302, '/invoices'));

  router.get(
    '/set-password',
    kit.page(async (req, res) => {
      kit.render(req, res, 'setPassword', { title: 'Choose a password', token: asText(req.query.token) });
    }),
  );
  router.post(
    '/set-password',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const token = asText(b.token);
      await kit.submit(req, res, {
        back: `/set-password?token=${encodeURIComponent(token)}`,
        action: async () => {
          const r = await kit.api<{ signInWith: string }>(req, res, 'post', '/api/password-links/use', { body: { token, password: asText(b.password) } });
          kit.setFlash(req, { notice: { title: 'Your password is set', text: `Sign in with ${r.signInWith} and your new password.` } });
          // Candidates' registered accounts sign in on the results portal; staff and teachers here.
          return asText(b.portal) === 'candidate' ? '/candidates/sign-in' : '/sign-in';
        },
      });
    }),
  );

  router.get(
    '/forgotten-password',
    kit.page(async (req, res) => {
      kit.render(req, res, 'staffForgotten', { title: 'Forgotten your password?' });
    }),
  );
  router.post(
    '/forgotten-password',
    kit.page(async (req, res) => {
      const email = asText((req.body as Record<string, unknown>).email);
      await kit.submit(req, res, {
        back: '/forgotten-password',
        values: { email },
        action: async () => {
          const { message } = await kit.api<{ message: string }>(req, res, 'post', '/api/session/password-reset', { body: { email } });
          kit.setFlash(req, { notice: { title: 'Check your email', text: `${message} [B4]` } });
          return '/sign-in';
        },
      });
    }),
  );

  router.get(
    '/teachers/invite',
    kit.page(async (req, res) => {
      const user = requireUser(userOf(req));
      const staff = user.roles.some((r) => r === 'board_staff' || CENTRE_STAFF_ROLES.includes(r));
      if (!staff) throw forbidden();
      kit.render(req, res, 'teacherInvite', { title: 'Invite a teacher', boardStaff: user.roles.includes('board_staff') });
    }),
  );
  router.post(
    '/teachers/invite',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const body = { name: asText(b.name), email: asText(b.email), ...(asText(b.centreNumber) ? { centreNumber: asText(b.centreNumber) } : {}) };
      await kit.submit(req, res, {
        back: '/teachers/invite',
        values: body,
        action: async () => {
          const r = await kit.api<{ setPasswordEmailSent: boolean }>(req, res, 'post', '/api/teachers/invitations', { body });
          kit.setFlash(req, {
            notice: r.setPasswordEmailSent
              ? { title: 'Invitation sent', text: `${body.email} has been emailed a link to choose a password. [B8]` }
              : { title: 'Teacher added', text: `${body.email} already has a password: they sign in with it and now see the results report. [B8]` },
          });
          return '/teachers/invite';
        },
      });
    }),
  );

  router.get(
    '/account-locks',
    kit.page(async (req, res) => {
      const { locks } = await kit.api<{ locks: Lock[] }>(req, res, 'get', '/api/account-locks');
      kit.render(req, res, 'accountLocks', { title: 'Locked accounts', locks });
    }),
  );
  router.post(
    '/account-locks/:kind/:id/unlock',
    kit.page(async (req, res) => {
      const params = { kind: String(req.params.kind), id: String(req.params.id) };
      await kit.submit(req, res, {
        back: '/account-locks',
        notice: { title: 'Account unlocked', text: 'They can sign in again now. [B3]' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/account-locks/:kind/:id/unlock', { params });
        },
      });
    }),
  );

  router.get(
    '/candidate-accounts',
    kit.page(async (req, res) => {
      const { candidates } = await kit.api<{ candidates: Array<{ candidateNumber: string; firstName: string; lastName: string; candidateId: string; secretNumber: string; registered: boolean }> }>(req, res, 'get', '/api/candidate-accounts');
      kit.render(req, res, 'candidateAccounts', { title: 'Candidates’ registration details', candidates });
    }),
  );

  router.get(
    '/invoices',
    kit.page(async (req, res) => {
      const { invoices } = await kit.api<{ invoices: Invoice[] }>(req, res, 'get', '/api/invoices');
      kit.render(req, res, 'invoices', { title: 'Invoices', invoices: invoices.map((i) => ({ ...i, href: i.documentId ? `/api/documents/${i.documentId}` : null })) });
    }),
  );

  return router;
}
