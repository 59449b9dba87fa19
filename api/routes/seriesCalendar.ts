// The series calendar (board staff) and invoices (centre staff). The workflow owns the invoice date and run.
import type { Client } from '@temporalio/client';
import { and, eq, desc } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { invoices, series } from '../../db/schema';
import { parseDay, startOfDayInZone } from '../../domain/calendar';
import { CENTRE_STAFF_ROLES } from '../../domain/model';
import { seriesCalendarWorkflowId } from '../../workflows/ids';
import * as messages from '../../workflows/messages';
import { seriesCalendarWorkflow } from '../../workflows/seriesCalendar';
import { SeriesId } from '../../workflows/searchAttributes';
import { HttpError, notFound } from '../errors';
import { route, type RouteSpec } from '../routeTable';

const dayField = z.string().refine((s) => parseDay(s) !== null, 'must be a date as YYYY-MM-DD');

export function seriesCalendarRoutes(deps: { db: Db; temporal: Client; taskQueue: string }): RouteSpec[] {
  const { db, temporal } = deps;
  const seriesRow = async (id: string) => {
    const [s] = await db.select().from(series).where(eq(series.id, id));
    if (!s) throw notFound(`Series ${id} does not exist.`);
    return s;
  };
  return [
    route({
      method: 'post',
      path: '/api/board/series/:seriesId/calendar',
      summary: "Start (or find) the series calendar, which issues invoices from the series' invoice date (C22)",
      access: ['board_staff'],
      handler: async ({ params }) => {
        const s = await seriesRow(params.seriesId);
        const handle = await temporal.workflow.start(seriesCalendarWorkflow, {
          workflowId: seriesCalendarWorkflowId(s.id),
          taskQueue: deps.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [{ seriesId: s.id, invoiceAt: startOfDayInZone(String(s.invoiceDate), s.timeZone).toISOString() }],
          typedSearchAttributes: [{ key: SeriesId, value: s.id }],
        });
        return handle.query(messages.seriesCalendarQuery);
      },
    }),
    route({
      method: 'get',
      path: '/api/board/series/:seriesId/calendar',
      summary: 'The series calendar: invoice date and whether invoices were issued',
      access: ['board_staff'],
      handler: async ({ params }) => temporal.workflow.getHandle(seriesCalendarWorkflowId((await seriesRow(params.seriesId)).id)).query(messages.seriesCalendarQuery),
    }),
    route({
      method: 'put',
      path: '/api/board/series/:seriesId/calendar',
      summary: 'Change the invoice date while the calendar waits for it (C22)',
      access: ['board_staff'],
      body: z.object({ invoiceDate: dayField }),
      handler: async ({ params, body }) => {
        const s = await seriesRow(params.seriesId);
        const { invoiceDate } = body as { invoiceDate: string };
        const handle = temporal.workflow.getHandle(seriesCalendarWorkflowId(s.id));
        return handle.executeUpdate(messages.changeInvoiceDate, { args: [{ invoiceAt: startOfDayInZone(invoiceDate, s.timeZone).toISOString() }] });
      },
    }),
    route({
      method: 'get',
      path: '/api/invoices',
      summary: "The centre's invoices, with their PDF (C22)",
      access: [...CENTRE_STAFF_ROLES],
      query: z.object({ seriesId: z.string().optional() }),
      handler: async ({ user, query }) => {
        if (!user!.centreNumber) throw new HttpError(403, 'You do not have access to this.');
        const q = query as { seriesId?: string };
        const rows = await db
          .select()
          .from(invoices)
          .where(and(eq(invoices.centreNumber, user!.centreNumber), q.seriesId ? eq(invoices.seriesId, q.seriesId) : undefined))
          .orderBy(desc(invoices.createdAt));
        return { invoices: rows };
      },
    }),
  ];
}
