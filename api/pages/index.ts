import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { RouteSpec } from '../routeTable';
import type { Logger } from '../../config/logger';
import type { Db } from '../../db/client';
import { accountPages } from './accounts';
import { assetRoutes } from './assets';
import { associatePages } from './associate';
import { BOARD_UPLOAD_PATH, boardPages } from './board';
import { candidatePages } from './candidates';
import { centrePages } from './centre';
import { enquiryPages } from './enquiries';
import { devOutboxPage } from './devOutbox';
import { createKit } from './pageKit';
import { sessionPages } from './session';
import { multipartForm } from './multipart';
import { IMPORT_FORM_PATH, studentAccountPages } from './studentAccounts';
import { studentPages } from './students';
import { teacherPages } from './teachers';
import { createViews } from './views';

// The web pages: server-rendered handlebars over the same route handlers as the JSON API (see pageKit.ts).

export interface PagesDeps {
  db: Db;
  routes: RouteSpec[];
  csrfToken: (req: Request, res: Response) => string;
  smtpSinkDir?: string;
}

const views = createViews();

/**
 * Errors on a browser's way to a page (an expired form's CSRF token, a failure on our side): the layout's error page
 * instead of the API's JSON, logged like the API's. API requests go on to the JSON error handler.
 */
export function pageErrors(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent || req.path.startsWith('/api/') || !(req.get('accept') ?? '').includes('text/html')) return next(err);
    const code = (err as { code?: string })?.code;
    if (code === 'EBADCSRFTOKEN' || code === 'ERR_BAD_CSRF_TOKEN') {
      res.status(403).type('html').send(views.render('error', { title: 'The form expired', problem: { summary: [{ text: 'The form expired or did not come from this site. Go back, reload the page and try again.' }] }, nav: [] }));
      return;
    }
    if (typeof (err as { status?: unknown })?.status === 'number' && (err as { status: number }).status < 500) return next(err);
    log.error({ err, path: req.path }, 'page failed');
    res.status(500).type('html').send(views.render('error', { title: 'Sorry, there is a problem with the service', problem: { summary: [{ text: 'Try again in a minute. Nothing you sent was lost or half-saved.' }] }, nav: [] }));
  };
}

/** Styles and scripts: mounted before sessions, since they need none. */
export const pageAssets = assetRoutes;

/** The file upload form's body, parsed before the CSRF check reads its _csrf field. */
export const pageUploads = () => multipartForm([new RegExp(`^${IMPORT_FORM_PATH}$`), BOARD_UPLOAD_PATH]);

export function createPages(deps: PagesDeps) {
  const kit = createKit({ ...deps, views });
  const router = express.Router();
  router.use(sessionPages(kit));
  router.use(centrePages(kit));
  router.use(enquiryPages(kit, deps.db));
  router.use(associatePages(kit));
  router.use(boardPages(kit, deps.db));
  router.use(studentPages(kit));
  router.use(studentAccountPages(kit));
  router.use(candidatePages(kit));
  router.use(teacherPages(kit, deps.db));
  router.use(accountPages(kit));
  if (deps.smtpSinkDir) router.use(devOutboxPage(kit, deps.smtpSinkDir));
  // An unknown page asked for by a browser: the layout's 404 (API clients keep getting the JSON one).
  router.get(/^(?!\/api\/).*/, (req, res, next) => {
    if (!(req.get('accept') ?? '').includes('text/html')) return next();
    kit.render(req, res, 'error', { title: 'Page not found', problem: { summary: [{ text: 'If you typed the address, check it is correct.' }] } }, 404);
  });
  return router;
}
