import express from 'express';
import { SECURITY_QUESTIONS, type AnalysisSeries } from '../../domain/studentAccounts';
import { HttpError } from '../errors';
import { asText, type Kit } from './pageKit';

// Students (RULES.md D3, D7-D10): activation with the code or personal link, sign-in, forgotten password, and their
// results analysis with a chart. Everything goes through the /api/students routes.

interface Analysis {
  student: { name: string; uci: string; candidateNumber: string };
  permissions: { mockResults: boolean; highStakes: boolean };
  highStakes: { shown: boolean; series?: AnalysisSeries[]; message?: string };
  mock: { shown: boolean; series?: AnalysisSeries[]; message?: string };
}

const CHART = { width: 640, barGap: 12, barHeight: 28, labelWidth: 200, top: 10 };

/**
 * A horizontal bar chart of component percentages, as SVG data for the template: one bar per component with its
 * label and value, and the 0/50/100% grid lines. The template also shows the same numbers in a table.
 */
export function chartOf(s: AnalysisSeries['syllabuses'][number]) {
  const plot = CHART.width - CHART.labelWidth - 60;
  const bars = s.components.map((c, i) => {
    const pct = c.percentage ?? 0;
    const y = CHART.top + i * (CHART.barHeight + CHART.barGap);
    return {
      label: `${c.code} ${c.name}`,
      value: c.exempt ? 'exempt' : c.percentage === null ? 'no mark' : `${c.percentage}%`,
      x: CHART.labelWidth,
      y,
      width: Math.max(0, Math.round((plot * pct) / 100)),
      height: CHART.barHeight,
      labelY: y + CHART.barHeight / 2 + 5,
      valueX: CHART.labelWidth + Math.round((plot * pct) / 100) + 6,
    };
  });
  const height = CHART.top * 2 + s.components.length * (CHART.barHeight + CHART.barGap);
  const grid = [0, 50, 100].map((p) => ({ x: CHART.labelWidth + Math.round((plot * p) / 100), label: `${p}%` }));
  return { width: CHART.width, height: height + 20, axisY: height, bars, grid };
}

export const withCharts = (series: AnalysisSeries[] | undefined, kind: string) =>
  (series ?? []).map((se, i) => ({ ...se, syllabuses: se.syllabuses.map((sy, j) => ({ ...sy, chart: chartOf(sy), chartId: `${kind}-${i}-${j}` })) }));

export function studentPages(kit: Kit) {
  const router = express.Router();
  const questions = SECURITY_QUESTIONS.map((q) => ({ text: q }));

  router.get(
    '/students/activate',
    kit.page(async (req, res) => {
      kit.render(req, res, 'studentActivate', { title: 'Activate your results analysis account', token: asText(req.query.token), code: asText(req.query.code), questions });
    }),
  );
  router.post(
    '/students/activate',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const token = asText(b.token);
      const values = { code: asText(b.code), dateOfBirth: asText(b.dateOfBirth), email: asText(b.email), securityQuestion: asText(b.securityQuestion), securityAnswer: asText(b.securityAnswer) };
      await kit.submit(req, res, {
        back: `/students/activate${token ? `?token=${encodeURIComponent(token)}` : ''}`,
        values,
        notice: { title: 'Your account is active', text: 'Sign in with your email address (or UCI) and your new password.' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/students/activate', {
            body: { code: values.code || undefined, token: token || undefined, dateOfBirth: values.dateOfBirth, password: asText(b.password), email: values.email || undefined, securityQuestion: values.securityQuestion, securityAnswer: values.securityAnswer },
          });
          return '/students/sign-in';
        },
      });
    }),
  );

  router.get(
    '/students/sign-in',
    kit.page(async (req, res) => {
      kit.render(req, res, 'studentSignIn', { title: 'Sign in to your results analysis' });
    }),
  );
  router.post(
    '/students/sign-in',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const username = asText(b.username);
      await kit.submit(req, res, {
        back: '/students/sign-in',
        values: { username },
        action: async () => {
          try {
            await kit.api(req, res, 'post', '/api/students/session', { body: { username, password: asText(b.password) } });
          } catch (err) {
            // The refusal is the same for every cause (no hint whether the account exists): show it at the username.
            if (err instanceof HttpError && err.status === 401) throw new HttpError(422, err.message, [{ field: 'username', rule: 'D8', message: err.message }]);
            throw err;
          }
          return '/students/analysis';
        },
      });
    }),
  );
  router.post(
    '/students/sign-out',
    kit.page(async (req, res) => {
      await kit.api(req, res, 'delete', '/api/students/session');
      res.redirect(303, '/students/sign-in');
    }),
  );

  router.get(
    '/students/reset',
    kit.page(async (req, res) => {
      const username = asText(req.query.username).trim();
      const question = username ? (await kit.api<{ question: string }>(req, res, 'post', '/api/students/password-reset/question', { body: { username } })).question : null;
      kit.render(req, res, 'studentReset', { title: 'Forgotten your password?', username, question });
    }),
  );
  router.post(
    '/students/reset',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const username = asText(b.username);
      await kit.submit(req, res, {
        back: `/students/reset?username=${encodeURIComponent(username)}`,
        values: { method: asText(b.method) },
        notice: { title: 'Your password was changed', text: 'Sign in with your new password.' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/students/password-reset', { body: { username, method: asText(b.method), answer: asText(b.answer), newPassword: asText(b.newPassword) } });
          return '/students/sign-in';
        },
      });
    }),
  );

  router.get(
    '/students/analysis',
    kit.page(async (req, res) => {
      const a = await kit.api<Analysis>(req, res, 'get', '/api/students/me/analysis');
      kit.render(req, res, 'studentAnalysis', { title: 'Your results analysis', a, highStakes: withCharts(a.highStakes.series, 'hs'), mock: withCharts(a.mock.series, 'mock') });
    }, '/students/sign-in'),
  );

  return router;
}
