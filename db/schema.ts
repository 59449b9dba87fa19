// The PostgreSQL schema: reference data (series, centres, candidates, syllabuses, results), the read model that
// workflows write (enquiries and their timeline), documents, the mail outbox and the audit trail.
// Migrations are generated from this file with `npm run db:generate` and committed under db/migrations.
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const series = pgTable('series', {
  id: text('id').primaryKey(), // e.g. JUN2026
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  releaseAt: instant('release_at').notNull(),
  credentialsOpenOn: date('credentials_open_on').notNull(),
  enquiryDeadline: date('enquiry_deadline').notNull(),
  invoiceDate: date('invoice_date').notNull(),
});

/** The board's holidays, skipped when counting working days (DESIGN rule 9). */
export const holidays = pgTable('holidays', {
  day: date('day').primaryKey(),
  name: text('name').notNull(),
});

/** Fee list per series and service, plus 'amendment' for a change after the 24-hour window (C20, C22). */
export const fees = pgTable(
  'fees',
  {
    seriesId: text('series_id').notNull().references(() => series.id),
    item: text('item').notNull(),
    amountPence: integer('amount_pence').notNull(),
  },
  (t) => [primaryKey({ columns: [t.seriesId, t.item] })],
);

export const associates = pgTable('associates', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull(),
});

export const centres = pgTable('centres', {
  number: text('number').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull(),
  timeZone: text('time_zone').notNull(),
  associateId: text('associate_id').references(() => associates.id),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    roles: text('roles').array().notNull(),
    centreNumber: text('centre_number').references(() => centres.number),
    associateId: text('associate_id').references(() => associates.id),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

export const qualifications = pgTable('qualifications', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  publishedOnWebsite: boolean('published_on_website').notNull().default(true),
});

export const syllabuses = pgTable('syllabuses', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  qualificationCode: text('qualification_code').notNull().references(() => qualifications.code),
  artAndDesign: boolean('art_and_design').notNull().default(false),
  groupAward: boolean('group_award').notNull().default(false),
});

export const components = pgTable(
  'components',
  {
    syllabusCode: text('syllabus_code').notNull().references(() => syllabuses.code),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<'board' | 'centre' | 'mcq'>().notNull(),
    maxMark: integer('max_mark').notNull(),
  },
  (t) => [primaryKey({ columns: [t.syllabusCode, t.code] })],
);

export const candidates = pgTable(
  'candidates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    // Text, so that "0713" keeps its leading zero; number_value lets "713" find it (C23).
    candidateNumber: text('candidate_number').notNull(),
    numberValue: integer('number_value').notNull(),
    uci: text('uci').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    dateOfBirth: date('date_of_birth').notNull(),
    portfolioOfEvidence: boolean('portfolio_of_evidence').notNull().default(false),
    email: text('email'),
  },
  (t) => [
    uniqueIndex('candidates_centre_number_key').on(t.centreNumber, t.candidateNumber),
    index('candidates_centre_value_idx').on(t.centreNumber, t.numberValue),
    uniqueIndex('candidates_uci_key').on(t.uci),
  ],
);

export const entries = pgTable(
  'entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id').notNull().references(() => candidates.id),
    syllabusCode: text('syllabus_code').notNull().references(() => syllabuses.code),
    seriesId: text('series_id').notNull().references(() => series.id),
    grade: text('grade'),
  },
  (t) => [uniqueIndex('entries_candidate_syllabus_series_key').on(t.candidateId, t.syllabusCode, t.seriesId)],
);

export const componentResults = pgTable(
  'component_results',
  {
    entryId: uuid('entry_id').notNull().references(() => entries.id),
    componentCode: text('component_code').notNull(),
    mark: integer('mark'),
    markSource: text('mark_source').$type<'exam' | 'moderation' | 'assessed'>(),
    exempt: boolean('exempt').notNull().default(false),
    inModerationSample: boolean('in_moderation_sample').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.componentCode] })],
);

/**
 * The enquiry read model. Only the enquiry workflow writes status and the fields after it (through an activity);
 * `version` is the workflow's change counter, so a retried older write never overwrites a newer one.
 */
