import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { RouteSpec } from '../routeTable';
import type { Logger } from '../../config/logger';
import type { Db } from '../../db/client';
import { assetRoutes } from './assets';
import { associatePages } from './associate';
import { boardPages } from './board';
import { candidatePages } from './candidates';
import { centrePages } from './centre';
import { enquiryPages } from './enquiries';
import { createKit } from './pageKit';
import { sessionPages } from './session';
import { multipartForm } from './multipart';
import { IMPORT_FORM_PATH, studentAccountPages } from './studentAccounts';
import { studentPages } from './students';
import { createViews } from './views';

// The web pages: server-rendered handlebars over the same route handlers as the JSON API (see pageKit.ts).

export interface PagesDeps {
  db: Db;
  log: Logger;
  routes: RouteSpec[];
  csrfToken: (req: Request, res: Response) => string;
  smtpSinkDir?: string;
}

/** Styles and scripts: mounted before sessions, since they need none. */
export const pageAssets = assetRoutes;

/** The file upload form's body, parsed before the CSRF check reads its _csrf field. */
export const pageUploads = () => multipartForm([IMPORT_FORM_PATH]);

export function createPages(deps: PagesDeps) {
  const views = createViews();
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
  // A failure on our side: an HTML page (the API's handler answers JSON), logged like the API's.
  router.use(((err, req, res, next) => {
    if (res.headersSent || req.path.startsWith('/api/')) return next(err);
    deps.log.error({ err, path: req.path }, 'page failed');
    res.status(500).type('html').send(views.render('error', { title: 'Sorry, there is a problem with the service', problem: { summary: [{ text: 'Try again in a minute. Nothing you sent was lost or half-saved.' }] }, nav: [] }));
  }) as ErrorRequestHandler);
  return router;
}
