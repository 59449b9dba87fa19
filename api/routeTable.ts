import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../domain/model';
import { forbidden, HttpError } from './errors';

// Each API route is data: method, path, who may call it and the shape of its input. The same table mounts the
// routes, generates the OpenAPI document and drives the authorisation tests, so the three cannot drift apart.

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  centreNumber: string | null;
  associateId: string | null;
}

export type Access = 'public' | Role[];

export interface RouteContext<B, Q> {
  req: Request;
  res: Response;
  user: SessionUser | null;
  body: B;
  query: Q;
  params: Record<string, string>;
}

export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  access: Access;
  body?: B;
  query?: Q;
  /** A JSON value to send, or undefined when the handler answered itself (a file download). */
  handler: (ctx: RouteContext<z.infer<B>, z.infer<Q>>) => Promise<unknown>;
}

export const route = <B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType>(spec: RouteSpec<B, Q>): RouteSpec => spec as unknown as RouteSpec;

export function requireUser(user: SessionUser | null): SessionUser {
  if (!user) throw new HttpError(401, 'Sign in to continue.');
  return user;
}

/** Throws 401 without a sign-in and 403 without one of the route's roles; the pages use the same check. */
export function authorise(spec: RouteSpec, user: SessionUser | null): void {
  if (spec.access === 'public') return;
  const u = requireUser(user);
  if (!u.roles.some((r) => (spec.access as Role[]).includes(r))) throw forbidden();
}

export function mount(router: Router, routes: RouteSpec[]): void {
  for (const spec of routes) {
    router[spec.method](spec.path, async (req, res, next) => {
      try {
        const user = (req.session as { user?: SessionUser } | undefined)?.user ?? null;
        authorise(spec, user);
        const body = spec.body ? spec.body.parse(req.body ?? {}) : undefined;
        const query = spec.query ? spec.query.parse(req.query) : undefined;
        const result = await spec.handler({ req, res, user, body, query, params: req.params as Record<string, string> });
        if (result !== undefined && !res.headersSent) res.json(result);
      } catch (err) {
        next(err);
      }
    });
  }
}
