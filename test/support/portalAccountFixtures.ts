import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import type { createApp } from '../../api/app';
import { hashPassword } from '../../api/passwords';
import type { Db } from '../../db/client';
import { candidates, credentials } from '../../db/schema';

// Results portal accounts (issue 6) for tests: a letter login for a fixture candidate (as a results-access letter
// generation would issue it, A8) and an HTTP visitor of the portal from a chosen client address.

export interface LetterLogin {
  credentialId: string;
  candidateId: string;
  username: string;
  password: string;
}

/** A letter login (username + password) for one candidate of a centre in a series. */
export async function createLetterLogin(db: Db, where: { centreNumber: string; seriesId: string; candidateNumber: string }): Promise<LetterLogin> {
  const [c] = await db.select().from(candidates).where(and(eq(candidates.centreNumber, where.centreNumber), eq(candidates.candidateNumber, where.candidateNumber)));
  const username = `test-login-${randomBytes(4).toString('hex')}`;
  const password = `Pw${randomBytes(6).toString('base64url')}x`;
  const [row] = await db
    .insert(credentials)
    .values({ candidateId: c.id, seriesId: where.seriesId, centreNumber: where.centreNumber, username, passwordHash: await hashPassword(password), generation: 1, issuedAt: new Date() })
    .returning();
  return { credentialId: row.id, candidateId: c.id, username, password };
}

const servers = new WeakMap<object, string>();
/** One real listening server per app (as test/support/world.ts does for signIn). */
export async function urlOf(app: ReturnType<typeof createApp>['app']): Promise<string> {
  let url = servers.get(app);
  if (!url) {
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    server.unref();
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    servers.set(app, url);
  }
  return url;
}

let addresses = 0;
/** A client address no other test uses, so per-address limits of one test never touch another. */
export const freshAddress = () => `198.51.${100 + Math.floor(Math.random() * 50)}.${(addresses++ % 250) + 1}`;

/**
 * A browser of the portal from one client address (X-Forwarded-For; the app trusts one proxy): keeps its cookies
 * and sends a fresh CSRF token with every change, since signing in gives a new session.
 */
export async function portalVisitor(app: ReturnType<typeof createApp>['app'], address = freshAddress()) {
  const agent = request.agent(await urlOf(app));
  const token = async () => (await agent.get('/api/csrf-token').set('X-Forwarded-For', address).expect(200)).body.csrfToken as string;
  // The token first: the agent attaches its cookies when a request is made, and each token comes with a new cookie.
  const send = async (method: 'post' | 'delete', url: string, body?: object) => {
    const csrf = await token();
    return agent[method](url).set('X-Forwarded-For', address).set('x-csrf-token', csrf).send(body ?? {});
  };
  return {
    address,
    agent,
    get: (url: string) => agent.get(url).set('X-Forwarded-For', address),
    post: (url: string, body?: object) => send('post', url, body),
    del: (url: string) => send('delete', url),
    signInCandidate: (username: string, password: string) => send('post', '/api/candidates/session', { username, password }),
    signInStaff: (email: string, password: string) => send('post', '/api/session', { email, password }),
  };
}
