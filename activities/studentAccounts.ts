// Side effects of the studentImport, studentExport and studentEmail workflows (issue 7, RULES.md D2, D3, D5-D9).
// Built from injected dependencies; every function is safe to run more than once:
// - an upload is read as a stream (chunk by chunk from PostgreSQL, through csv-parse, into COPY) with bounded memory;
// - rows are validated in batches against the exam-entry data; failing rows are stored with line, field and reason;
// - accounts are created in batches, each ONE transaction with its activation codes (hashes only), its welcome
//   emails queued in the outbox and the rows marked: a retried batch finds its marks and creates nothing twice;
// - emails go out from the outbox, one per account and activation generation, ever.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Context } from '@temporalio/activity';
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import type { Db } from '../db/client';
import { centres, outbox, series, studentExportParts, studentExports, studentFiles, studentImportChunks, studentImports } from '../db/schema';
import { activationEmailKey, activationPageUrl, activationUrl, newActivationSecrets, rawClient } from '../db/studentAccounts';
import {
  checkImportRow,
  mapImportHeader,
  neutraliseCsvCell,
  type ImportColumn,
  type ImportRow,
  type ImportRowFacts,
  type ImportViolation,
} from '../domain/studentAccounts';
import type {
  Actor,
  CreateBatchResult,
  ExportBatchResult,
  ExportFileRef,
  ExportPlan,
  SendBatchResult,
  StageResult,
  StudentExportState,
  StudentImportState,
  ValidateBatchResult,
} from '../workflows/studentTypes';
import { activationEmail } from './email/studentEmails';
import type { Mailer } from './email/outbox';
import type { PdfRenderer } from './letters/renderer';
import { renderLetterHtml } from './letters/templates';

/** Tests only: fail at a chosen point, as a worker crash would (after a commit, before the result is reported). */
export type StudentFaults = (point: 'after-create-commit' | 'after-first-email' | 'after-export-commit', at: { job: string; batch: number; attempt: number }) => Promise<void>;

export interface StudentActivityDeps {
  db: Db;
  mailer: Mailer;
  pdf: PdfRenderer;
  publicUrl: string;
  faults?: StudentFaults;
}

/** Bytes of an upload per stored chunk (the API stores them, the import reads them back one at a time). */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;
const FIRST_ERRORS_KEPT = 50;
const MAX_RECORD_BYTES = 64 * 1024;

/** One value in PostgreSQL's COPY text format. */
const COPY_SPECIAL = /[\0\\\t\n\r]/;
const copyValue = (v: string | number | null) => {
  if (v === null) return '\\N';
  const str = String(v);
  if (!COPY_SPECIAL.test(str)) return str;
  return str.replace(/\0/g, '').replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
};

const range = (batch: number, size: number) => ({ from: batch * size, to: (batch + 1) * size });

export const EXPORT_CSV_HEADER = ['forename', 'surname', 'candidate_number', 'uci', 'verification_code', 'activation_url', 'expires_on'];

