// Side effects of the enquiry workflow: reading facts, writing the read model, claims, letters and mail.
// Built from injected dependencies (DESIGN layout); every function is safe to run more than once.
import { Context } from '@temporalio/activity';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  associates,
  candidates,
  centres,
  documents,
  componentResults,
  components,
  enquiries,
  enquiryCandidates,
  enquiryClaims,
  enquiryEvents,
  entries,
  fees,
  holidays,
  series,
  syllabuses,
} from '../db/schema';
import { addWorkingDays, formatInZone } from '../domain/calendar';
import { checkEnquiryDraft as checkDraft, normaliseCandidateNumber, type EnquiryFacts } from '../domain/enquiryRules';
import { OPEN_ENQUIRY_STATUSES, REVIEW_SERVICES, SERVICE_NAMES, type EnquiryDraft, type RuleViolation, type Service } from '../domain/model';
import type { BlockingEnquiry, CandidateGrade, EnquiryAlert, EnquiryDocument, EnquiryState, TimelineEvent } from '../workflows/enquiryTypes';
import type { Mailer } from './email/outbox';
import type { LetterBatcher } from './letters/letterBatcher';
import { renderLetterHtml, type LetterTemplate } from './letters/templates';
import type { DocumentStore } from './storage';

export interface EnquiryActivityDeps {
  db: Db;
  mailer: Mailer;
  /** Letters printed in batches when many come at once (deadline day). */
  letters: LetterBatcher;
  storage: DocumentStore;
  publicUrl: string;
  boardEmail: string;
}

/** Candidates of a centre by number, where "0713" and "713" are the same candidate (C23). */
async function findCandidates(db: Db, centreNumber: string, numbers: string[]) {
  const values = [...new Set(numbers.map(normaliseCandidateNumber).filter((n): n is string => n !== null).map(Number))];
  if (values.length === 0) return [];
  return db
    .select()
    .from(candidates)
    .where(and(eq(candidates.centreNumber, centreNumber), inArray(candidates.numberValue, values)));
}

/** The candidates an enquiry covers: those named, or for Service 5 the whole group entered for the syllabus (C5). */
async function coveredCandidates(db: Db, centreNumber: string, seriesId: string, draft: EnquiryDraft) {
  if (draft.service !== '5') return findCandidates(db, centreNumber, draft.candidateNumbers);
  const rows = await db
    .select({ candidate: candidates })
    .from(entries)
    .innerJoin(candidates, eq(candidates.id, entries.candidateId))
    .where(and(eq(candidates.centreNumber, centreNumber), eq(entries.seriesId, seriesId), eq(entries.syllabusCode, draft.syllabusCode)));
  return rows.map((r) => r.candidate);
}

export async function loadEnquiryFacts(
  db: Db,
  q: { enquiryId: string | null; centreNumber: string; seriesId: string; draft: EnquiryDraft },
): Promise<EnquiryFacts> {
  const { draft } = q;
  const [syllabus] = await db.select().from(syllabuses).where(eq(syllabuses.code, draft.syllabusCode ?? ''));
  const syllabusComponents = syllabus ? await db.select().from(components).where(eq(components.syllabusCode, syllabus.code)) : [];
  const found = await coveredCandidates(db, q.centreNumber, q.seriesId, draft);
  const foundValues = new Set(found.map((c) => String(c.numberValue)));
  const unknownCandidateNumbers = draft.service === '5' ? [] : (draft.candidateNumbers ?? []).filter((n) => !foundValues.has(normaliseCandidateNumber(n) ?? '#'));
  const ids = found.map((c) => c.id);

  const entryRows = ids.length
    ? await db.select().from(entries).where(and(inArray(entries.candidateId, ids), eq(entries.seriesId, q.seriesId), eq(entries.syllabusCode, draft.syllabusCode)))
    : [];
  const resultRows = entryRows.length ? await db.select().from(componentResults).where(inArray(componentResults.entryId, entryRows.map((e) => e.id))) : [];
  const existing = ids.length
    ? await db
        .select({
          enquiryId: enquiries.id,
          candidateId: enquiryCandidates.candidateId,
          service: enquiries.service,
          componentCodes: enquiries.componentCodes,
          status: enquiries.status,
          enquiryNumber: enquiries.enquiryNumber,
        })
        .from(enquiryCandidates)
        .innerJoin(enquiries, eq(enquiries.id, enquiryCandidates.enquiryId))
        .where(
          and(
            inArray(enquiryCandidates.candidateId, ids),
            eq(enquiries.syllabusCode, draft.syllabusCode),
            eq(enquiries.seriesId, q.seriesId),
            q.enquiryId ? ne(enquiries.id, q.enquiryId) : undefined,
          ),
        )
    : [];

  return {
    syllabus: syllabus ?? null,
    components: syllabusComponents,
    candidates: found.map((c) => {
      const entry = entryRows.find((e) => e.candidateId === c.id);
      return {
        candidate: { ...c, dateOfBirth: String(c.dateOfBirth) },
        entered: entry !== undefined,
        grade: entry?.grade ?? null,
        results: entry ? resultRows.filter((r) => r.entryId === entry.id) : [],
      };
    }),
    unknownCandidateNumbers,
    existing: existing.map((e) => ({ ...e, service: e.service as Service, status: e.status as EnquiryFacts['existing'][number]['status'] })),
  };
}

