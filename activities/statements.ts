// Statements of results (B6) and teachers' bulk result PDFs (B10), printed by the one Chromium renderer and stored
// through the document store under deterministic keys: a retried activity finds what an earlier attempt stored.
// A bulk job's zip is stored in parts, one per batch of candidates (a stored entry per candidate, as the letters'
// zip), and a directory written at the end, so a job of any size keeps one batch in memory at a time.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client';
import { loadSeriesResults, reportCandidateIds } from '../db/portalResults';
import { formatDay, localDay } from '../domain/calendar';
import { CONTACT_CENTRE, percentOf, type CandidateSeriesResults, type ReportFilters } from '../domain/portalResults';
import { resultPdfsDirectoryKey, resultPdfsPartKey, statementKey } from './statementKeys';
import type { DocumentStore } from './storage';
import { parsePdf, singlePagePdf } from './letters/pdfPages';
import type { PdfRenderer } from './letters/renderer';
import { renderLetterHtml } from './letters/templates';
import { zipDirectory, zipEntry, type ZipEntryInfo } from './letters/zipParts';

export interface StatementActivityDeps {
  db: Db;
  pdf: PdfRenderer;
  storage: DocumentStore;
}

const BAR_ROW = 22;
const BAR_LEFT = 270;
const BAR_WIDTH = 250;

/** One statement's template data: published results only (B7), and the chart's geometry worked out here. */
export function statementData(r: CandidateSeriesResults, issuedAt: Date) {
  const shown = r.entries.filter((e) => e.published);
  const components = shown.flatMap((e) => e.components.map((c) => ({ ...c, syllabusCode: e.syllabusCode })));
  const top = 34;
  const bars = components.map((c, i) => {
    const percent = percentOf(c);
    const y = top + i * BAR_ROW;
    return {
      label: `${c.syllabusCode}/${c.code} ${c.name}`.slice(0, 42),
      value: percent === null ? (c.exempt ? 'exempt' : 'no mark') : `${percent}%`,
      y,
      textY: y + 11,
      width: percent === null ? 0 : Math.round((percent / 100) * BAR_WIDTH),
    };
  });
  const axisY = top + bars.length * BAR_ROW;
  return {
    candidateName: `${r.firstName} ${r.lastName}`,
    candidateNumber: r.candidateNumber,
    centreName: r.centreName,
    centreNumber: r.centreNumber,
    seriesName: r.seriesName,
    issuedOn: formatDay(localDay(issuedAt, r.centreTimeZone)),
    results: shown.map((e) => ({ qualificationName: e.qualificationName, syllabusCode: e.syllabusCode, syllabusName: e.syllabusName, grade: e.grade ?? 'pending' })),
    notPublished: shown.length < r.entries.length ? `${[...new Set(r.entries.filter((e) => !e.published).map((e) => e.qualificationName))].join(', ')}. ${CONTACT_CENTRE}` : null,
    chart: {
      height: axisY + 16,
      axisY,
      labelY: axisY + 12,
      gridlines: [0, 25, 50, 75, 100].map((p) => ({ x: BAR_LEFT + (p / 100) * BAR_WIDTH, label: `${p}` })),
      bars,
    },
  };
}

/** The entries of a stored zip part, read back from their local headers (name, CRC, size, position in the part). */
function partEntries(part: Buffer): ZipEntryInfo[] {
  const out: ZipEntryInfo[] = [];
  for (let at = 0; at < part.length; ) {
    if (part.readUInt32LE(at) !== 0x04034b50) throw new Error(`zip part: no local header at ${at}`);
    const crc = part.readUInt32LE(at + 14);
    const size = part.readUInt32LE(at + 18);
    const nameLength = part.readUInt16LE(at + 26);
    const extraLength = part.readUInt16LE(at + 28);
    out.push({ name: part.subarray(at + 30, at + 30 + nameLength).toString('utf8'), crc, size, offset: at });
    at += 30 + nameLength + extraLength + size;
  }
  return out;
}

