import { isGrpcDeadlineError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowExecutionAlreadyStartedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../config/logger';
import type { RuleViolation } from '../domain/model';

/** An answer for the user's mistake: a 4xx with every violation naming its field and rule. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly violations: RuleViolation[] = [],
  ) {
    super(message);
  }
}

export const notFound = (what = 'Not found') => new HttpError(404, what);
export const forbidden = () => new HttpError(403, 'You do not have access to this.');

export function zodViolations(err: ZodError): RuleViolation[] {
  return err.issues.map((i) => ({ field: i.path.join('.') || 'body', rule: 'input', message: i.message }));
}

/** Turns anything thrown in a route into a clear JSON answer; never a stack trace, never a 500 for bad input. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let body: { error: string; violations?: RuleViolation[] } = { error: 'Something went wrong on our side. Please try again in a minute.' };
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: err.message, violations: err.violations };
    } else if (err instanceof ZodError) {
      status = 400;
      body = { error: 'Some fields are not valid.', violations: zodViolations(err) };
    } else if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      // A refused person action: the workflow's validator or handler said why (DESIGN rule 3).
      const details = err.cause.details?.[0] as { violations?: RuleViolation[] } | undefined;
      status = 422;
      body = { error: err.cause.message, violations: details?.violations ?? [] };
    } else if (err instanceof WorkflowNotFoundError) {
      status = 404;
      body = { error: 'Not found' };
    } else if (err instanceof WorkflowExecutionAlreadyStartedError) {
      status = 409;
      body = { error: 'This request was already made.' };
    } else if ((err as { type?: string })?.type === 'entity.parse.failed') {
      status = 400;
      body = { error: 'The request body is not valid JSON.' };
    } else if ((err as { code?: string })?.code === 'EBADCSRFTOKEN' || (err as { code?: string })?.code === 'ERR_BAD_CSRF_TOKEN') {
      status = 403;
      body = { error: 'The form expired or did not come from this site. Reload the page and try again.' };
    } else if (isClientHttpError(err)) {
      // Express and body-parser's own refusals (malformed URL, body over the limit, bad encoding): theirs to say.
      status = (err as { status: number }).status;
      body = { error: status === 413 ? 'The request is too large.' : 'The request is not valid.' };
    } else if (codeIn(err, INPUT_REFUSED_BY_DATABASE)) {
      // Input that slipped past a route's schema but that PostgreSQL cannot take (found by Schemathesis: a NUL in ?q=).
      status = 400;
      body = { error: 'A value sent cannot be used: it is too long, out of range or contains a character that cannot be stored (such as a NUL).', violations: [] };
    } else if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(err)) {
      status = 503;
      body = { error: 'This is taking longer than it should. What you asked may still be done: look again in a few minutes before you try again.' };
    } else if (isUnavailable(err)) {
      status = 503;
      body = { error: 'The service is temporarily unavailable. Please try again in a minute; nothing you sent was lost or half-saved.' };
    }
    if (status === 503) res.setHeader('Retry-After', '30');
    if (status >= 500) log.error({ err, path: req.path }, 'request failed');
    res.status(status).json(body);
  };
}

/** A refusal by Express itself: body-parser's http-errors (`expose`, e.g. 413) or the router's 400 for a bad %-escape. */
function isClientHttpError(err: unknown): boolean {
  const e = err as { status?: unknown; expose?: unknown };
  return typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && (e.expose === true || err instanceof URIError);
}

const UNAVAILABLE_CODES = ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'CONNECTION_DESTROYED', '57P01', '57P02', '57P03'];

/** PostgreSQL's data exceptions for a value (not a bug of ours): NUL or unstorable character, too long, bad number, date or uuid. */
const INPUT_REFUSED_BY_DATABASE = ['22021', '22P05', '22001', '22003', '22007', '22008', '22P02'];

/** The error or one of its causes: Drizzle wraps the driver's error (DrizzleQueryError). */
function someCause(err: unknown, test: (e: { code?: string; name?: string }) => boolean): boolean {
  for (let e = err as { code?: string; name?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (test(e)) return true;
  }
  return false;
}
const codeIn = (err: unknown, codes: string[]) => someCause(err, (e) => codes.includes(e.code ?? ''));

/** PostgreSQL or Temporal cannot be reached. */
const isUnavailable = (err: unknown) => codeIn(err, UNAVAILABLE_CODES) || someCause(err, (e) => e.name === 'ServiceError');
