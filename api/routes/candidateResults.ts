// What a signed-in candidate sees (RULES.md B5, B6, B7): the results of the series their sign-in opens, from the
// release instant exactly (the board's release time plus the centre's delay), and a statement of results PDF made
// in the worker. Every route answers 401 to anyone who is not signed in as a candidate, staff included.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { statementKey } from '../../activities/statementKeys';
import type { DocumentStore } from '../../activities/storage';
import type { Db } from '../../db/client';
import { loadSeriesResults } from '../../db/portalResults';
import { availableFrom, seriesResultsView } from '../../domain/portalResults';
import { statementOfResultsWorkflowId } from '../../workflows/ids';
import { CentreNumber, SeriesId } from '../../workflows/searchAttributes';
import { statementOfResultsWorkflow } from '../../workflows/statementOfResults';
import { requireCandidate, type CandidateSession } from '../candidateSession';
import { HttpError, notFound } from '../errors';
import { createReleasedResultsCache } from '../releasedResultsCache';
import { route, type RouteSpec } from '../routeTable';

export interface CandidateResultsDeps {
  db: Db;
  temporal: Client;
  taskQueue: string;
  storage: DocumentStore;
  /** "Now" for the release rule; tests set it to either side of the release instant. */
  clock: () => Date;
}

const seriesParam = z.string().trim().min(1).max(40);

/** A letter sign-in opens its own series only; a registered account every series the candidate is entered in. */
const seriesOf = (c: CandidateSession): string | null => (c.via === 'letter' ? c.seriesId : null);

export function candidateResultsRoutes(deps: CandidateResultsDeps): RouteSpec[] {
  const { db, temporal } = deps;
  const cache = createReleasedResultsCache({ ttlMs: 5_000, maxEntries: 50_000 });
  return [
    route({
      method: 'get',
      path: '/api/candidates/me/results',
      summary:
        'The signed-in candidate’s results, per series: before release only when they will be available (B5); from that instant the syllabus grades and component marks, without qualifications that are not published on the website, which the answer says to ask the centre about (B7)',
      access: 'public',
      handler: async ({ req, res }) => {
        const candidate = await requireCandidate(db, req);
        const now = deps.clock();
        const seriesId = seriesOf(candidate);
        const series = await cache.read(`${candidate.candidateId}|${seriesId ?? '*'}`, now, async () =>
          (await loadSeriesResults(db, { candidateIds: [candidate.candidateId], seriesId, now })).map(seriesResultsView),
        );
        res.setHeader('Cache-Control', 'private, no-store');
        return { candidate: { name: candidate.name }, series };
      },
    }),

    route({
      method: 'get',
      path: '/api/candidates/me/results/:seriesId/statement',
      summary: 'The signed-in candidate’s statement of results for a series as PDF, with a graphical profile of the component scores (B6); only from the release instant (B5)',
      access: 'public',
      handler: async ({ req, res, params }) => {
        const candidate = await requireCandidate(db, req);
        const seriesId = seriesParam.parse(params.seriesId);
        const allowed = seriesOf(candidate);
        if (allowed !== null && allowed !== seriesId) throw notFound('There is no statement of results for this series.');
        const [results] = await loadSeriesResults(db, { candidateIds: [candidate.candidateId], seriesId, now: deps.clock() });
        if (!results) throw notFound('There is no statement of results for this series.');
        if (!results.released) {
          throw new HttpError(403, `Your statement of results will be available from ${availableFrom(results).local}.`, [
            { field: 'seriesId', rule: 'B5', message: `Results of ${results.seriesName} are not available yet.` },
          ]);
        }
        // A statement already made for these very results is served as it is; otherwise the worker prints it.
        const stored = await deps.storage.findByKey(statementKey(results));
        const made = stored ? { documentId: stored.id } : await temporal.workflow.execute(statementOfResultsWorkflow, {
          workflowId: statementOfResultsWorkflowId(results.centreNumber, seriesId, candidate.candidateId),
          taskQueue: deps.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [{ centreNumber: results.centreNumber, seriesId, candidateId: candidate.candidateId }],
          typedSearchAttributes: [
            { key: CentreNumber, value: results.centreNumber },
            { key: SeriesId, value: seriesId },
          ],
        });
        const doc = await deps.storage.getFor(made.documentId, { kind: 'centre', centreNumber: results.centreNumber });
        if (!doc) throw notFound('There is no statement of results for this series.');
        res.setHeader('Content-Type', 'application/pdf');
        res.setHeader('Content-Disposition', `attachment; filename="${doc.filename}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        res.send(doc.content);
        return undefined;
      },
    }),
  ];
}