export function createStatementActivities(deps: StatementActivityDeps) {
  const { db, storage } = deps;

  /** Statements as single PDFs: one Chromium print for all, split by page; a statement longer than a page alone. */
  async function printStatements(list: CandidateSeriesResults[], issuedAt: Date, heartbeat: (done: number) => void): Promise<Buffer[]> {
    const data = list.map((r) => statementData(r, issuedAt));
    const all = await deps.pdf.renderPdf(renderLetterHtml('resultsStatements', { statements: data }));
    if (list.length === 1) return [all];
    const parsed = await parsePdf(all);
    if (parsed.pages.length === list.length) return list.map((_, i) => singlePagePdf(parsed, i));
    const out: Buffer[] = [];
    for (const d of data) {
      out.push(await deps.pdf.renderPdf(renderLetterHtml('resultsStatements', { statements: [d] })));
      heartbeat(out.length);
    }
    return out;
  }

  const released = (r: CandidateSeriesResults | undefined): CandidateSeriesResults => {
    if (!r) throw ApplicationFailure.nonRetryable('The candidate has no entry in this series.', 'NoEntry');
    if (!r.released) throw ApplicationFailure.nonRetryable(`Results of ${r.seriesName} are not released yet.`, 'NotReleased');
    return r;
  };

  return {
    /** B6: one candidate's statement for one series, stored once per content; answers the stored document. */
    async makeStatementOfResults(q: { centreNumber: string; seriesId: string; candidateId: string }): Promise<{ documentId: string; key: string }> {
      const [r] = await loadSeriesResults(db, { candidateIds: [q.candidateId], seriesId: q.seriesId, now: new Date() });
      const results = released(r);
      if (results.centreNumber !== q.centreNumber) throw ApplicationFailure.nonRetryable('The candidate is not at this centre.', 'NoEntry');
      const key = statementKey(results);
      const found = await storage.findByKey(key);
      if (found) return { documentId: found.id, key };
      const [pdf] = await printStatements([results], new Date(), () => undefined);
      const doc = await storage.put({
        key,
        kind: 'SoR',
        centreNumber: q.centreNumber,
        filename: `Statement-of-results-${q.seriesId}-${results.candidateNumber}.pdf`,
        contentType: 'application/pdf',
        content: pdf,
      });
      return { documentId: doc.id, key };
    },

    /** B10: the candidates a teacher's filters find, fixed once for the job, in candidate-number order. */
    async planResultPdfs(q: { centreNumber: string; seriesId: string; filters: ReportFilters }): Promise<{ candidateIds: string[] }> {
      return { candidateIds: await reportCandidateIds(db, q) };
    },

    /** One batch of a bulk job: the batch's statements, one Chromium print, stored as its part of the zip. */
    async makeResultPdfBatch(q: { jobId: string; centreNumber: string; seriesId: string; batch: number; candidateIds: string[]; issuedAt: string }): Promise<{ batch: number; pdfs: number; reused: boolean }> {
      const ctx = Context.current();
      const key = resultPdfsPartKey(q.centreNumber, q.jobId, q.batch);
      const found = await storage.findByKey(key);
      if (found) {
        const part = await storage.getFor(found.id, { kind: 'centre', centreNumber: q.centreNumber });
        return { batch: q.batch, pdfs: part ? partEntries(part.content).length : 0, reused: true };
      }
      const list = (await loadSeriesResults(db, { candidateIds: q.candidateIds, seriesId: q.seriesId, now: new Date() })).filter((r) => r.centreNumber === q.centreNumber);
      list.forEach(released);
      ctx.heartbeat({ printing: list.length });
      const issuedAt = new Date(q.issuedAt);
      const pdfs = await printStatements(list, issuedAt, (done) => ctx.heartbeat({ printed: done }));
      ctx.heartbeat({ printed: pdfs.length });
      const content = Buffer.concat(list.map((r, i) => zipEntry(`${r.candidateNumber}.pdf`, pdfs[i], issuedAt).bytes));
      await storage.put({ key, kind: 'ResultPdfs', centreNumber: q.centreNumber, filename: `part-${q.batch}.zip`, contentType: 'application/zip', content });
      return { batch: q.batch, pdfs: list.length, reused: false };
    },

    /** The zip's directory over every stored part, written last: the file is complete once this exists. */
    async finaliseResultPdfs(q: { jobId: string; centreNumber: string; seriesId: string; batches: number; issuedAt: string }): Promise<{ filename: string; sizeBytes: number; pdfs: number }> {
      const ctx = Context.current();
      const filename = `Results-${q.centreNumber}-${q.seriesId}.zip`;
      const directory: ZipEntryInfo[] = [];
      let at = 0;
      for (let batch = 0; batch < q.batches; batch++) {
        const found = await storage.findByKey(resultPdfsPartKey(q.centreNumber, q.jobId, batch));
        const part = found ? await storage.getFor(found.id, { kind: 'centre', centreNumber: q.centreNumber }) : null;
        if (!part) throw new Error(`part ${batch} of bulk result PDFs ${q.jobId} is missing`);
        for (const e of partEntries(part.content)) directory.push({ ...e, offset: at + e.offset });
        at += part.content.length;
        ctx.heartbeat({ read: batch + 1 });
      }
      const tail = zipDirectory(directory, at, new Date(q.issuedAt));
      await storage.put({ key: resultPdfsDirectoryKey(q.centreNumber, q.jobId), kind: 'ResultPdfs', centreNumber: q.centreNumber, filename, contentType: 'application/zip', content: tail });
      return { filename, sizeBytes: at + tail.length, pdfs: directory.length };
    },
  };
}

export type StatementActivities = ReturnType<typeof createStatementActivities>;
