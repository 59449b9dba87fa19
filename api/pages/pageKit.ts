import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { CENTRE_STAFF_ROLES, type RuleViolation } from '../../domain/model';
import { STUDENT_ADMIN_ROLES } from '../../domain/studentAccounts';
import { HttpError, zodViolations } from '../errors';
import { authorise, type RouteSpec, type SessionUser } from '../routeTable';
import { fieldId, type PageModel, type Views } from './views';

// What every page module shares: calling the API's own route handlers (same access check, same zod parsing, same
// rules, so a page can never allow what the API refuses), turning their refusals into the GOV.UK error summary,
// and post/redirect/get with a one-shot "flash" in the session.

export interface PageDeps {
  routes: RouteSpec[];
  views: Views;
  csrfToken: (req: Request, res: Response) => string;
  /** Development only: the SMTP sink's folder for /dev/outbox. */
  smtpSinkDir?: string;
}

export interface FormErrors {
  title: string;
  summary: Array<{ href: string; text: string }>;
  byField: Record<string, string>;
}

interface Flash {
  errors?: FormErrors;
  values?: Record<string, unknown>;
  notice?: { title: string; text: string };
}

export const userOf = (req: Request): SessionUser | null => (req.session as { user?: SessionUser } | undefined)?.user ?? null;

/** `req` replaces the request the handler reads its body from (an uploaded file as a stream); the user stays the page's. */
export type ApiInput = { params?: Record<string, string>; body?: unknown; query?: unknown; req?: Request };

export function createKit(deps: PageDeps) {
  const byKey = new Map(deps.routes.map((r) => [`${r.method} ${r.path}`, r]));

  /** Runs the API route `method path` for this request's user, exactly as the JSON API would. */
  async function api<T>(req: Request, res: Response, method: RouteSpec['method'], path: string, input: ApiInput = {}): Promise<T> {
    const spec = byKey.get(`${method} ${path}`);
    if (!spec) throw new Error(`No API route ${method} ${path}`);
    const user = userOf(req);
    authorise(spec, user);
    const body = spec.body ? spec.body.parse(input.body ?? {}) : undefined;
    const query = spec.query ? spec.query.parse(input.query ?? {}) : undefined;
    return (await spec.handler({ req: input.req ?? req, res, user, body, query, params: input.params ?? {} })) as T;
  }

  function render(req: Request, res: Response, view: string, model: PageModel, status = 200) {
    const flash = takeFlash(req);
    // An unsaved session gets a new id on every request, and the CSRF token is bound to it: keep it.
    (req.session as unknown as { pages?: boolean }).pages = true;
    const user = userOf(req);
    const session = req.session as { student?: { name: string }; candidate?: { name: string } };
    const student = session.student ?? null;
    const candidate = session.candidate ?? null;
    res.status(status).type('html').send(
      deps.views.render(view, {
        ...model,
        user,
        student,
        candidate,
        nav: navFor(user, req.path),
        csrfToken: deps.csrfToken(req, res),
        errors: flash.errors ?? model.errors,
        values: flash.values ?? model.values,
        notice: flash.notice ?? model.notice,
      }),
    );
  }

  /** Wraps a page handler: a missing sign-in goes to the right sign-in page, other refusals to an error page. */
  function page(handler: (req: Request, res: Response) => Promise<void>, signInPath = '/sign-in'): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        await handler(req, res);
      } catch (err) {
        if (res.headersSent) return next(err);
        if (err instanceof HttpError && err.status === 401) return res.redirect(303, `${signInPath}?next=${encodeURIComponent(req.originalUrl)}`);
        const problem = formErrorsOf(err);
        if (!problem) return next(err);
        const status = err instanceof HttpError ? err.status : 422;
        render(req, res, 'error', { title: status === 404 ? 'Page not found' : status === 403 ? 'You do not have access to this page' : problem.title, status, problem }, status);
      }
    };
  }

  /**
   * For a form POST: run `action`; on success flash `notice` and redirect to `to`; when the API refuses, flash
   * the error summary and what was typed, and redirect back to `back` (post/redirect/get either way).
   */
  async function submit(req: Request, res: Response, opts: { back: string; values?: Record<string, unknown>; action: () => Promise<string | void>; notice?: Flash['notice'] }) {
    try {
      const to = (await opts.action()) ?? opts.back;
      if (opts.notice) setFlash(req, { notice: opts.notice });
      await redirect(req, res, to);
    } catch (err) {
      const errors = formErrorsOf(err);
      if (!errors || (err instanceof HttpError && [401, 403, 404].includes(err.status))) throw err;
      setFlash(req, { errors, values: opts.values });
      await redirect(req, res, opts.back);
    }
  }

  return { api, render, page, submit, setFlash, redirect };
}