const LETTER_FOR: Record<'Ack' | 'Out' | 'SoR', { template: LetterTemplate; name: string }> = {
  Ack: { template: 'enquiryAcknowledgement', name: 'AckLetter' },
  Out: { template: 'enquiryOutcome', name: 'OutLetter' },
  SoR: { template: 'statementOfResults', name: 'StatementOfResults' },
};

export function createEnquiryActivities(deps: EnquiryActivityDeps) {
  const { db } = deps;
  const log = () => Context.current().log;

  async function letterContext(state: EnquiryState) {
    const [centre] = await db.select().from(centres).where(eq(centres.number, state.centreNumber));
    const [s] = await db.select().from(series).where(eq(series.id, state.seriesId));
    const [syllabus] = await db.select().from(syllabuses).where(eq(syllabuses.code, state.draft.syllabusCode));
    const when = (iso: string | null) => (iso ? formatInZone(new Date(iso), centre.timeZone) : '');
    return { centre, series: s, syllabus, when };
  }

  /**
   * C12/C14 under concurrency: claims (candidate, syllabus, series) for a review service in one transaction.
   * If another enquiry holds any of them, nothing is claimed and the answer says who holds what.
   */
  async function claimCandidates({ state }: { state: EnquiryState }): Promise<{ violations: RuleViolation[] }> {
    if (!REVIEW_SERVICES.includes(state.draft.service)) return { violations: [] };
    const covered = await findCandidates(db, state.centreNumber, state.draft.candidateNumbers);
    const violations: RuleViolation[] = [];
    await db
      .transaction(async (tx) => {
        await tx.delete(enquiryClaims).where(eq(enquiryClaims.enquiryId, state.enquiryId));
        for (const c of covered) {
          const claim = { candidateId: c.id, syllabusCode: state.draft.syllabusCode, seriesId: state.seriesId, enquiryId: state.enquiryId, service: state.draft.service, componentCodes: state.draft.componentCodes };
          const inserted = await tx.insert(enquiryClaims).values(claim).onConflictDoNothing().returning();
          if (inserted.length > 0) continue;
          const [holder] = await tx
            .select()
            .from(enquiryClaims)
            .where(and(eq(enquiryClaims.candidateId, c.id), eq(enquiryClaims.syllabusCode, claim.syllabusCode), eq(enquiryClaims.seriesId, claim.seriesId)));
          const overlap = holder.componentCodes.some((code) => state.draft.componentCodes.includes(code));
          violations.push(
            overlap
              ? { rule: 'C14', field: 'candidateNumbers', message: `Candidate ${c.candidateNumber} already has a Service ${holder.service} request for syllabus ${claim.syllabusCode}; only one re-check or review per candidate and syllabus, once.` }
              : { rule: 'C12', field: 'componentCodes', message: `Candidate ${c.candidateNumber} already has an enquiry for syllabus ${claim.syllabusCode}; all components of a syllabus go in one enquiry.` },
          );
        }
        if (violations.length > 0) throw new ClaimRefused();
      })
      .catch((err) => {
        if (!(err instanceof ClaimRefused)) throw err;
      });
    return { violations };
  }

  /** The fee list of a series, in pence, by service and 'amendment' (C20, C22). */
  async function loadFees({ seriesId }: { seriesId: string }): Promise<Record<string, number>> {
    const rows = await db.select().from(fees).where(eq(fees.seriesId, seriesId));
    return Object.fromEntries(rows.map((r) => [r.item, r.amountPence]));
  }

  /** `days` working days after `from`, skipping weekends and the board's holidays in the series' zone (C25). */
  async function nextWorkingDays({ from, days, seriesId }: { from: string; days: number; seriesId: string }): Promise<string> {
    const [s] = await db.select({ timeZone: series.timeZone }).from(series).where(eq(series.id, seriesId));
    const days_ = (await db.select({ day: holidays.day }).from(holidays)).map((h) => String(h.day));
    return addWorkingDays(new Date(from), days, days_, s.timeZone).toISOString();
  }

  const checkEnquiryDraft = async (q: { enquiryId: string; centreNumber: string; seriesId: string; draft: EnquiryDraft }): Promise<RuleViolation[]> =>
    checkDraft(q.draft, await loadEnquiryFacts(db, q));

  return {
    /** Every rule of section C the draft breaks against today's data (C1-C14, C23). */
    checkEnquiryDraft,
    claimCandidates,
    loadFees,
    addWorkingDays: nextWorkingDays,

    /**
     * What a submission needs from the database, as one step (one round trip for the workflow, issue 9): the draft
     * checked again against today's data, its candidates claimed (C12, C14), the fee list, and, for an enquiry that
     * goes straight to the board, the instant its acknowledgement is overdue (C25). Stops at the first refusal.
     */
    async prepareSubmission(q: { state: EnquiryState; ackAlertFrom: string | null; ackAlertWorkingDays: number }): Promise<{ violations: RuleViolation[]; fees: Record<string, number>; ackAlertAt: string | null }> {
      const { state } = q;
      const refused = (violations: RuleViolation[]) => ({ violations, fees: {}, ackAlertAt: null });
      const violations = await checkEnquiryDraft({ enquiryId: state.enquiryId, centreNumber: state.centreNumber, seriesId: state.seriesId, draft: state.draft });
      if (violations.length > 0) return refused(violations);
      const claim = await claimCandidates({ state });
      if (claim.violations.length > 0) return refused(claim.violations);
      const [feeList, ackAlertAt] = await Promise.all([
        loadFees({ seriesId: state.seriesId }),
        q.ackAlertFrom === null ? null : nextWorkingDays({ from: q.ackAlertFrom, days: q.ackAlertWorkingDays, seriesId: state.seriesId }),
      ]);
      return { violations: [], fees: feeList, ackAlertAt };
    },

    /** Writes the workflow's state to the read model; an older version never overwrites a newer one. */
    async saveEnquiry({ state, event, actorUserId }: { state: EnquiryState; event: TimelineEvent; actorUserId: string | null }): Promise<void> {
      if (state.status === 'Deleted') {
        // C24: Delete removes a draft.
        await db.delete(enquiries).where(eq(enquiries.id, state.enquiryId));
        return;
      }
      const covered = await coveredCandidates(db, state.centreNumber, state.seriesId, state.draft);
      const row = {
        id: state.enquiryId,
        workflowId: state.workflowId,
        centreNumber: state.centreNumber,
        associateId: state.associateId ?? null,
        seriesId: state.seriesId,
        service: state.draft.service,
        syllabusCode: state.draft.syllabusCode,
        componentCodes: state.draft.componentCodes,
        candidateNumbers: state.draft.service === '5' ? [] : covered.map((c) => c.candidateNumber).sort(),
        note: state.draft.note,
        status: state.status,
        enquiryNumber: state.enquiryNumber,
        feePence: state.feePence,
        amendmentFeePence: state.amendmentFeePence,
        gradeBefore: state.outcome?.grades[0]?.gradeBefore ?? null,
        gradeAfter: state.outcome?.grades[0]?.gradeAfter ?? null,
        alerts: state.alerts,
        createdBy: actorUserId && /^[0-9a-f-]{36}$/.test(state.createdBy) ? state.createdBy : null,
        createdAt: new Date(state.createdAt),
        submittedAt: state.submittedAt ? new Date(state.submittedAt) : null,
        receivedAt: state.receivedAt ? new Date(state.receivedAt) : null,
        acknowledgedAt: state.acknowledgedAt ? new Date(state.acknowledgedAt) : null,
        amendableUntil: state.amendableUntil ? new Date(state.amendableUntil) : null,
        completedAt: state.completedAt ? new Date(state.completedAt) : null,
        version: state.version,
        state,
      };
      await db.transaction(async (tx) => {
        const { id: _id, createdAt: _c, createdBy: _b, ...changes } = row;
        const applied = await tx
          .insert(enquiries)
          .values(row)
          .onConflictDoUpdate({ target: enquiries.id, set: changes, setWhere: sql`${enquiries.version} < ${row.version}` })
          .returning({ id: enquiries.id });
        await tx
          .insert(enquiryEvents)
          .values({ enquiryId: state.enquiryId, seq: event.seq, kind: event.kind, at: new Date(event.at), actor: event.actor, detail: event.detail ?? null })
          .onConflictDoNothing();
        if (applied.length === 0) return; // a newer version is already there
        await tx.delete(enquiryCandidates).where(eq(enquiryCandidates.enquiryId, state.enquiryId));
        if (covered.length > 0) {
          await tx.insert(enquiryCandidates).values(
            covered.map((c) => ({ enquiryId: state.enquiryId, candidateId: c.id, syllabusCode: state.draft.syllabusCode, service: state.draft.service, status: state.status })),
          );
        }
      });
    },

    async releaseClaims({ enquiryId }: { enquiryId: string }): Promise<void> {
      await db.delete(enquiryClaims).where(eq(enquiryClaims.enquiryId, enquiryId));
    },

    /** Enquiry numbers come from one sequence, in the order enquiries are received (C15); once per enquiry. */
    async assignEnquiryNumber({ enquiryId }: { enquiryId: string }): Promise<number> {
      const rows = await db.execute<{ enquiry_number: string }>(sql`
        update enquiries set enquiry_number = coalesce(enquiry_number, nextval('enquiry_number_seq'))
        where id = ${enquiryId} returning enquiry_number`);
      if (rows.length === 0) throw new Error(`enquiry ${enquiryId} has no row yet`);
      return Number(rows[0].enquiry_number);
    },

    /** Writes the new marks and grades to the results (C28); setting values, so a retry changes nothing. */
    async applyOutcome({ state }: { state: EnquiryState }): Promise<void> {
      const outcome = state.outcome;
      if (!outcome) return;
      const numbers = [...outcome.components.map((c) => c.candidateNumber), ...outcome.grades.map((g) => g.candidateNumber)];
      const found = await findCandidates(db, state.centreNumber, numbers);
      const byNumber = (n: string) => found.find((c) => String(c.numberValue) === normaliseCandidateNumber(n));
      await db.transaction(async (tx) => {
        const entryOf = async (candidateId: string) =>
          (await tx.select().from(entries).where(and(eq(entries.candidateId, candidateId), eq(entries.seriesId, state.seriesId), eq(entries.syllabusCode, state.draft.syllabusCode))))[0];
        for (const c of outcome.components) {
          const cand = byNumber(c.candidateNumber);
          const entry = cand && (await entryOf(cand.id));
          if (!entry || c.newMark === null) continue;
          await tx.update(componentResults).set({ mark: c.newMark }).where(and(eq(componentResults.entryId, entry.id), eq(componentResults.componentCode, c.componentCode)));
        }
        for (const g of outcome.grades) {
          const cand = byNumber(g.candidateNumber);
          const entry = cand && (await entryOf(cand.id));
          if (!entry || g.gradeAfter === null) continue;
          await tx.update(entries).set({ grade: g.gradeAfter }).where(eq(entries.id, entry.id));
        }
      });
    },

    /** Renders a letter once: stored under a key made from the enquiry and kind, so a retry finds it (DESIGN rule 5). */
    async renderEnquiryLetter({ state, kind, grade }: { state: EnquiryState; kind: 'Ack' | 'Out' | 'SoR'; grade?: CandidateGrade }): Promise<EnquiryDocument> {
      const key = `enquiry/${state.enquiryId}/${kind}${grade ? `/${grade.candidateNumber}` : ''}`;
      const { name, template } = LETTER_FOR[kind];
      const filename = `${name}-${state.enquiryNumber ?? state.enquiryId}${grade ? `-${grade.candidateNumber}` : ''}.pdf`;
      const existing = await deps.storage.findByKey(key);
      if (existing) return { kind, documentId: existing.id, filename: existing.filename, candidateNumber: grade?.candidateNumber, releasedAt: existing.releasedToCentreAt?.toISOString() ?? null };

      const ctx = await letterContext(state);
      let candidateName = '';
      if (grade) {
        const [c] = await findCandidates(db, state.centreNumber, [grade.candidateNumber]);
        candidateName = c ? `${c.firstName} ${c.lastName}` : '';
      }
      const html = renderLetterHtml(template, {
        title: `${name} ${state.enquiryNumber ?? ''}`,
        centreName: ctx.centre.name,
        centreNumber: ctx.centre.number,
        issuedOn: ctx.when(new Date().toISOString()),
        enquiryNumber: state.enquiryNumber ?? '',
        seriesName: ctx.series.name,
        serviceName: SERVICE_NAMES[state.draft.service],
        syllabusCode: state.draft.syllabusCode,
        syllabusName: ctx.syllabus?.name ?? '',
        components: state.draft.componentCodes.join(', '),
        candidates: state.draft.service === '5' ? 'All' : state.draft.candidateNumbers.join(', '),
        submittedAt: ctx.when(state.submittedAt),
        receivedAt: ctx.when(state.receivedAt),
        amendableUntil: ctx.when(state.amendableUntil ?? new Date(Date.now() + 24 * 3600_000).toISOString()),
        feePence: state.feePence,
        componentOutcomes: state.outcome?.components ?? [],
        grades: state.outcome?.grades ?? [],
        gradeChanged: state.outcome?.gradeChanged ?? false,
        missingComponents: state.outcome?.missingComponents?.join(', ') ?? '',
        explanation: state.outcome?.explanation ?? '',
        candidateName,
        candidateNumber: grade?.candidateNumber ?? '',
        gradeBefore: grade?.gradeBefore ?? '',
        gradeAfter: grade?.gradeAfter ?? '',
      });
      // A local activity (the enquiry workflow's way since issue 9) has no heartbeat; an ordinary one does.
      if (!Context.current().info.isLocal) Context.current().heartbeat();
      const pdf = await deps.letters.renderPdf(html);
      // An associate centre sees a board document only once its associate releases it (C29).
      const releasedToCentreAt = state.associateId ? null : new Date();
      const stored = await deps.storage.put({ key, kind, centreNumber: state.centreNumber, enquiryId: state.enquiryId, filename, contentType: 'application/pdf', content: pdf, releasedToCentreAt });
      log().info('letter stored', { key, bytes: pdf.length });
      return { kind, documentId: stored.id, filename: stored.filename, candidateNumber: grade?.candidateNumber, releasedAt: stored.releasedToCentreAt?.toISOString() ?? null };
    },

    /**
     * Tells the centre's address (C18) about a submission, cancellation or a new document (C19); once per key.
     * An associate centre's new documents go to its associate instead, and reach the centre on release (C29).
     */
    async notifyCentre({ businessKey, state, document, released }: { businessKey: string; state: EnquiryState; document?: EnquiryDocument; released?: boolean }): Promise<void> {
      const [centre] = await db.select().from(centres).where(eq(centres.number, state.centreNumber));
      if (document && state.associateId && !released) {
        const [associate] = await db.select().from(associates).where(eq(associates.id, state.associateId));
        await deps.mailer.send({
          businessKey,
          to: associate.email,
          subject: `${document.kind} available to release to centre ${centre.number} (enquiry ${state.enquiryNumber ?? state.enquiryId})`,
          text: `A new document (${document.kind}, ${document.filename}) for centre ${centre.name} (${centre.number}) is waiting for you to release it.\n\n${deps.publicUrl}/associate/enquiries/${state.enquiryId}`,
        });
        return;
      }
      const ref = state.enquiryNumber ? `enquiry ${state.enquiryNumber}` : `your ${state.draft.syllabusCode} enquiry`;
      const link = `${deps.publicUrl}/centre/enquiries/${state.enquiryId}`;
      const subject = document
        ? `${document.kind === 'Ack' ? 'Acknowledgement letter' : document.kind === 'Out' ? 'Outcome letter' : document.kind === 'SoR' ? 'Updated statement of results' : document.kind === 'CoS' ? 'Copy of script' : 'Report'} available for ${ref}`
        : state.status === 'Cancelled'
          ? `Enquiry cancelled: ${ref}`
          : `Enquiry submitted: ${state.draft.syllabusCode} (${SERVICE_NAMES[state.draft.service]})`;
      const text = [
        `Dear exams officer at ${centre.name} (${centre.number}),`,
        '',
        document ? `A new document (${document.kind}, ${document.filename}) is available for ${ref}.` : `The status of ${ref} is now ${state.status}.`,
        `Note: ${state.draft.note || '(none)'}`,
        '',
        `View it here: ${link}`,
      ].join('\n');
      await deps.mailer.send({ businessKey, to: centre.email, subject, text });
    },

    /**
     * Open individual enquiries (the kind that can change marks) of the group's candidates for the same syllabus
     * and series: a group enquiry waits for these (C5, C6). Later enquiries never join the list.
     */
    async findBlockingEnquiries({ state }: { state: EnquiryState }): Promise<BlockingEnquiry[]> {
      const group = await coveredCandidates(db, state.centreNumber, state.seriesId, state.draft);
      if (group.length === 0) return [];
      const rows = await db
        .select({ enquiryId: enquiries.id, workflowId: enquiries.workflowId, candidateNumber: candidates.candidateNumber })
        .from(enquiryCandidates)
        .innerJoin(enquiries, eq(enquiries.id, enquiryCandidates.enquiryId))
        .innerJoin(candidates, eq(candidates.id, enquiryCandidates.candidateId))
        .where(
          and(
            inArray(enquiryCandidates.candidateId, group.map((c) => c.id)),
            eq(enquiries.syllabusCode, state.draft.syllabusCode),
            eq(enquiries.seriesId, state.seriesId),
            inArray(enquiries.status, [...OPEN_ENQUIRY_STATUSES]),
            inArray(enquiries.service, ['1', '1S', '2', '2S', 'XQ']),
            ne(enquiries.id, state.enquiryId),
          ),
        )
        .orderBy(candidates.numberValue);
      const byEnquiry = new Map<string, BlockingEnquiry>();
      for (const r of rows) if (!byEnquiry.has(r.enquiryId)) byEnquiry.set(r.enquiryId, r);
      return [...byEnquiry.values()];
    },

    /** Releases documents to an associate centre (C29); the first release time stands. */
    async releaseDocuments({ documentIds }: { documentIds: string[] }): Promise<string> {
      if (documentIds.length > 0) {
        await db.update(documents).set({ releasedToCentreAt: new Date() }).where(and(inArray(documents.id, documentIds), sql`${documents.releasedToCentreAt} is null`));
      }
      const [first] = documentIds.length ? await db.select({ at: documents.releasedToCentreAt }).from(documents).where(inArray(documents.id, documentIds)).limit(1) : [];
      return (first?.at ?? new Date()).toISOString();
    },

    /** A notice about an enquiry to its centre, its associate or the board; once per business key. */
    async sendEnquiryNotice({ businessKey, state, audience, subject, text }: { businessKey: string; state: EnquiryState; audience: NoticeAudience[]; subject: string; text: string }): Promise<void> {
      for (const who of audience) {
        let to = deps.boardEmail;
        if (who === 'centre') to = (await db.select({ email: centres.email }).from(centres).where(eq(centres.number, state.centreNumber)))[0].email;
        if (who === 'associate') {
          if (!state.associateId) continue;
          to = (await db.select({ email: associates.email }).from(associates).where(eq(associates.id, state.associateId)))[0].email;
        }
        await deps.mailer.send({ businessKey: `${businessKey}:${who}`, to, subject, text: `${text}\n\n${deps.publicUrl}/${who}/enquiries/${state.enquiryId}` });
      }
    },

    /** Alerts board staff (C16, C25); once per alert per enquiry. */
    async notifyBoard({ businessKey, state, alert }: { businessKey: string; state: EnquiryState; alert: EnquiryAlert }): Promise<void> {
      const what: Record<EnquiryAlert, string> = {
        'no-number-24h': 'has had no enquiry number for 24 hours since submission',
        'no-ack-2-working-days': 'has not been acknowledged within 2 working days of submission',
        'turnaround-overdue': 'has passed the 30-day turnaround without an outcome',
        'approval-deadline-near': 'is still awaiting approval near the deadline',
      };
      await deps.mailer.send({
        businessKey,
        to: deps.boardEmail,
        subject: `Alert: enquiry ${state.enquiryNumber ?? state.enquiryId} ${what[alert]}`,
        text: `Centre ${state.centreNumber}, series ${state.seriesId}, ${SERVICE_NAMES[state.draft.service]}, syllabus ${state.draft.syllabusCode}: ${what[alert]}.\n${deps.publicUrl}/board/enquiries/${state.enquiryId}`,
      });
    },
  };
}

class ClaimRefused extends Error {}

export type NoticeAudience = 'centre' | 'associate' | 'board';

export type EnquiryActivities = ReturnType<typeof createEnquiryActivities>;