export const enquiries = pgTable(
  'enquiries',
  {
    id: uuid('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    /** Set for an associate centre's enquiry: the associate approves it and releases its documents (C17, C29). */
    associateId: text('associate_id').references(() => associates.id),
    seriesId: text('series_id').notNull().references(() => series.id),
    service: text('service').notNull(),
    syllabusCode: text('syllabus_code').notNull(),
    componentCodes: text('component_codes').array().notNull(),
    candidateNumbers: text('candidate_numbers').array().notNull(),
    note: text('note').notNull(),
    status: text('status').notNull(),
    enquiryNumber: bigint('enquiry_number', { mode: 'number' }),
    feePence: integer('fee_pence').notNull().default(0),
    amendmentFeePence: integer('amendment_fee_pence').notNull().default(0),
    gradeBefore: text('grade_before'),
    gradeAfter: text('grade_after'),
    alerts: text('alerts').array().notNull().default(sql`'{}'::text[]`),
    createdBy: uuid('created_by'),
    createdAt: instant('created_at').notNull(),
    submittedAt: instant('submitted_at'),
    receivedAt: instant('received_at'),
    acknowledgedAt: instant('acknowledged_at'),
    amendableUntil: instant('amendable_until'),
    completedAt: instant('completed_at'),
    version: integer('version').notNull(),
    state: jsonb('state').notNull(),
  },
  (t) => [
    index('enquiries_centre_series_idx').on(t.centreNumber, t.seriesId),
    index('enquiries_associate_idx').on(t.associateId, t.status),
    index('enquiries_status_submitted_idx').on(t.status, t.submittedAt),
    uniqueIndex('enquiries_number_key').on(t.enquiryNumber),
  ],
);

/** Which candidates each enquiry covers: makes "open enquiry for this candidate" and search by candidate cheap. */
export const enquiryCandidates = pgTable(
  'enquiry_candidates',
  {
    enquiryId: uuid('enquiry_id').notNull().references(() => enquiries.id, { onDelete: 'cascade' }),
    candidateId: uuid('candidate_id').notNull().references(() => candidates.id),
    syllabusCode: text('syllabus_code').notNull(),
    service: text('service').notNull(),
    status: text('status').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.enquiryId, t.candidateId] }),
    index('enquiry_candidates_candidate_idx').on(t.candidateId, t.syllabusCode),
  ],
);

/**
 * The claim that makes C12/C14 hold under concurrency: one individual enquiry per candidate, syllabus and series,
 * ever. Inserted when an enquiry is submitted; a second submitter hits the primary key.
 */
export const enquiryClaims = pgTable(
  'enquiry_claims',
  {
    candidateId: uuid('candidate_id').notNull().references(() => candidates.id),
    syllabusCode: text('syllabus_code').notNull(),
    seriesId: text('series_id').notNull(),
    enquiryId: uuid('enquiry_id').notNull(),
    service: text('service').notNull(),
    componentCodes: text('component_codes').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.candidateId, t.syllabusCode, t.seriesId] })],
);

export const enquiryEvents = pgTable(
  'enquiry_events',
  {
    enquiryId: uuid('enquiry_id').notNull().references(() => enquiries.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    at: instant('at').notNull(),
    actor: text('actor'),
    detail: jsonb('detail'),
  },
  (t) => [primaryKey({ columns: [t.enquiryId, t.seq] })],
);

/** Every file the system produces or receives, under a deterministic key (DESIGN: one storage module). */
export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    centreNumber: text('centre_number').references(() => centres.number),
    enquiryId: uuid('enquiry_id'),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    content: bytea('content').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    /** An associate centre sees a board document only once its associate releases it (C29); others at once. */
    releasedToCentreAt: instant('released_to_centre_at'),
  },
  (t) => [uniqueIndex('documents_key_key').on(t.key), index('documents_enquiry_idx').on(t.enquiryId)],
);

/** One invoice per centre and series, made from the series' invoice date (C22). */
export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    seriesId: text('series_id').notNull().references(() => series.id),
    totalPence: integer('total_pence').notNull(),
    lines: jsonb('lines').notNull(),
    documentId: uuid('document_id'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('invoices_centre_series_key').on(t.centreNumber, t.seriesId)],
);

/** One row per email, ever: the business key is unique, so a retried activity cannot send twice (DESIGN rule 5). */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    businessKey: text('business_key').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body'),
    createdAt: instant('created_at').notNull().defaultNow(),
    sentAt: instant('sent_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [uniqueIndex('outbox_business_key_key').on(t.businessKey)],
);

export const auditEvents = pgTable('audit_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: instant('at').notNull().defaultNow(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target').notNull(),
  detail: jsonb('detail'),
});

export const sessions = pgTable(
  'sessions',
  {
    sid: text('sid').primaryKey(),
    data: jsonb('data').notNull(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [index('sessions_expires_idx').on(t.expiresAt)],
);

/** Enquiry numbers are handed out in order of receipt (C15). */
export const enquiryNumberSeq = pgSequence('enquiry_number_seq', { startWith: 100001 });