export type Kit = ReturnType<typeof createKit>;

/**
 * Saves the session, then redirects. express-session would otherwise send the redirect while the save is still
 * under way, and the browser's next request could read the session without the flash.
 */
async function redirect(req: Request, res: Response, to: string): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
  res.redirect(303, to);
}

function setFlash(req: Request, flash: Flash) {
  (req.session as unknown as { flash?: Flash }).flash = flash;
}

function takeFlash(req: Request): Flash {
  const s = req.session as unknown as { flash?: Flash };
  const f = s.flash ?? {};
  delete s.flash;
  return f;
}

/** A form field's name for an API field: "draft.componentCodes.0" -> "componentCodes". */
export function formField(apiField: string): string {
  return apiField.replace(/^(draft|body)\./, '').replace(/(\.\d+)+$/, '').replace(/\.\d+\./g, '.');
}

/** The refusal an API handler threw, as an error summary with each message beside its field; null for a real failure. */
export function formErrorsOf(err: unknown): FormErrors | null {
  let title: string;
  let violations: RuleViolation[];
  if (err instanceof HttpError) {
    title = err.message;
    violations = err.violations;
  } else if (err instanceof ZodError) {
    title = 'Some answers need correcting.';
    violations = zodViolations(err);
  } else if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    title = err.cause.message;
    violations = (err.cause.details?.[0] as { violations?: RuleViolation[] } | undefined)?.violations ?? [];
  } else {
    return null;
  }
  const withRule = (v: RuleViolation) => (v.rule && v.rule !== 'input' && !v.message.includes(`[${v.rule}]`) ? `${v.message} [${v.rule}]` : v.message);
  const byField: Record<string, string> = {};
  for (const v of violations) {
    const f = formField(v.field);
    byField[f] = byField[f] ? `${byField[f]} ${withRule(v)}` : withRule(v);
  }
  const summary = violations.length > 0 ? violations.map((v) => ({ href: `#${fieldId(formField(v.field))}`, text: withRule(v) })) : [{ href: '#main-content', text: title }];
  return { title: violations.length > 0 ? 'There is a problem' : title, summary, byField };
}

/** The service navigation for the signed-in user's roles. */
function navFor(user: SessionUser | null, current: string) {
  if (!user) return [];
  const items: Array<{ href: string; text: string }> = [];
  const centre = user.roles.some((r) => CENTRE_STAFF_ROLES.includes(r));
  if (centre) {
    items.push({ href: '/', text: 'Home' }, { href: '/results-access', text: 'Results website' }, { href: '/enquiries', text: 'Enquiries' });
    if (user.roles.some((r) => (STUDENT_ADMIN_ROLES as readonly string[]).includes(r))) items.push({ href: '/student-accounts', text: 'Student accounts' });
    items.push({ href: '/candidate-accounts', text: 'Candidate logins' }, { href: '/teachers/invite', text: 'Teachers' }, { href: '/account-locks', text: 'Locked accounts' }, { href: '/invoices', text: 'Invoices' });
  }
  if (user.roles.includes('associate_staff')) items.push({ href: '/associate', text: 'Approvals and documents' }, { href: '/enquiries', text: 'Enquiries' });
  if (user.roles.includes('teacher')) items.push({ href: '/teacher', text: 'Results report' });
  if (user.roles.includes('board_staff')) items.push({ href: '/board', text: 'Enquiry queue' }, { href: '/board/series', text: 'Series calendar' }, { href: '/teachers/invite', text: 'Teachers' }, { href: '/account-locks', text: 'Locked accounts' });
  // The one item whose address is the longest start of the current path is the current section.
  const matches = (href: string) => (href === '/' ? current === '/' : current === href || current.startsWith(`${href}/`));
  const best = items.filter((i) => matches(i.href)).sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((i) => ({ ...i, active: i === best }));
}

/** Form values: repeated fields come as arrays, single ones as strings; these read either way. */
export const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);
export const asText = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '');
