// Results day (issue 6): autocannon on loopback against the web process, with PostgreSQL and the worker running.
//  1. Sign-ins through POST /api/candidates/session with many distinct letter logins and the right passwords, beside
//     the argon2id floor measured in the same run: password verifications per second with the same parameters and
//     the same concurrency, nothing else around them. Goal: >= 80% of the floor, p99 < 1 s, no errors.
//  2. The results page GET /api/candidates/me/results with signed-in sessions, beside the same server's /healthz as
//     the ceiling. Goal: >= 2,000 requests/s, p99 < 50 ms, no errors.
//
//   npx tsx bench/resultsDay.ts            (quick: a few seconds per phase)
//   npx tsx bench/resultsDay.ts --full     (20 s per phase, 3,000 candidates)
import os from 'node:os';
import { verify } from '@node-rs/argon2';
import autocannon from 'autocannon';
import { hashPassword } from '../api/passwords';
import { createDatabase } from '../db/client';
import { createResultsPortalFixture, PASSWORD } from '../test/support/resultsPortalFixtures';
import { report } from './lib/report';
import { startBenchStack } from './lib/stack';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  return v === undefined ? fallback : Number(v);
};
const FULL = process.argv.includes('--full');
const CANDIDATES = arg('candidates', FULL ? 3000 : 1000);
const SIGN_IN_SECONDS = arg('sign-in-seconds', FULL ? 30 : 9);
const PAGE_SECONDS = arg('page-seconds', FULL ? 20 : 6);
const SIGN_IN_CONNECTIONS = arg('sign-in-connections', 8);
const PAGE_CONNECTIONS = arg('page-connections', 16);
const SESSIONS = arg('sessions', 200);
const ROUNDS = arg('rounds', 3);
const WARM_UP_SECONDS = 3;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** The floor: argon2id verifications per second of a right password, `concurrency` at a time, for `seconds`. */
async function verifyFloor(hash: string, concurrency: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        if (!(await verify(hash, PASSWORD))) throw new Error('floor: the password did not verify');
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/** A fresh session with its CSRF token: what a browser holds when it shows the sign-in form. */
async function signInForm(url: string): Promise<{ cookie: string; token: string }> {
  const res = await fetch(`${url}/api/csrf-token`);
  return { cookie: cookiesOf(res), token: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function signInSession(url: string, username: string): Promise<string> {
  const form = await signInForm(url);
  const res = await fetch(`${url}/api/candidates/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: form.cookie, 'x-csrf-token': form.token },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username}: ${res.status} ${await res.text()}`);
  const fresh = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  const sid = fresh.find((c) => c.startsWith('ro.sid='));
  if (!sid) throw new Error('sign-in gave no session cookie');
  return sid;
}

async function inPool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => { while (next < items.length) await fn(items[next++]); }));
}

const summary = (r: autocannon.Result) => ({
  requestsPerSecond: round(r['2xx'] / (r.duration || 1)),
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  maxMs: r.latency.max,
  ok: r['2xx'],
  errors: r.errors + r.timeouts + r.non2xx,
});

