import { randomUUID } from 'node:crypto';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { and, eq, sql } from 'drizzle-orm';
import { DEFAULT_ENQUIRY_POLICY } from '../api/routes/enquiries';
import type { Database } from '../db/client';
import { enquiries, series, users } from '../db/schema';
import { endOfDayInZone } from '../domain/calendar';
import type { EnquiryDraft } from '../domain/model';
import { enquiryWorkflow } from '../workflows/enquiry';
import { enquiryWorkflowId } from '../workflows/ids';
import * as messages from '../workflows/messages';
import { CentreNumber, EnquiryService, EnquiryStatus, SeriesId, SyllabusCode } from '../workflows/searchAttributes';

// A few live enquiry workflows for the demo, so the Temporal UI has something to show: a draft, a submitted
// enquiry and an acknowledged one (its amendment window running). Made once: skipped when GB001 has enquiries.
export async function seedDemoWorkflows(database: Database, temporalAddress: string, namespace: string, taskQueue: string): Promise<number> {
  const { db } = database;
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(enquiries).where(eq(enquiries.centreNumber, 'GB001'));
  if (existing.n > 0) return 0;
  const [officer] = await db.select().from(users).where(and(eq(users.email, 'officer@riverside.example')));
  const [boardUser] = await db.select().from(users).where(eq(users.email, 'board@examboard.example'));
  const [nov] = await db.select().from(series).where(eq(series.id, 'NOV2026'));
  if (!officer || !boardUser || !nov) return 0;
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace });
  const deadline = endOfDayInZone(String(nov.enquiryDeadline), nov.timeZone).toISOString();
  const centre = { userId: officer.id, name: officer.name };
  const board = { userId: boardUser.id, name: boardUser.name };
  const drafts: Array<[EnquiryDraft, 'Saved' | 'Submitted' | 'Acknowledged']> = [
    [{ service: '1', syllabusCode: '0580', componentCodes: ['12'], candidateNumbers: ['0011'], note: 'Demo draft' }, 'Saved'],
    [{ service: '2', syllabusCode: '0580', componentCodes: ['12', '42'], candidateNumbers: ['0012'], note: 'Demo review of marking' }, 'Submitted'],
    [{ service: '2S', syllabusCode: '0610', componentCodes: ['32'], candidateNumbers: ['0013'], note: 'Demo with copy of script' }, 'Acknowledged'],
  ];
  try {
    for (const [draft, target] of drafts) {
      const enquiryId = randomUUID();
      const handle = await new Promise<ReturnType<typeof client.workflow.getHandle>>((resolve, reject) => {
        const start = new WithStartWorkflowOperation(enquiryWorkflow, {
          workflowId: enquiryWorkflowId('GB001', 'NOV2026', enquiryId),
          taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [{ enquiryId, centreNumber: 'GB001', seriesId: 'NOV2026', draft, actor: officer.id, timings: { ...DEFAULT_ENQUIRY_POLICY, deadline } }],
          typedSearchAttributes: [
            { key: CentreNumber, value: 'GB001' },
            { key: SeriesId, value: 'NOV2026' },
            { key: EnquiryService, value: draft.service },
            { key: SyllabusCode, value: draft.syllabusCode },
            { key: EnquiryStatus, value: 'Saved' },
          ],
        });
        client.workflow
          .executeUpdateWithStart(messages.saveEnquiryDraft, { args: [{ draft, actor: centre }], startWorkflowOperation: start })
          .then(() => start.workflowHandle())
          .then(resolve, reject);
      });
      if (target === 'Saved') continue;
      await handle.executeUpdate(messages.submitEnquiry, { args: [{ declarations: [true, true], actor: centre }] });
      if (target === 'Submitted') continue;
      await handle.executeUpdate(messages.receiveEnquiry, { args: [{ actor: board }] });
      await handle.executeUpdate(messages.acknowledgeEnquiry, { args: [{ actor: board }] });
    }
  } finally {
    await connection.close();
  }
  return drafts.length;
}
