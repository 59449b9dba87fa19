import express from 'express';
import { asList, asText, type Kit } from './pageKit';

// Associate staff: their associate centres' enquiries awaiting approval (C17) and the board's documents awaiting
// release, released one or many at once (C29). Everything goes through the associate API routes.

interface Approval { id: string; centreNumber: string; seriesId: string; service: string; syllabusCode: string; note: string; candidateNumbers: string[]; submittedAt: string | null; createdAt: string }
interface Doc { id: string; kind: string; filename: string; createdAt: string; enquiryId: string; enquiryNumber: number | null; centreNumber: string; status: string }

export function associatePages(kit: Kit) {
  const router = express.Router();

  router.get(
    '/associate',
    kit.page(async (req, res) => {
      const { approvals } = await kit.api<{ approvals: Approval[] }>(req, res, 'get', '/api/associate/approvals');
      const { documents } = await kit.api<{ documents: Doc[] }>(req, res, 'get', '/api/associate/documents');
      kit.render(req, res, 'associateHome', { title: 'Approvals and documents', approvals, documents, kinds: ['Ack', 'Out', 'Rpt', 'CoS', 'SoR'] });
    }),
  );

  router.post(
    '/associate/enquiries/:id/approve',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      await kit.submit(req, res, {
        back: '/associate',
        notice: { title: 'Enquiry approved', text: 'It has gone to the board. [C17]' },
        action: async () => {
          await kit.api(req, res, 'post', '/api/associate/enquiries/:id/approve', { params: { id } });
        },
      });
    }),
  );

  router.post(
    '/associate/enquiries/:id/reject',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const reason = asText((req.body as Record<string, unknown>)[`reason-${id}`]);
      await kit.submit(req, res, {
        back: '/associate',
        notice: { title: 'Enquiry rejected', text: 'The centre sees your reason. [C17]' },
        action: async () => {
          try {
            await kit.api(req, res, 'post', '/api/associate/enquiries/:id/reject', { params: { id }, body: { reason } });
          } catch (err) {
            // Each row has its own reason box: point the error at this one.
            if (err && typeof err === 'object' && 'issues' in err) (err as { issues: Array<{ path: PropertyKey[] }> }).issues.forEach((i) => (i.path = [`reason-${id}`]));
            throw err;
          }
        },
      });
    }),
  );

  router.post(
    '/associate/release',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const enquiryIds = [...new Set(asList(b.enquiryIds))];
      const kinds = asList(b.kinds);
      await kit.submit(req, res, {
        back: '/associate',
        values: { enquiryIds, kinds },
        action: async () => {
          const { results } = await kit.api<{ results: Array<{ enquiryId: string; released?: string[]; error?: string }> }>(req, res, 'post', '/api/associate/release', { body: { enquiryIds, kinds } });
          const released = results.filter((r) => r.released?.length).length;
          kit.setFlash(req, { notice: { title: `Documents released for ${released} ${released === 1 ? 'enquiry' : 'enquiries'}`, text: 'The centres were emailed. [C29]' } });
        },
      });
    }),
  );

  return router;
}