async function main() {
  const bench = await startBenchStack();
  try {
    const database = createDatabase(bench.stack.databaseUrl, 4);
    console.error(`making ${CANDIDATES} candidates with letter logins…`);
    const f = await createResultsPortalFixture(database.db, { candidates: CANDIDATES, logins: CANDIDATES });
    await database.close();
    const { url } = await bench.startApp({ LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' });
    const loadBefore = os.loadavg()[0];

    // 1. Sign-ins against the floor. The machine is shared, so its speed drifts: the floor and the sign-ins are
    // measured in alternating slices of equal length, and each is the total over its slices.
    const hash = await hashPassword(PASSWORD);
    const slice = Math.max(2, SIGN_IN_SECONDS / ROUNDS);
    const probe = await verifyFloor(hash, SIGN_IN_CONNECTIONS, 2);
    // Every sign-in uses its own login and its own prepared form (the CSRF token is bound to the form's session).
    const usernames = f.candidates.flatMap((c) => [c.pastUsername!, c.futureUsername!]);
    const needed = Math.min(usernames.length, Math.ceil(probe * (slice * ROUNDS + WARM_UP_SECONDS) * 2) + 100);
    console.error(`preparing ${needed} sign-in forms…`);
    const forms: Array<{ cookie: string; token: string; username: string }> = [];
    await inPool(usernames.slice(0, needed), 8, async (username) => void forms.push({ ...(await signInForm(url)), username }));
    let nextForm = 0;
    const signIns = (seconds: number) =>
      autocannon({
        url,
        connections: SIGN_IN_CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/api/candidates/session',
            setupRequest: (req) => {
              const form = forms[nextForm++ % forms.length];
              return {
                ...req,
                headers: { ...req.headers, 'content-type': 'application/json', cookie: form.cookie, 'x-csrf-token': form.token },
                body: JSON.stringify({ username: form.username, password: PASSWORD }),
              };
            },
          },
        ],
      });
    // A server on results day is warm: its code compiled, its connections and prepared statements made.
    console.error(`warm-up: sign-ins for ${WARM_UP_SECONDS} s (not counted)…`);
    await signIns(WARM_UP_SECONDS);
    const warmUpForms = nextForm;
    const floors: number[] = [];
    const runs: autocannon.Result[] = [];
    for (let n = 1; n <= ROUNDS; n++) {
      console.error(`round ${n}/${ROUNDS}: floor (argon2id verifications, ${SIGN_IN_CONNECTIONS} at a time), then sign-ins (${SIGN_IN_CONNECTIONS} connections), ${slice} s each…`);
      floors.push(await verifyFloor(hash, SIGN_IN_CONNECTIONS, slice));
      runs.push(await signIns(slice));
    }
    const floor = floors.reduce((a, b) => a + b, 0) / floors.length;
    const total = (k: '2xx' | 'errors' | 'timeouts' | 'non2xx' | 'duration') => runs.reduce((sum, r) => sum + r[k], 0);
    const signInRate = total('2xx') / total('duration');
    const signIn = {
      requestsPerSecond: round(signInRate),
      /** The worst slice's percentiles (autocannon keeps no raw latencies to merge). */
      p50Ms: Math.max(...runs.map((r) => r.latency.p50)),
      p99Ms: Math.max(...runs.map((r) => r.latency.p99)),
      maxMs: Math.max(...runs.map((r) => r.latency.max)),
      ok: total('2xx'),
      errors: total('errors') + total('timeouts') + total('non2xx'),
      formsUsed: nextForm - warmUpForms,
      formsPrepared: forms.length,
      percentOfFloor: round((signInRate / floor) * 100),
      perRound: runs.map((r, i) => `${round(r['2xx'] / r.duration)}/s vs floor ${round(floors[i])}/s`),
    };

    // 2. The results page with signed-in sessions, beside /healthz.
    console.error(`signing in ${SESSIONS} candidates for the results page…`);
    const sessions: string[] = [];
    await inPool(f.candidates.slice(0, SESSIONS).map((c) => c.pastUsername!), 4, async (u) => void sessions.push(await signInSession(url, u)));
    const sample = await fetch(`${url}/api/candidates/me/results`, { headers: { cookie: sessions[0] } });
    const sampleBody = (await sample.json()) as { series: Array<{ released: boolean; results?: unknown[] }> };
    if (sample.status !== 200 || !sampleBody.series[0]?.released || !sampleBody.series[0].results?.length) {
      throw new Error(`the results page shows no results: ${sample.status} ${JSON.stringify(sampleBody)}`);
    }
    console.error(`ceiling: /healthz, ${PAGE_CONNECTIONS} connections, ${PAGE_SECONDS} s…`);
    const ceiling = summary(await autocannon({ url: `${url}/healthz`, connections: PAGE_CONNECTIONS, duration: PAGE_SECONDS }));
    let nextSession = 0;
    const signedIn = (path: string) =>
      autocannon({
        url,
        connections: PAGE_CONNECTIONS,
        duration: PAGE_SECONDS,
        requests: [{ method: 'GET', path, setupRequest: (req) => ({ ...req, headers: { ...req.headers, cookie: sessions[nextSession++ % sessions.length] } }) }],
      });
    // What any signed-in candidate request costs before it does anything (session read, login still valid): the
    // ceiling of a signed-in page on this server, between /healthz and the results page.
    console.error(`signed-in ceiling: GET /api/candidates/session, ${PAGE_CONNECTIONS} connections, ${PAGE_SECONDS} s…`);
    const signedInCeiling = summary(await signedIn('/api/candidates/session'));
    console.error(`results page: ${PAGE_CONNECTIONS} connections, ${PAGE_SECONDS} s…`);
    const page = summary(await signedIn('/api/candidates/me/results'));

    const result = {
      settings: { candidates: CANDIDATES, signInSeconds: SIGN_IN_SECONDS, pageSeconds: PAGE_SECONDS, signInConnections: SIGN_IN_CONNECTIONS, pageConnections: PAGE_CONNECTIONS, sessions: SESSIONS },
      floorVerificationsPerSecond: round(floor),
      floorRuns: floors.map((x) => round(x)),
      signIn,
      resultsPage: { ...page, percentOfCeiling: round((page.requestsPerSecond / ceiling.requestsPerSecond) * 100) },
      ceilingHealthz: ceiling,
      ceilingSignedInSession: signedInCeiling,
      // Other work on the machine (tests, other benchmarks) lowers every figure; the 1-minute load average says how busy it was.
      loadAverage: { before: round(loadBefore, 2), after: round(os.loadavg()[0], 2) },
      goals: {
        signIn: '>= 80% of the floor, p99 < 1000 ms, no errors',
        resultsPage: '>= 2000 requests/s, p99 < 50 ms, no errors',
        signInMetHere: signIn.percentOfFloor >= 80 && signIn.p99Ms < 1000 && signIn.errors === 0,
        resultsPageMetHere: page.requestsPerSecond >= 2000 && page.p99Ms < 50 && page.errors === 0,
      },
    };
    report('results-day', result, [
      ['argon2id floor, verifications/s (per round)', `${result.floorVerificationsPerSecond} (${result.floorRuns.join(' / ')})`],
      ['sign-ins/s', signIn.requestsPerSecond],
      ['sign-ins, % of floor', signIn.percentOfFloor, '>= 80'],
      ['sign-in p99 ms', signIn.p99Ms, '< 1000'],
      ['sign-in errors', signIn.errors, '0'],
      ['results page requests/s', page.requestsPerSecond, '>= 2000'],
      ['results page p99 ms', page.p99Ms, '< 50'],
      ['results page errors', page.errors, '0'],
      ['ceiling /healthz requests/s (p99 ms)', `${ceiling.requestsPerSecond} (${ceiling.p99Ms})`],
      ['signed-in GET /api/candidates/session requests/s (p99 ms)', `${signedInCeiling.requestsPerSecond} (${signedInCeiling.p99Ms})`],
      ['load average before / after', `${result.loadAverage.before} / ${result.loadAverage.after}`],
    ]);
  } finally {
    await bench.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
