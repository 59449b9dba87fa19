// A Cambridge Associate's work: approving its associate centres' enquiries (C17) and releasing the board's
// documents to them (C29). Scoped to the associate's own centres; everything goes through the enquiry workflow.
import type { Client } from '@temporalio/client';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { documents, enquiries } from '../../db/schema';
import * as messages from '../../workflows/messages';
import { HttpError } from '../errors';
import { route, type RouteSpec } from '../routeTable';
import { actorOf, findVisibleEnquiry } from './enquiries';

const associate = ['associate_staff' as const];
const releasable = z.enum(['Ack', 'Out', 'Rpt', 'CoS', 'SoR']);

export function associateRoutes(deps: { db: Db; temporal: Client }): RouteSpec[] {
  const { db, temporal } = deps;
  const handleOf = (row: { workflowId: string }) => temporal.workflow.getHandle(row.workflowId);
  return [
    route({
      method: 'get',
      path: '/api/associate/approvals',
      summary: "Associate centres' enquiries awaiting the associate's decision, oldest first (C17)",
      access: associate,
      handler: async ({ user }) => {
        const rows = await db
          .select()
          .from(enquiries)
          .where(and(eq(enquiries.associateId, user!.associateId ?? '#'), eq(enquiries.status, 'AwaitingApproval')))
          .orderBy(asc(enquiries.createdAt));
        return { approvals: rows.map(({ state: _s, ...r }) => r) };
      },
    }),
    route({
      method: 'get',
      path: '/api/associate/documents',
      summary: 'Board documents waiting to be released to associate centres (C29)',
      access: associate,
      handler: async ({ user }) => {
        const rows = await db
          .select({ id: documents.id, kind: documents.kind, filename: documents.filename, createdAt: documents.createdAt, enquiryId: enquiries.id, enquiryNumber: enquiries.enquiryNumber, centreNumber: enquiries.centreNumber, status: enquiries.status })
          .from(documents)
          .innerJoin(enquiries, eq(enquiries.id, documents.enquiryId))
          .where(and(eq(enquiries.associateId, user!.associateId ?? '#'), isNull(documents.releasedToCentreAt)))
          .orderBy(asc(documents.createdAt));
        return { documents: rows };
      },
    }),
    route({
      method: 'post',
      path: '/api/associate/enquiries/:id/approve',
      summary: 'Approve an associate centre’s enquiry: it goes on to the board (C17)',
      access: associate,
      handler: async ({ params, user }) => handleOf(await findVisibleEnquiry(db, user!, params.id)).executeUpdate(messages.approveEnquiry, { args: [{ actor: actorOf(user!) }] }),
    }),
    route({
      method: 'post',
      path: '/api/associate/enquiries/:id/reject',
      summary: 'Reject an associate centre’s enquiry with a reason the centre sees (C17)',
      access: associate,
      body: z.object({ reason: z.string().trim().min(1, 'give the centre a reason [C17]').max(1000) }),
      handler: async ({ params, user, body }) =>
        handleOf(await findVisibleEnquiry(db, user!, params.id)).executeUpdate(messages.rejectEnquiry, { args: [{ reason: (body as { reason: string }).reason, actor: actorOf(user!) }] }),
    }),
    route({
      method: 'post',
      path: '/api/associate/release',
      summary: 'Release documents of one or several selected enquiries to their associate centres (C29)',
      access: associate,
      body: z.object({ enquiryIds: z.array(z.string().uuid()).min(1).max(200), kinds: z.array(releasable).min(1) }),
      handler: async ({ user, body }) => {
        const { enquiryIds, kinds } = body as { enquiryIds: string[]; kinds: Array<z.infer<typeof releasable>> };
        // Check every enquiry is the associate's before releasing anything, so a bad id changes nothing.
        const rows = await Promise.all(enquiryIds.map((id) => findVisibleEnquiry(db, user!, id)));
        const results = [];
        for (const row of rows) {
          try {
            const state = await handleOf(row).executeUpdate(messages.releaseEnquiryDocuments, { args: [{ kinds, actor: actorOf(user!) }] });
            results.push({ enquiryId: row.id, released: state.documents.filter((d) => kinds.includes(d.kind as never) && d.releasedAt).map((d) => d.kind) });
          } catch (err) {
            results.push({ enquiryId: row.id, error: err instanceof Error ? (err.cause as Error | undefined)?.message ?? err.message : 'not released' });
          }
        }
        if (results.every((r) => 'error' in r)) throw new HttpError(422, 'Nothing was released: none of the selected enquiries has an unreleased document of those kinds.', [{ field: 'kinds', rule: 'C29', message: 'No unreleased document of those kinds.' }]);
        return { results };
      },
    }),
    route({
      method: 'post',
      path: '/api/associate/enquiries/:id/acknowledgement-error',
      summary: 'Report an error in an acknowledgement to the board, within 24 hours of its issue (C29)',
      access: associate,
      body: z.object({ description: z.string().trim().min(1, 'say what is wrong').max(2000) }),
      handler: async ({ params, user, body }) =>
        handleOf(await findVisibleEnquiry(db, user!, params.id)).executeUpdate(messages.reportAcknowledgementError, { args: [{ by: 'associate', description: (body as { description: string }).description, actor: actorOf(user!) }] }),
    }),
  ];
}
