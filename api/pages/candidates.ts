import express from 'express';
import type { SeriesResultsView } from '../../domain/portalResults';
import { HttpError } from '../errors';
import { asText, type Kit } from './pageKit';

// Candidates' results portal (RULES.md B1-B7): sign in with the letter's username or a registered email, register
// with candidate ID and Secret Number, forgotten password, and the results (the date they come before release; the
// grades, marks and statement PDF after). Everything goes through the /api/candidates routes.

const SIGN_IN = '/candidates/sign-in';

export function candidatePages(kit: Kit) {
  const router = express.Router();

  router.get(
    SIGN_IN,
    kit.page(async (req, res) => {
      kit.render(req, res, 'candidateSignIn', { title: 'Sign in to see your results' });
    }),
  );
  router.post(
    SIGN_IN,
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const username = asText(b.username);
      await kit.submit(req, res, {
        back: SIGN_IN,
        values: { username },
        action: async () => {
          try {
            await kit.api(req, res, 'post', '/api/candidates/session', { body: { username, password: asText(b.password) } });
          } catch (err) {
            // One answer for every refusal (B3): it says nothing about whether the account exists or is locked.
            if (err instanceof HttpError && err.status === 401) throw new HttpError(422, err.message, [{ field: 'username', rule: 'B3', message: err.message }]);
            throw err;
          }
          return '/candidates/results';
        },
      });
    }),
  );
  router.post(
    '/candidates/sign-out',
    kit.page(async (req, res) => {
      await kit.api(req, res, 'delete', '/api/candidates/session');
      res.redirect(303, SIGN_IN);
    }),
  );

  router.get(
    '/candidates/register',
    kit.page(async (req, res) => {
      kit.render(req, res, 'candidateRegister', { title: 'Register for your results' });
    }),
  );
  router.post(
    '/candidates/register',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const values = { candidateId: asText(b.candidateId), email: asText(b.email) };
      await kit.submit(req, res, {
        back: '/candidates/register',
        values,
        notice: { title: 'You are registered', text: 'Sign in with your email address and the password you chose.' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/candidates/register', { body: { ...values, secretNumber: asText(b.secretNumber), password: asText(b.password) } });
          return SIGN_IN;
        },
      });
    }),
  );

  router.get(
    '/candidates/forgotten-password',
    kit.page(async (req, res) => {
      kit.render(req, res, 'candidateForgotten', { title: 'Forgotten your password?' });
    }),
  );
  router.post(
    '/candidates/forgotten-password',
    kit.page(async (req, res) => {
      const candidateId = asText((req.body as Record<string, unknown>).candidateId);
      await kit.submit(req, res, {
        back: '/candidates/forgotten-password',
        values: { candidateId },
        action: async () => {
          const { message } = await kit.api<{ message: string }>(req, res, 'post', '/api/candidates/password-reset', { body: { candidateId } });
          kit.setFlash(req, { notice: { title: 'Check your email', text: `${message} [B4]` } });
          return SIGN_IN;
        },
      });
    }),
  );

  router.get(
    '/candidates/results',
    kit.page(async (req, res) => {
      const r = await kit.api<{ candidate: { name: string }; series: SeriesResultsView[] }>(req, res, 'get', '/api/candidates/me/results');
      kit.render(req, res, 'candidateResults', {
        title: 'Your results',
        candidate: r.candidate,
        series: r.series.map((s) => ({ ...s, statementUrl: s.released ? `/api/candidates/me/results/${encodeURIComponent(s.seriesId)}/statement` : null })),
      });
    }, SIGN_IN),
  );

  return router;
}
