import { and, desc, eq } from 'drizzle-orm';
import express from 'express';
import type { Db } from '../../db/client';
import { candidates, entries, series } from '../../db/schema';
import { asText, userOf, type Kit } from './pageKit';

// Preparation-centre teachers (RULES.md B8-B10): the report with its filters and bulk result PDFs with progress.
// Everything goes through the /api/teacher routes.

const PAGE_SIZE = 50;

interface Report {
  series: { id: string; name: string; released: boolean; availableFrom: { local: string } };
  total: number;
  candidates: Array<{ candidateNumber: string; firstName: string; lastName: string; results: Array<{ syllabusCode: string; syllabusName: string; grade: string | null }> | null }>;
}
interface Job { job: { phase: string; done: number; total: number; file: { filename: string } | null }; percent: number; fileUrl: string | null }

export function teacherPages(kit: Kit, db: Db) {
  const router = express.Router();

  /** The series the teacher's centre has entries in, newest first. */
  const centreSeries = (centreNumber: string) =>
    db
      .selectDistinct({ id: series.id, name: series.name, releaseAt: series.releaseAt })
      .from(series)
      .innerJoin(entries, eq(entries.seriesId, series.id))
      .innerJoin(candidates, and(eq(candidates.id, entries.candidateId), eq(candidates.centreNumber, centreNumber)))
      .orderBy(desc(series.releaseAt))
      .limit(20);

  router.get(
    '/teacher',
    kit.page(async (req, res) => {
      const user = userOf(req);
      const all = await centreSeries(user?.centreNumber ?? '#');
      const q = { seriesId: asText(req.query.seriesId) || all[0]?.id || '', from: asText(req.query.from), to: asText(req.query.to), name: asText(req.query.name), sort: asText(req.query.sort) || 'candidateNumber' };
      const offset = Math.max(0, Number.parseInt(asText(req.query.offset), 10) || 0);
      const report = q.seriesId
        ? await kit.api<Report>(req, res, 'get', '/api/teacher/report', { query: { ...q, from: q.from || undefined, to: q.to || undefined, name: q.name || undefined, limit: String(PAGE_SIZE), offset: String(offset) } })
        : null;
      const base = `/teacher?${new URLSearchParams(q)}&offset=`;
      kit.render(req, res, 'teacherReport', {
        title: 'Results report',
        q,
        series: all.map((s) => ({ ...s, selected: s.id === q.seriesId })),
        sorts: [
          { value: 'candidateNumber', text: 'Candidate number' },
          { value: 'lastName', text: 'Last name' },
          { value: 'firstName', text: 'First name' },
        ].map((s) => ({ ...s, selected: s.value === q.sort })),
        report,
        from: report && report.total > 0 ? offset + 1 : 0,
        to: offset + (report?.candidates.length ?? 0),
        previous: offset > 0 ? `${base}${Math.max(0, offset - PAGE_SIZE)}` : null,
        next: report && offset + PAGE_SIZE < report.total ? `${base}${offset + PAGE_SIZE}` : null,
      });
    }),
  );

  router.post(
    '/teacher/result-pdfs',
    kit.page(async (req, res) => {
      const b = req.body as Record<string, unknown>;
      const filters = { seriesId: asText(b.seriesId), from: asText(b.from) || undefined, to: asText(b.to) || undefined, name: asText(b.name) || undefined };
      await kit.submit(req, res, {
        back: `/teacher?${new URLSearchParams({ seriesId: filters.seriesId, from: filters.from ?? '', to: filters.to ?? '', name: filters.name ?? '' })}`,
        action: async () => {
          const { jobId } = await kit.api<{ jobId: string }>(req, res, 'post', '/api/teacher/result-pdfs', { body: filters });
          return `/teacher/result-pdfs/${jobId}`;
        },
      });
    }),
  );

  router.get(
    '/teacher/result-pdfs/:id',
    kit.page(async (req, res) => {
      const id = String(req.params.id);
      const j = await kit.api<Job>(req, res, 'get', '/api/teacher/result-pdfs/:id', { params: { id } });
      kit.render(req, res, 'teacherPdfs', {
        title: 'Result PDFs',
        back: { href: '/teacher', text: 'Results report' },
        j,
        working: !j.fileUrl && j.job.phase !== 'failed',
        progressUrl: `/api/teacher/result-pdfs/${encodeURIComponent(id)}`,
      });
    }),
  );

  return router;
}