export function createStudentAccountActivities(deps: StudentActivityDeps) {
  const { db, mailer } = deps;
  const pg = rawClient(db);

  async function* uploadChunks(importId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const [row] = await pg<{ content: Buffer }[]>`select content from student_import_chunks where import_id = ${importId} and seq = ${seq}`;
      if (!row) return;
      yield row.content;
    }
  }

  return {
    // --- import (D2, D5) -----------------------------------------------------------------------------------------

    /** The workflow's state, written as the read model; an older version never overwrites a newer one. */
    async saveStudentImport({ state }: { state: StudentImportState }): Promise<void> {
      const values = {
        id: state.importId,
        workflowId: state.workflowId,
        centreNumber: state.centreNumber,
        filename: state.filename,
        sizeBytes: state.sizeBytes,
        uploadedBy: state.uploadedBy.userId,
        uploadedByName: state.uploadedBy.name,
        phase: state.phase,
        rows: state.rows,
        errorCount: state.errorCount,
        created: state.created,
        alreadyRegistered: state.alreadyRegistered,
        emailsSent: state.emailsSent,
        version: state.version,
        state,
        updatedAt: new Date(),
      };
      const { id: _id, workflowId: _w, centreNumber: _c, ...changes } = values;
      await db
        .insert(studentImports)
        .values(values)
        .onConflictDoUpdate({ target: studentImports.id, set: changes, setWhere: sql`${studentImports.version} < ${state.version}` });
    },

    /**
     * Reads the uploaded file as a stream into staged rows (COPY), in one transaction that first clears an earlier
     * attempt's rows. Header and CSV syntax problems are returned (and stored) as fatal: nothing is validated then.
     */
    async stageStudentImport(q: { importId: string; batchSize: number }): Promise<StageResult> {
      const ctx = Context.current();
      const { importId } = q;
      const fatal: ImportViolation[] = [];
      let rows = 0;
      await pg.begin(async (tx) => {
        await tx`delete from student_import_rows where import_id = ${importId}`;
        await tx`delete from student_import_errors where import_id = ${importId}`;
        const copy = await tx`copy student_import_rows (import_id, seq, line, candidate_number, uci, forename, surname, date_of_birth, email, school_year, problem) from stdin`.writable();
        const parser = parse({ bom: true, relax_column_count: true, info: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });
        const source = Readable.from(uploadChunks(importId));
        source.on('error', (err) => parser.destroy(err));
        source.pipe(parser);
        async function* lines(): AsyncGenerator<string> {
          let columns: Array<ImportColumn | null> | null = null;
          let buffered: string[] = [];
          try {
            for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
              if (columns === null) {
                const header = mapImportHeader(record);
                if (header.violations.length > 0) {
                  fatal.push(...header.violations);
                  return;
                }
                columns = header.columns;
                continue;
              }
              const get = (c: ImportColumn) => {
                const i = columns!.indexOf(c);
                return i < 0 ? '' : (record[i] ?? '').replace(/\0/g, '').trim();
              };
              const extra = record.slice(columns.length).some((v) => v.trim() !== '');
              const problem = record.length < columns.length || extra ? `This line has ${record.length} cells; the header has ${columns.length}.` : null;
              const row = [importId, rows, info.lines, get('candidate_number'), get('uci'), get('forename'), get('surname'), get('date_of_birth'), get('email'), get('school_year'), problem];
              buffered.push(row.map(copyValue).join('\t'));
              rows += 1;
              if (buffered.length >= 500) {
                yield `${buffered.join('\n')}\n`;
                buffered = [];
                if (rows % 5000 === 0) ctx.heartbeat({ rows });
              }
            }
            if (columns === null) fatal.push({ line: 1, field: 'file', rule: 'D2', message: 'The file is empty: download the template and fill in one student per line.' });
            else if (rows === 0) fatal.push({ line: 2, field: 'file', rule: 'D2', message: 'The file has a header but no students.' });
          } catch (err) {
            if (!(err instanceof CsvError)) throw err;
            const line = (err as CsvError & { lines?: number }).lines ?? rows + 2;
            fatal.push({ line, field: 'file', rule: 'D2', message: `The file is not valid CSV from line ${line}: ${err.message.replace(/^Invalid Record Length: /, '')}` });
          } finally {
            parser.destroy();
            source.destroy();
          }
          if (buffered.length > 0) yield `${buffered.join('\n')}\n`;
        }
        await pipeline(Readable.from(lines()), copy);
        if (fatal.length > 0) {
          await tx`insert into student_import_errors ${tx(fatal.map((v) => ({ import_id: importId, line: v.line, field: v.field, rule: v.rule, message: v.message })))} on conflict do nothing`;
        }
      });
      return { rows, batches: Math.ceil(rows / q.batchSize), fatal };
    },

    /** One batch of staged rows checked against the exam-entry data and the accounts that exist (D2, D5). */
    async validateStudentImportBatch(q: { importId: string; centreNumber: string; batch: number; batchSize: number }): Promise<ValidateBatchResult> {
      const { importId, centreNumber, batch } = q;
      const { from, to } = range(batch, q.batchSize);
      const staged = await pg<Array<{ seq: number; line: number; candidate_number: string; uci: string; forename: string; surname: string; date_of_birth: string; email: string; school_year: string; problem: string | null }>>`
        select seq, line, candidate_number, uci, forename, surname, date_of_birth, email, school_year, problem
        from student_import_rows where import_id = ${importId} and seq >= ${from} and seq < ${to} order by seq`;
      const ucis = [...new Set(staged.map((r) => r.uci).filter((u) => u !== ''))];
      const emails = [...new Set(staged.map((r) => r.email.toLowerCase()).filter((e) => e !== ''))];
      const [found, owners, dupUci, dupEmail] = await Promise.all([
        pg<Array<{ id: string; uci: string; candidate_number: string; first_name: string; last_name: string; date_of_birth: string; entered: boolean }>>`
          select c.id, c.uci, c.candidate_number, c.first_name, c.last_name, c.date_of_birth::text as date_of_birth,
                 exists (select 1 from entries e where e.candidate_id = c.id) as entered
          from candidates c where c.centre_number = ${centreNumber} and c.uci = any(${ucis}::text[])`,
        pg<Array<{ k: string; candidate_id: string }>>`
          select lower(email) as k, candidate_id from student_accounts where lower(email) = any(${emails}::text[])`,
        pg<Array<{ seq: number; first: number }>>`
          select s.seq, min(p.line) as first from student_import_rows s
          join student_import_rows p on p.import_id = s.import_id and p.uci = s.uci and p.seq < s.seq
          where s.import_id = ${importId} and s.seq >= ${from} and s.seq < ${to} and s.uci <> '' group by s.seq`,
        pg<Array<{ seq: number; first: number }>>`
          select s.seq, min(p.line) as first from student_import_rows s
          join student_import_rows p on p.import_id = s.import_id and lower(p.email) = lower(s.email) and p.seq < s.seq and p.uci <> s.uci
          where s.import_id = ${importId} and s.seq >= ${from} and s.seq < ${to} and s.email <> '' group by s.seq`,
      ]);
      const byUci = new Map(found.map((c) => [c.uci, c]));
      const ownerOf = new Map(owners.map((o) => [o.k, o.candidate_id]));
      const firstUci = new Map(dupUci.map((d) => [d.seq, d.first]));
      const firstEmail = new Map(dupEmail.map((d) => [d.seq, d.first]));

      const merged = new Map<string, ImportViolation>();
      const failing = new Set<number>();
      for (const r of staged) {
        const row: ImportRow = {
          line: r.line,
          candidateNumber: r.candidate_number,
          uci: r.uci,
          forename: r.forename,
          surname: r.surname,
          dateOfBirth: r.date_of_birth,
          email: r.email,
          schoolYear: r.school_year,
          problem: r.problem,
        };
        const c = byUci.get(r.uci);
        const facts: ImportRowFacts = {
          candidate: c ? { id: c.id, candidateNumber: c.candidate_number, firstName: c.first_name, lastName: c.last_name, dateOfBirth: c.date_of_birth, entered: c.entered } : null,
          emailOwnerCandidateId: ownerOf.get(r.email.toLowerCase()) ?? null,
          earlierLineWithUci: firstUci.get(r.seq) ?? null,
          earlierLineWithEmail: firstEmail.get(r.seq) ?? null,
        };
        for (const v of checkImportRow(row, facts)) {
          failing.add(v.line);
          const key = `${v.line}|${v.field}`;
          const seen = merged.get(key);
          if (seen) seen.message = `${seen.message} ${v.message}`;
          else merged.set(key, { ...v });
        }
      }
      const violations = [...merged.values()];
      if (violations.length > 0) {
        await pg`insert into student_import_errors ${pg(violations.map((v) => ({ import_id: importId, line: v.line, field: v.field, rule: v.rule, message: v.message })))} on conflict do nothing`;
      }
      Context.current().heartbeat({ batch });
      return { batch, rows: staged.length, errorCount: violations.length, failingRows: failing.size, firstErrors: violations.slice(0, FIRST_ERRORS_KEPT) };
    },

    /**
     * One batch of accounts in ONE transaction (a file of at most one batch is therefore created in one
     * transaction): the accounts (a student who has one already gets nothing new, D5), their activation codes
     * (hashes), their welcome emails queued in the outbox, and the batch's row with its counts. A second attempt
     * waits on the batch's lock, then finds that row and creates nothing twice.
     */
    async createStudentAccountsBatch(q: { importId: string; centreNumber: string; batch: number; batchSize: number; rows: number; actor: Actor; activationTtlMs: number }): Promise<CreateBatchResult> {
      const { importId, centreNumber, batch, actor } = q;
      const { from, to } = range(batch, q.batchSize);
      const [centre] = await db.select({ name: centres.name }).from(centres).where(eq(centres.number, centreNumber));
      const counts = await pg.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext(${importId}), ${batch})`;
        const [done] = await tx<Array<{ created: number; existing: number; skipped: number }>>`
          select created, existing, skipped from student_import_batches where import_id = ${importId} and batch = ${batch}`;
        if (done) return done;
        const made = await tx<Array<{ id: string; email: string; first_name: string }>>`
          with ins as (
            insert into student_accounts (candidate_id, centre_number, email, school_year, status, created_via, created_by, created_by_name, created_by_job)
            select c.id, ${centreNumber}, s.email, nullif(s.school_year, ''), 'NotActivated', 'import', ${actor.userId}::uuid, ${actor.name}, ${importId}::uuid
            from student_import_rows s join candidates c on c.centre_number = ${centreNumber} and c.uci = s.uci
            where s.import_id = ${importId} and s.seq >= ${from} and s.seq < ${to}
            order by s.seq
            on conflict do nothing
            returning id, candidate_id, email
          )
          select ins.id, ins.email, c.first_name from ins join candidates c on c.id = ins.candidate_id`;
        if (made.length > 0) {
          const expiresAt = new Date(Date.now() + q.activationTtlMs);
          const secrets = newActivationSecrets(made.length);
          const ids = made.map((m) => m.id);
          const mails = made.map((m, i) =>
            activationEmail({ to: m.email, firstName: m.first_name, centreName: centre?.name ?? centreNumber, url: activationUrl(deps.publicUrl, secrets[i].token), expiresAt, reason: 'welcome' }),
          );
          await tx`
            insert into student_activation_codes (account_id, generation, kind, token_hash, expires_at)
            select id, 1, 'email', token_hash, ${expiresAt.toISOString()}::timestamptz
            from unnest(${ids}::uuid[], ${secrets.map((x) => x.tokenHash)}::text[]) as t(id, token_hash)`;
          await tx`
            insert into outbox (business_key, to_address, subject, text_body)
            select * from unnest(${ids.map((id) => activationEmailKey(id, 1))}::text[], ${mails.map((m) => m.to)}::text[], ${mails.map((m) => m.subject)}::text[], ${mails.map((m) => m.text)}::text[])
            on conflict do nothing`;
        }
        // Rows whose student had an account already (D5), and rows left out because another upload gave their email
        // to another student meanwhile (a race: counted and shown, never silent).
        const batchRows = Math.max(0, Math.min(to, q.rows) - from);
        let without = 0;
        if (made.length < batchRows) {
          [{ without }] = await tx<Array<{ without: number }>>`
            select count(*)::int as without
            from student_import_rows s
            join candidates c on c.centre_number = ${centreNumber} and c.uci = s.uci
            left join student_accounts a on a.candidate_id = c.id
            where s.import_id = ${importId} and s.seq >= ${from} and s.seq < ${to} and a.id is null`;
        }
        const row = { created: made.length, existing: batchRows - made.length - without, skipped: without };
        await tx`insert into student_import_batches ${tx({ import_id: importId, batch, ...row })}`;
        return row;
      });
      await deps.faults?.('after-create-commit', { job: importId, batch, attempt: Context.current().info.attempt });
      return { batch, created: counts.created, alreadyRegistered: counts.existing, skipped: counts.skipped };
    },

    /** Sends the queued welcome emails of one batch's new accounts (each once, ever: the outbox key). */
    async sendStudentImportEmails(q: { importId: string; centreNumber: string; batch: number; batchSize: number; concurrency?: number }): Promise<SendBatchResult> {
      const ctx = Context.current();
      const { from, to } = range(q.batch, q.batchSize);
      const queued = await pg<Array<{ business_key: string; to_address: string; subject: string; text_body: string; sent: boolean }>>`
        select o.business_key, o.to_address, o.subject, o.text_body, o.sent_at is not null as sent
        from student_import_rows s
        join candidates c on c.centre_number = ${q.centreNumber} and c.uci = s.uci
        join student_accounts a on a.candidate_id = c.id and a.created_by_job = ${q.importId}::uuid
        join outbox o on o.business_key = 'student-account:' || a.id || ':activation:1'
        where s.import_id = ${q.importId} and s.seq >= ${from} and s.seq < ${to}`;
      let sent = queued.filter((m) => m.sent).length;
      const todo = queued.filter((m) => !m.sent);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.max(1, q.concurrency ?? 16) }, async () => {
          while (next < todo.length) {
            const m = todo[next++];
            await mailer.send({ businessKey: m.business_key, to: m.to_address, subject: m.subject, text: m.text_body });
            sent += 1;
            await deps.faults?.('after-first-email', { job: q.importId, batch: q.batch, attempt: ctx.info.attempt });
            if (sent % 50 === 0) ctx.heartbeat({ sent });
          }
        }),
      );
      return { batch: q.batch, sent };
    },

    /** The file and the staged rows go once the import has finished; the failing rows' reasons stay. */
    async discardStudentImportData(q: { importId: string }): Promise<void> {
      await db.delete(studentImportChunks).where(eq(studentImportChunks.importId, q.importId));
      await pg`delete from student_import_rows where import_id = ${q.importId}`;
    },

    // --- export (D3) ---------------------------------------------------------------------------------------------

    async saveStudentExport({ state }: { state: StudentExportState }): Promise<void> {
      const values = {
        id: state.exportId,
        workflowId: state.workflowId,
        centreNumber: state.centreNumber,
        seriesId: state.seriesId,
        requestedBy: state.requestedBy.userId,
        requestedByName: state.requestedBy.name,
        phase: state.phase,
        version: state.version,
        state,
        updatedAt: new Date(),
      };
      await db
        .insert(studentExports)
        .values(values)
        .onConflictDoUpdate({ target: studentExports.id, set: { phase: values.phase, version: values.version, state, updatedAt: values.updatedAt }, setWhere: sql`${studentExports.version} < ${state.version}` });
    },

    /**
     * In one transaction: an account for every student entered in the series who has none, then the export's list:
     * every entered student whose account is still Not Activated, in candidate-number order, in batches. Planned
     * once: a second attempt finds the list and returns it.
     */
    async planStudentExport(q: { exportId: string; centreNumber: string; seriesId: string; actor: Actor; batchSize: number }): Promise<ExportPlan> {
      const { exportId, centreNumber, seriesId, actor } = q;
      return pg.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext(${`student-export:${exportId}`}))`;
        const [planned] = await tx<Array<{ n: number }>>`select count(*)::int as n from student_export_members where export_id = ${exportId}`;
        if (planned.n === 0) {
          await tx`
            insert into student_accounts (candidate_id, centre_number, status, created_via, created_by, created_by_name, created_by_job)
            select c.id, c.centre_number, 'NotActivated', 'export', ${actor.userId}::uuid, ${actor.name}, ${exportId}::uuid
            from candidates c
            where c.centre_number = ${centreNumber} and exists (select 1 from entries e where e.candidate_id = c.id and e.series_id = ${seriesId})
            order by c.number_value, c.candidate_number
            on conflict do nothing`;
          await tx`
            insert into student_export_members (export_id, seq, batch, account_id)
            select ${exportId}::uuid, (rn - 1)::int, ((rn - 1) / ${q.batchSize}::int)::int, id
            from (
              select a.id, row_number() over (order by c.number_value, c.candidate_number) as rn
              from student_accounts a join candidates c on c.id = a.candidate_id
              where c.centre_number = ${centreNumber} and a.status = 'NotActivated'
                and exists (select 1 from entries e where e.candidate_id = c.id and e.series_id = ${seriesId})
            ) planned
            on conflict do nothing`;
        }
        const [counts] = await tx<Array<{ created: number; listed: number; batches: number; not_listed: number }>>`
          select (select count(*)::int from student_accounts where created_by_job = ${exportId}::uuid) as created,
                 (select count(*)::int from student_export_members where export_id = ${exportId}) as listed,
                 (select coalesce(max(batch) + 1, 0)::int from student_export_members where export_id = ${exportId}) as batches,
                 (select count(*)::int from student_accounts a join candidates c on c.id = a.candidate_id
                   where c.centre_number = ${centreNumber} and a.status <> 'NotActivated'
                     and exists (select 1 from entries e where e.candidate_id = c.id and e.series_id = ${seriesId})) as not_listed`;
        return { created: counts.created, listed: counts.listed, notListed: counts.not_listed, batches: counts.batches };
      });
    },

    /**
     * One batch of codes: fresh codes and links from the CSPRNG, the batch's CSV lines (formula cells neutralised)
     * and its slips printed by Chromium, then ONE transaction that stores the codes' hashes with the part. A batch
     * already stored is returned as it is, so a retry never issues a second set of codes.
     */
    async issueStudentExportBatch(q: { exportId: string; centreNumber: string; batch: number; activationTtlMs: number }): Promise<ExportBatchResult> {
      const { exportId, centreNumber, batch } = q;
      const ctx = Context.current();
      const [stored] = await db.select({ rows: studentExportParts.rows }).from(studentExportParts).where(and(eq(studentExportParts.exportId, exportId), eq(studentExportParts.batch, batch)));
      if (stored) return { batch, issued: stored.rows, reused: true };
      const members = await pg<Array<{ account_id: string; generation: number; first_name: string; last_name: string; candidate_number: string; uci: string }>>`
        select a.id as account_id, a.activation_generation as generation, c.first_name, c.last_name, c.candidate_number, c.uci
        from student_export_members m join student_accounts a on a.id = m.account_id join candidates c on c.id = a.candidate_id
        where m.export_id = ${exportId} and m.batch = ${batch} and a.status = 'NotActivated'
        order by m.seq`;
      const [centre] = await db.select().from(centres).where(eq(centres.number, centreNumber));
      const expiresAt = new Date(Date.now() + q.activationTtlMs);
      const expiresOn = expiresAt.toISOString().slice(0, 10);
      const secrets = newActivationSecrets(members.length);
      const records = members.map((m, i) =>
        [m.first_name, m.last_name, m.candidate_number, m.uci, secrets[i].code, activationUrl(deps.publicUrl, secrets[i].token), expiresOn].map(neutraliseCsvCell),
      );
      const csv = records.length > 0 ? stringify(records, { record_delimiter: '\r\n' }) : '';
      let pdf: Buffer | null = null;
      if (members.length > 0) {
        pdf = await deps.pdf.renderPdf(
          renderLetterHtml('studentSlips', {
            centreName: centre.name,
            centreNumber,
            pageUrl: activationPageUrl(deps.publicUrl),
            slips: members.map((m, i) => ({ name: `${m.first_name} ${m.last_name}`, candidateNumber: m.candidate_number, code: secrets[i].code, url: activationUrl(deps.publicUrl, secrets[i].token), expiresOn })),
          }),
        );
      }
      ctx.heartbeat({ batch, committing: true });
      const result = await pg.begin(async (tx) => {
        const ids = members.map((m) => m.account_id);
        // The accounts as they are now, locked: a reactivation or new email meanwhile makes this attempt start again.
        const now = await tx<Array<{ id: string; generation: number; status: string }>>`
          select id, activation_generation as generation, status from student_accounts where id = any(${ids}::uuid[]) for share`;
        const current = new Map(now.map((r) => [r.id, r]));
        if (members.some((m) => current.get(m.account_id)?.generation !== m.generation || current.get(m.account_id)?.status !== 'NotActivated')) {
          throw new Error(`export ${exportId} batch ${batch}: an account changed while its codes were made; making them again`);
        }
        const inserted = await tx`
          insert into student_export_parts (export_id, batch, rows, csv, pdf) values (${exportId}, ${batch}, ${members.length}, ${csv}, ${pdf})
          on conflict do nothing returning batch`;
        if (inserted.length === 0) {
          const [p] = await tx<Array<{ rows: number }>>`select rows from student_export_parts where export_id = ${exportId} and batch = ${batch}`;
          return { batch, issued: p.rows, reused: true };
        }
        if (members.length > 0) {
          await tx`
            insert into student_activation_codes (account_id, generation, kind, code_hash, token_hash, export_id, expires_at)
            select id, generation, 'export', code_hash, token_hash, ${exportId}::uuid, ${expiresAt.toISOString()}::timestamptz
            from unnest(${ids}::uuid[], ${members.map((m) => m.generation)}::int[], ${secrets.map((s) => s.codeHash)}::text[], ${secrets.map((s) => s.tokenHash)}::text[])
              as t(id, generation, code_hash, token_hash)`;
        }
        return { batch, issued: members.length, reused: false };
      });
      await deps.faults?.('after-export-commit', { job: exportId, batch, attempt: ctx.info.attempt });
      return result;
    },

    /** Joins the parts into the CSV and the PDF of slips, in one transaction that then drops the parts. */
    async finaliseStudentExport(q: { exportId: string; centreNumber: string; seriesId: string }): Promise<{ files: ExportFileRef[] }> {
      const { exportId, centreNumber, seriesId } = q;
      const toRef = (f: { kind: 'csv' | 'pdf'; key: string; filename: string; rows: number }): ExportFileRef => ({ kind: f.kind, key: f.key, filename: f.filename, rows: f.rows });
      const existing = await db.select({ kind: studentFiles.kind, key: studentFiles.key, filename: studentFiles.filename, rows: studentFiles.rows }).from(studentFiles).where(eq(studentFiles.exportId, exportId));
      if (existing.length > 0) return { files: existing.map(toRef).sort((a, b) => a.kind.localeCompare(b.kind)) };
      const parts = await db.select().from(studentExportParts).where(eq(studentExportParts.exportId, exportId)).orderBy(asc(studentExportParts.batch));
      const [s] = await db.select({ name: series.name }).from(series).where(eq(series.id, seriesId));
      const rows = parts.reduce((n, p) => n + p.rows, 0);
      const csv = Buffer.from(stringify([EXPORT_CSV_HEADER], { record_delimiter: '\r\n' }) + parts.map((p) => p.csv).join(''), 'utf8');
      const base = `student-verification-${centreNumber}-${seriesId}-${exportId.slice(0, 8)}`;
      const files: Array<typeof studentFiles.$inferInsert> = [
        { key: `student-export/${exportId}/csv`, centreNumber, exportId, kind: 'csv', filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', rows, content: csv },
      ];
      const pdfs = parts.filter((p) => p.pdf && p.rows > 0);
      if (pdfs.length > 0) {
        const merged = await PDFDocument.create();
        merged.setTitle(`Results analysis activation slips: ${s?.name ?? seriesId}`);
        for (const p of pdfs) {
          const doc = await PDFDocument.load(p.pdf!);
          for (const page of await merged.copyPages(doc, doc.getPageIndices())) merged.addPage(page);
          Context.current().heartbeat({ merging: p.batch });
        }
        files.push({ key: `student-export/${exportId}/pdf`, centreNumber, exportId, kind: 'pdf', filename: `${base}-slips.pdf`, contentType: 'application/pdf', rows, content: Buffer.from(await merged.save()) });
      }
      await db.transaction(async (tx) => {
        await tx.insert(studentFiles).values(files).onConflictDoNothing();
        await tx.delete(studentExportParts).where(eq(studentExportParts.exportId, exportId));
      });
      return { files: files.map((f) => toRef({ kind: f.kind, key: f.key, filename: f.filename, rows: f.rows })) };
    },

    // --- one email for a staff action (D6, D7, D9) ---------------------------------------------------------------

    /** Sends the outbox row with this key if it is still unsent (the row was queued with the account's change). */
    async sendQueuedStudentEmail(q: { businessKey: string }): Promise<{ sent: boolean }> {
      const [row] = await db.select().from(outbox).where(eq(outbox.businessKey, q.businessKey));
      if (!row || row.sentAt) return { sent: false };
      return mailer.send({ businessKey: row.businessKey, to: row.toAddress, subject: row.subject, text: row.textBody });
    },
  };
}

export type StudentAccountActivities = ReturnType<typeof createStudentAccountActivities>;
