import { verify } from '@node-rs/argon2';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { users } from '../../db/schema';
import type { Role } from '../../domain/model';
import { HttpError } from '../errors';
import { requireUser, route, type RouteSpec, type SessionUser } from '../routeTable';
import { DUMMY_HASH } from '../passwords';

const signInSchema = z.object({ email: z.string().trim().toLowerCase().email().max(200), password: z.string().min(1).max(200) });

/** Staff sign-in. An unknown email and a wrong password get the same answer after the same work. */
export function sessionRoutes(deps: { db: Db }): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/api/session',
      summary: 'Sign in (staff); the session is regenerated',
      access: 'public',
      body: signInSchema,
      handler: async ({ req, body }) => {
        const { email, password } = body as z.infer<typeof signInSchema>;
        const [row] = await deps.db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
        const ok = await verify(row?.passwordHash ?? DUMMY_HASH, password).catch(() => false);
        if (!row || !row.passwordHash || !ok) throw new HttpError(401, 'The email address or password is not right.');
        const user: SessionUser = { id: row.id, email: row.email, name: row.name, roles: row.roles as Role[], centreNumber: row.centreNumber, associateId: row.associateId };
        await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
        (req.session as unknown as { user: SessionUser }).user = user;
        await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
        return { user };
      },
    }),
    route({
      method: 'get',
      path: '/api/session',
      summary: 'Who is signed in',
      access: 'public',
      handler: async ({ user }) => ({ user: requireUser(user) }),
    }),
    route({
      method: 'delete',
      path: '/api/session',
      summary: 'Sign out; the session is destroyed',
      access: 'public',
      handler: async ({ req }) => {
        await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
        return { signedOut: true };
      },
    }),
  ];
}
