import type { Client } from '@temporalio/client';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import { sql } from 'drizzle-orm';
import express from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import client from 'prom-client';
import { createDocumentStore } from '../activities/storage';
import type { Logger } from '../config/logger';
import type { Db } from '../db/client';
import { PgSessionStore } from '../db/sessionStore';
import { errorHandler, notFound } from './errors';
import { buildOpenApi } from './openapi';
import { createPages, pageAssets, pageErrors, pageUploads } from './pages';
import { mount, type RouteSpec } from './routeTable';
import { enquiryRoutes, type EnquiryPolicy } from './routes/enquiries';
import { DEFAULT_RESULTS_ACCESS_POLICY, resultsAccessRoutes, type ResultsAccessPolicy } from './routes/resultsAccess';
import { associateRoutes } from './routes/associates';
import { seriesCalendarRoutes } from './routes/seriesCalendar';
import { sessionRoutes } from './routes/session';
import { candidatePortalRoutes } from './routes/candidatePortal';
import { portalAccountRoutes } from './routes/portalAccounts';
import { DEFAULT_PORTAL_ACCOUNTS_POLICY, type PortalAccountsPolicy } from '../domain/portalAccounts';
import { DEFAULT_STUDENT_POLICY, studentAccountRoutes, type StudentPolicy } from './routes/studentAccounts';
import { candidateResultsRoutes } from './routes/candidateResults';
import { DEFAULT_TEACHER_PDF_POLICY, teacherPortalRoutes, type TeacherPdfPolicy } from './routes/teacherPortal';

export interface AppDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  sessionSecret: string;
  publicUrl: string;
  enquiryPolicy: EnquiryPolicy;
  /** Letter generation settings (batch size, concurrency, heartbeat); the defaults suit production. */
  resultsAccessPolicy?: ResultsAccessPolicy;
  /** Development only: the SMTP sink's folder, shown at /dev/outbox. */
  smtpSinkDir?: string;
  /** Student account imports, exports and codes (batch sizes, code lifetime, rate limits); the defaults suit production. */
  studentPolicy?: StudentPolicy;
  /** Portal accounts: lockout (B3), per-address limits, link lifetimes; the defaults suit production, tests shorten them. */
  portalAccountsPolicy?: PortalAccountsPolicy;
  /** "Now" for the results release rule (B5); tests set it either side of the instant. Default: the system clock. */
  clock?: () => Date;
  /** Teachers' bulk result PDFs (batch size, concurrency, heartbeat); the defaults suit production. */
  teacherPdfPolicy?: TeacherPdfPolicy;
  /** The longest a request waits on Temporal (an update waits for a worker); then 503. Default 20 s. */
  temporalWaitMs?: number;
}

export function createApp(deps: AppDeps) {
  const app = express();
  const secure = deps.publicUrl.startsWith('https://');
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(helmet());
  app.use(pinoHttp({ logger: deps.log, autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' } }));

  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([deps.db.execute(sql`select 1`), deps.temporal.connection.workflowService.getSystemInfo({})]);
    const [pg, temporal] = checks.map((c) => c.status === 'fulfilled');
    res.status(pg && temporal ? 200 : 503).json({ postgres: pg ? 'up' : 'down', temporal: temporal ? 'up' : 'down' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  app.use(pageAssets());
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 60_000 }));
  app.use(pageUploads());
  app.use(express.raw({ type: 'application/pdf', limit: '50mb' }));
  app.use(
    session({
      name: 'ro.sid',
      store: new PgSessionStore(deps.db),
      secret: deps.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure, maxAge: 8 * 3600_000 },
    }),
  );
  app.use(cookieParser());
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => deps.sessionSecret,
    getSessionIdentifier: (req) => req.session.id,
    cookieName: secure ? '__Host-ro.csrf' : 'ro.csrf',
    cookieOptions: { sameSite: 'lax', secure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => (req.headers['x-csrf-token'] as string | undefined) ?? (req.body as { _csrf?: string } | undefined)?._csrf,
  });
  app.get('/api/csrf-token', (req, res) => {
    // Save the session so its id, which the token is bound to, stays the same on the next request.
    (req.session as unknown as { csrf: boolean }).csrf = true;
    res.json({ csrfToken: generateCsrfToken(req, res, { overwrite: true }) });
  });
  app.use(doubleCsrfProtection);
  // With no worker running, an update would wait for one for ever: every Temporal call a request makes shares one
  // deadline, and the person gets a clear 503 instead of a page that never loads.
  const temporalWaitMs = deps.temporalWaitMs ?? 20_000;
  app.use((_req, _res, next) => {
    void deps.temporal.connection.withDeadline(Date.now() + temporalWaitMs, async () => next());
  });

  const storage = createDocumentStore(deps.db);
  const portal = {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    log: deps.log,
    policy: deps.portalAccountsPolicy ?? DEFAULT_PORTAL_ACCOUNTS_POLICY,
    publicUrl: deps.publicUrl,
    sessionSecret: deps.sessionSecret,
  };
  const routes: RouteSpec[] = [
    ...sessionRoutes(portal),
    ...enquiryRoutes({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, storage, policy: deps.enquiryPolicy }),
    ...resultsAccessRoutes({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, policy: deps.resultsAccessPolicy ?? DEFAULT_RESULTS_ACCESS_POLICY }),
    ...seriesCalendarRoutes({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue }),
    ...associateRoutes({ db: deps.db, temporal: deps.temporal }),
    ...studentAccountRoutes({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, publicUrl: deps.publicUrl, policy: deps.studentPolicy ?? DEFAULT_STUDENT_POLICY }),
    ...candidateResultsRoutes({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, storage, clock: deps.clock ?? (() => new Date()) }),
    ...teacherPortalRoutes({ db: deps.db, temporal: deps.temporal, taskQueue: deps.taskQueue, storage, clock: deps.clock ?? (() => new Date()), policy: deps.teacherPdfPolicy ?? DEFAULT_TEACHER_PDF_POLICY }),
    ...candidatePortalRoutes(portal),
    ...portalAccountRoutes(portal),
  ];
  const api = express.Router();
  mount(api, routes);
  app.use(api);
  app.use(createPages({ db: deps.db, routes, csrfToken: (req, res) => generateCsrfToken(req, res), smtpSinkDir: deps.smtpSinkDir }));
  const openapi = buildOpenApi(routes);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  app.use((_req, _res, next) => next(notFound()));
  app.use(pageErrors(deps.log));
  app.use(errorHandler(deps.log));
  return { app, routes };
}
