import request from 'supertest';
import { PASSWORD, type Fixture } from '../../test/support/fixtures';

// Drives enquiries through the HTTP API the way centres and board staff do: create, submit, receive, acknowledge.
// Shared by the burst and the open-workflows benchmarks.

export async function pool<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

export interface ApiUser {
  post(url: string, body?: object): request.Test;
  get(url: string): request.Test;
}

export async function signInAt(url: string, email: string): Promise<ApiUser> {
  const agent = request.agent(url);
  const t1 = (await agent.get('/api/csrf-token')).body.csrfToken;
  await agent.post('/api/session').set('x-csrf-token', t1).send({ email, password: PASSWORD }).expect(200);
  const token = (await agent.get('/api/csrf-token')).body.csrfToken;
  return { post: (u, body) => agent.post(u).set('x-csrf-token', token).send(body ?? {}), get: (u) => agent.get(u) };
}

export type DriveOutcome = { ok: true; enquiryId: string; submittedAt: number; acknowledgedAt: number } | { ok: false; failure: string };

/** One re-check (service 1) for one candidate, from creation to Acknowledged. */
export async function submitAndAcknowledge(centre: ApiUser, board: ApiUser, f: Fixture, candidateNumber: string, note: string): Promise<DriveOutcome> {
  const created = await centre.post('/api/enquiries', { seriesId: f.seriesId, draft: { service: '1', syllabusCode: f.maths, componentCodes: ['12'], candidateNumbers: [candidateNumber], note } });
  if (created.status !== 201) return { ok: false, failure: `create ${created.status} ${JSON.stringify(created.body)}` };
  const enquiryId = created.body.enquiryId as string;
  const submitted = await centre.post(`/api/enquiries/${enquiryId}/submit`, { declarations: [true, true] });
  if (submitted.status !== 200) return { ok: false, failure: `submit ${submitted.status}` };
  const submittedAt = Date.now();
  const received = await board.post(`/api/board/enquiries/${enquiryId}/receive`);
  const acknowledged = received.status === 200 ? await board.post(`/api/board/enquiries/${enquiryId}/acknowledge`) : received;
  if (acknowledged.status !== 200) return { ok: false, failure: `board ${acknowledged.status}` };
  return { ok: true, enquiryId, submittedAt, acknowledgedAt: Date.now() };
}
