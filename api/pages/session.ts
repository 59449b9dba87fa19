import express from 'express';
import { CENTRE_STAFF_ROLES } from '../../domain/model';
import { HttpError } from '../errors';
import type { SessionUser } from '../routeTable';
import { asText, formErrorsOf, type Kit } from './pageKit';

// Staff sign-in and sign-out. The API route does the work (uniform answer for unknown accounts, session regenerated).

/** Only a path on this site, so a crafted ?next= cannot send anyone elsewhere. */
export const safeNext = (v: unknown): string | null => {
  const s = asText(v);
  return s.startsWith('/') && !s.startsWith('//') && !s.startsWith('/\\') ? s : null;
};

export function homeOf(user: SessionUser): string {
  if (user.roles.includes('board_staff')) return '/board';
  if (user.roles.includes('associate_staff')) return '/associate';
  if (!user.roles.some((r) => CENTRE_STAFF_ROLES.includes(r))) return '/teacher';
  return '/';
}

export function sessionPages(kit: Kit) {
  const router = express.Router();
  router.get(
    '/sign-in',
    kit.page(async (req, res) => {
      kit.render(req, res, 'signIn', { title: 'Sign in', next: safeNext(req.query.next) });
    }),
  );
  router.post(
    '/sign-in',
    kit.page(async (req, res) => {
      const body = req.body as Record<string, unknown>;
      const next = safeNext(body.next);
      try {
        const { user } = await kit.api<{ user: SessionUser }>(req, res, 'post', '/api/session', { body: { email: asText(body.email), password: asText(body.password) } });
        res.redirect(303, next ?? homeOf(user));
      } catch (err) {
        const errors = formErrorsOf(err);
        if (!errors) throw err;
        if (err instanceof HttpError && err.status === 401) {
          errors.title = 'There is a problem';
          errors.summary = [{ href: '#email', text: err.message }];
          errors.byField = { email: err.message };
        }
        kit.setFlash(req, { errors, values: { email: asText(body.email) } });
        await kit.redirect(req, res, `/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
      }
    }),
  );
  router.post(
    '/sign-out',
    kit.page(async (req, res) => {
      await kit.api(req, res, 'delete', '/api/session');
      res.redirect(303, '/sign-in');
    }),
  );
  return router;
}
