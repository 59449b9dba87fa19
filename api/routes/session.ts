import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema';
import type { Role } from '../../domain/model';
import { requireUser, route, type RouteSpec, type SessionUser } from '../routeTable';
import { checkSignIn, type SignInGuardDeps } from '../signInGuard';

const signInSchema = z.object({ email: z.string().trim().toLowerCase().email().max(200), password: z.string().min(1).max(200) });

/**
 * Staff and teacher sign-in (B8: a teacher's username is the email). The same check as the candidates' portal: an
 * unknown email, a wrong password and a locked account (B3) get the same answer after the same work.
 */
export function sessionRoutes(deps: SignInGuardDeps): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/api/session',
      summary: 'Sign in (staff and teachers, with their email); the session is regenerated. Three failures in a row lock the account for 30 minutes (B3); every refusal reads the same.',
      access: 'public',
      body: signInSchema,
      handler: async ({ req, body }) => {
        const { email, password } = body as z.infer<typeof signInSchema>;
        const [row] = await deps.db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
        // An invited teacher without a password yet cannot sign in: the same answer as an unknown email.
        const account = row?.passwordHash ? { accountKind: 'user' as const, accountId: row.id, centreNumber: row.centreNumber, passwordHash: row.passwordHash } : null;
        await checkSignIn(deps, req, 'staff-sign-in', account, password);
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
