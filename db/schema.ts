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
    /**
     * The Secret Number a candidate registers with on the results portal, with their UCI as candidate ID (B1, the
     * Cambridge English model). Kept readable because the centre's staff hand it to the candidate, like the UCI.
     */
    secretNumber: text('secret_number'),
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
    /**
     * Mail a web request queued (in its own transaction) for a per-email workflow to send: which one. Null for mail
     * that a running workflow sends itself. The outbox relay starts the workflow when the request could not.
     */
    relay: text('relay').$type<'student-email' | 'portal-email'>(),
  },
  (t) => [uniqueIndex('outbox_business_key_key').on(t.businessKey), index('outbox_unsent_relay_idx').on(t.createdAt).where(sql`${t.sentAt} is null and ${t.relay} is not null`)],
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

// --- Results access (issue 5) ---

/**
 * The resultsAccess workflow's read model, one row per centre and series (A3: no row means "NO candidates have
 * access"). Only the workflow writes it, through an activity; `version` keeps an older write from winning.
 */
export const resultsAccess = pgTable(
  'results_access',
  {
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    seriesId: text('series_id').notNull().references(() => series.id),
    workflowId: text('workflow_id').notNull(),
    configured: boolean('configured').notNull(),
    mode: text('mode').$type<'NO' | 'ALL' | 'SELECTED'>().notNull(),
    contactName: text('contact_name'),
    contactTelephone: text('contact_telephone'),
    contactEmail: text('contact_email'),
    delayMinutes: integer('delay_minutes').notNull().default(0),
    /** Release time plus delay (A6). */
    opensAt: instant('opens_at').notNull(),
    /** Set when the workflow's timer marked the centre's candidates viewable; a candidate sees results only then. */
    viewableAt: instant('viewable_at'),
    /** SELECTED: the candidate numbers with access (A11). */
    selected: text('selected').array().notNull().default(sql`'{}'::text[]`),
    version: integer('version').notNull(),
    /** The workflow state without the selection (which is the column above). */
    state: jsonb('state').notNull(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.centreNumber, t.seriesId] })],
);

/**
 * A candidate's login for one series' results (A8). Only the argon2id hash is kept; the plaintext exists only in
 * the letter files. A reissue (B11) replaces the hash; a revocation (A7, A12) sets revoked_at.
 */
export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id').notNull().references(() => candidates.id),
    seriesId: text('series_id').notNull().references(() => series.id),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** The letter generation that issued the current password. */
    generation: integer('generation').notNull(),
    issuedAt: instant('issued_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [
    uniqueIndex('credentials_username_key').on(t.username),
    uniqueIndex('credentials_candidate_series_key').on(t.candidateId, t.seriesId),
    index('credentials_centre_series_idx').on(t.centreNumber, t.seriesId),
  ],
);

/**
 * The candidates of one letter generation, in candidate-number order, each with its batch: planned once, so a
 * retried or resumed generation makes the same batches. A candidate whose access is removed meanwhile is
 * withdrawn here, in the same transaction that revokes, and no batch issues it a login after that.
 */
export const letterGenerationCandidates = pgTable(
  'letter_generation_candidates',
  {
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    seriesId: text('series_id').notNull().references(() => series.id),
    generation: integer('generation').notNull(),
    seq: integer('seq').notNull(),
    batch: integer('batch').notNull(),
    candidateId: uuid('candidate_id').notNull().references(() => candidates.id),
    withdrawnAt: instant('withdrawn_at'),
  },
  (t) => [
    primaryKey({ columns: [t.centreNumber, t.seriesId, t.generation, t.seq] }),
    uniqueIndex('letter_generation_candidates_candidate_key').on(t.centreNumber, t.seriesId, t.generation, t.candidateId),
    index('letter_generation_candidates_batch_idx').on(t.centreNumber, t.seriesId, t.generation, t.batch),
  ],
);

/**
 * One stored batch of letters, written in the same transaction as its candidates' credentials: a batch either
 * exists with its passwords' letters or not at all, so a retry never issues a second password. Its bytes are its
 * parts of the generation's two files (see activities/letterFiles.ts) and go when the centre deletes the letters.
 */
export const letterBatches = pgTable(
  'letter_batches',
  {
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    seriesId: text('series_id').notNull().references(() => series.id),
    generation: integer('generation').notNull(),
    batch: integer('batch').notNull(),
    candidateNumbers: text('candidate_numbers').array().notNull(),
    /** The batch's letters as its part of the combined PDF: a page per candidate, objects numbered for that file. */
    pdf: bytea('pdf'),
    /** The same letters as single-page PDFs, as its part of the zip (a stored entry each); singleSizes: their lengths. */
    singles: bytea('singles'),
    singleSizes: integer('single_sizes').array().notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.centreNumber, t.seriesId, t.generation, t.batch] })],
);

/**
 * A generation's letters as files (A9): one PDF and one zip. Too big for one bytea at a large centre, so a file is
 * its head and tail (letter_file_chunks) around its batches' parts (letter_batches), streamed out one piece at a
 * time. Downloadable and deletable only by the centre's staff.
 */
export const letterFiles = pgTable(
  'letter_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    key: text('key').notNull(),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    seriesId: text('series_id').notNull().references(() => series.id),
    generation: integer('generation').notNull(),
    kind: text('kind').$type<'pdf' | 'zip'>().notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    chunks: integer('chunks').notNull(),
    letters: integer('letters').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('letter_files_key_key').on(t.key),
    uniqueIndex('letter_files_generation_kind_key').on(t.centreNumber, t.seriesId, t.generation, t.kind),
  ],
);

export const letterFileChunks = pgTable(
  'letter_file_chunks',
  {
    fileKey: text('file_key').notNull(),
    seq: integer('seq').notNull(),
    content: bytea('content').notNull(),
  },
  (t) => [primaryKey({ columns: [t.fileKey, t.seq] })],
);

// --- Student accounts (issue 7) ---

/**
 * A student's results-analysis account (D1-D11): one per student, not per series (D5: unique candidate). A record,
 * not a process: its status changes only through the guarded transitions of db/studentAccounts.ts
 * (`update ... where id = $1 and status = $expected and version = $read returning *`).
 */
export const studentAccounts = pgTable(
  'student_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id').notNull().references(() => candidates.id),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    email: text('email'),
    schoolYear: text('school_year'),
    status: text('status').$type<'NotActivated' | 'Active' | 'FailedActivation' | 'ForgottenPassword' | 'Locked'>().notNull(),
    mockResults: boolean('mock_results').notNull().default(true),
    highStakes: boolean('high_stakes').notNull().default(true),
    passwordHash: text('password_hash'),
    securityQuestion: text('security_question'),
    securityAnswerHash: text('security_answer_hash'),
    /** Codes and links of an older generation no longer work (D6, D7, D9). */
    activationGeneration: integer('activation_generation').notNull().default(1),
    failedActivations: integer('failed_activations').notNull().default(0),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    failedResets: integer('failed_resets').notNull().default(0),
    version: integer('version').notNull().default(1),
    createdVia: text('created_via').$type<'import' | 'export'>().notNull(),
    createdBy: uuid('created_by'),
    createdByName: text('created_by_name').notNull(),
    /** The import or export that made the account. */
    createdByJob: uuid('created_by_job'),
    createdAt: instant('created_at').notNull().defaultNow(),
    activatedAt: instant('activated_at'),
    statusChangedAt: instant('status_changed_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('student_accounts_candidate_key').on(t.candidateId),
    uniqueIndex('student_accounts_email_key').on(sql`lower(${t.email})`),
    index('student_accounts_centre_status_idx').on(t.centreNumber, t.status),
  ],
);

/**
 * Activation codes and links (D3, D6, D7, D9). Only SHA-256 hashes are kept: the link token (256 bits) and, for an
 * export's slips, the typed code (60 bits) exist in plain only in the email or the export files. A code works once,
 * until expires_at, and only while its generation is the account's current one and the account is Not Activated.
 */
export const studentActivationCodes = pgTable(
  'student_activation_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull().references(() => studentAccounts.id),
    generation: integer('generation').notNull(),
    kind: text('kind').$type<'email' | 'export'>().notNull(),
    /** Export slips only: an emailed link carries no typed code. */
    codeHash: text('code_hash'),
    tokenHash: text('token_hash').notNull(),
    exportId: uuid('export_id'),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('student_activation_codes_code_key').on(t.codeHash).where(sql`${t.codeHash} is not null`),
    uniqueIndex('student_activation_codes_token_key').on(t.tokenHash),
    index('student_activation_codes_account_idx').on(t.accountId),
  ],
);

/** Who did what to an account, and the status before and after: the detail view's history (its creation is on the account). */
export const studentAccountEvents = pgTable(
  'student_account_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    accountId: uuid('account_id').notNull().references(() => studentAccounts.id),
    at: instant('at').notNull().defaultNow(),
    actor: text('actor').notNull(),
    kind: text('kind').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    detail: jsonb('detail'),
  },
  (t) => [index('student_account_events_account_idx').on(t.accountId, t.id)],
);

/** The studentImport workflow's read model, one row per upload; only the workflow writes it (through an activity). */
export const studentImports = pgTable(
  'student_imports',
  {
    id: uuid('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    filename: text('filename').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    uploadedBy: uuid('uploaded_by'),
    uploadedByName: text('uploaded_by_name').notNull(),
    phase: text('phase').notNull(),
    rows: integer('rows').notNull().default(0),
    errorCount: integer('error_count').notNull().default(0),
    created: integer('created').notNull().default(0),
    alreadyRegistered: integer('already_registered').notNull().default(0),
    emailsSent: integer('emails_sent').notNull().default(0),
    version: integer('version').notNull(),
    state: jsonb('state').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [index('student_imports_centre_idx').on(t.centreNumber, t.createdAt)],
);

/** An uploaded CSV, streamed in as chunks (no size cap, bounded memory), read back as a stream by the import. */
export const studentImportChunks = pgTable(
  'student_import_chunks',
  {
    importId: uuid('import_id').notNull(),
    seq: integer('seq').notNull(),
    content: bytea('content').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/** An upload's rows, parsed and trimmed: validated, then created, in batches of consecutive rows. */
export const studentImportRows = pgTable(
  'student_import_rows',
  {
    importId: uuid('import_id').notNull(),
    seq: integer('seq').notNull(),
    line: integer('line').notNull(),
    candidateNumber: text('candidate_number').notNull(),
    uci: text('uci').notNull(),
    forename: text('forename').notNull(),
    surname: text('surname').notNull(),
    dateOfBirth: text('date_of_birth').notNull(),
    email: text('email').notNull(),
    schoolYear: text('school_year').notNull(),
    problem: text('problem'),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.seq] }),
    index('student_import_rows_uci_idx').on(t.importId, t.uci),
    index('student_import_rows_email_idx').on(t.importId, sql`lower(${t.email})`),
  ],
);

/**
 * One row per batch of accounts created, written in the batch's transaction: a retried batch finds it and creates
 * nothing twice, and the counts survive a crash between the commit and the workflow hearing of it.
 */
export const studentImportBatches = pgTable(
  'student_import_batches',
  {
    importId: uuid('import_id').notNull(),
    batch: integer('batch').notNull(),
    created: integer('created').notNull(),
    existing: integer('existing').notNull(),
    skipped: integer('skipped').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.batch] })],
);

/** Every failing row of an upload: line, field, rule and reason (D2). */
export const studentImportErrors = pgTable(
  'student_import_errors',
  {
    importId: uuid('import_id').notNull(),
    line: integer('line').notNull(),
    field: text('field').notNull(),
    rule: text('rule').notNull(),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line, t.field] })],
);

/** The studentExport workflow's read model, one row per export of verification links (D3). */
export const studentExports = pgTable(
  'student_exports',
  {
    id: uuid('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    seriesId: text('series_id').notNull().references(() => series.id),
    requestedBy: uuid('requested_by'),
    requestedByName: text('requested_by_name').notNull(),
    phase: text('phase').notNull(),
    version: integer('version').notNull(),
    state: jsonb('state').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [index('student_exports_centre_idx').on(t.centreNumber, t.createdAt)],
);

/** The accounts one export lists, each with its batch: planned once, so a resumed export makes the same batches. */
export const studentExportMembers = pgTable(
  'student_export_members',
  {
    exportId: uuid('export_id').notNull(),
    seq: integer('seq').notNull(),
    batch: integer('batch').notNull(),
    accountId: uuid('account_id').notNull().references(() => studentAccounts.id),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.seq] }), uniqueIndex('student_export_members_account_key').on(t.exportId, t.accountId)],
);

/**
 * One batch of an export, stored in the same transaction as its codes' hashes: a retried batch never issues a second
 * set of codes. The parts are joined into the files and then deleted.
 */
export const studentExportParts = pgTable(
  'student_export_parts',
  {
    exportId: uuid('export_id').notNull(),
    batch: integer('batch').notNull(),
    rows: integer('rows').notNull(),
    csv: text('csv').notNull(),
    pdf: bytea('pdf'),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.batch] })],
);

/** An export's files (the CSV of codes and links, the PDF of slips): the centre's staff only. */
export const studentFiles = pgTable(
  'student_files',
  {
    key: text('key').primaryKey(),
    centreNumber: text('centre_number').notNull().references(() => centres.number),
    exportId: uuid('export_id').notNull(),
    kind: text('kind').$type<'csv' | 'pdf'>().notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    rows: integer('rows').notNull(),
    content: bytea('content').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('student_files_export_idx').on(t.exportId)],
);

/** Fixed-window counters: failed activation attempts per client address are limited (D3). */
export const studentRateLimits = pgTable('student_rate_limits', {
  key: text('key').primaryKey(),
  windowStart: instant('window_start').notNull(),
  count: integer('count').notNull(),
});

/** Mock examination results a student may see when the Mock results permission is granted (D10). */
export const mockResults = pgTable(
  'mock_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id').notNull().references(() => candidates.id),
    mockName: text('mock_name').notNull(),
    takenOn: date('taken_on').notNull(),
    syllabusCode: text('syllabus_code').notNull(),
    syllabusName: text('syllabus_name').notNull(),
    componentCode: text('component_code').notNull(),
    componentName: text('component_name').notNull(),
    mark: integer('mark'),
    maxMark: integer('max_mark').notNull(),
    grade: text('grade'),
  },
  (t) => [index('mock_results_candidate_idx').on(t.candidateId)],
);

// --- Results portals: accounts (issue 6) ---

/**
 * A candidate's own portal account (B1): registered with candidate ID (UCI) and Secret Number, then signed in with
 * the chosen email (any case) and password. One per candidate and one per email.
 */
export const candidateAccounts = pgTable(
  'candidate_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    candidateId: uuid('candidate_id').notNull().references(() => candidates.id),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('candidate_accounts_candidate_key').on(t.candidateId), uniqueIndex('candidate_accounts_email_key').on(sql`lower(${t.email})`)],
);

/**
 * Failed sign-ins in a row and the lock they lead to (B3), per account kind (candidate-letter, candidate-account,
 * user) and id. Changed only by single guarded statements (db/signInLocks.ts), so parallel failures lock once;
 * lock_count numbers the locks, and each lock's accountLock workflow clears only its own.
 */
export const signInLocks = pgTable(
  'sign_in_locks',
  {
    accountKind: text('account_kind').$type<'candidate-letter' | 'candidate-account' | 'user'>().notNull(),
    accountId: text('account_id').notNull(),
    /** The centre whose staff may unlock the account early (null: board staff only). */
    centreNumber: text('centre_number'),
    failures: integer('failures').notNull().default(0),
    lockedUntil: instant('locked_until'),
    lockCount: integer('lock_count').notNull().default(0),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.accountKind, t.accountId] }), index('sign_in_locks_centre_idx').on(t.centreNumber, t.lockedUntil)],
);

/**
 * Emailed links that set a password once: a forgotten-password reset (B4) or a teacher's first password (B8).
 * The token is signed with the session secret in the link and only its SHA-256 hash is stored.
 */
export const passwordLinks = pgTable(
  'password_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    purpose: text('purpose').$type<'reset' | 'set-password'>().notNull(),
    accountKind: text('account_kind').$type<'candidate-account' | 'user'>().notNull(),
    accountId: text('account_id').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('password_links_token_key').on(t.tokenHash), index('password_links_account_idx').on(t.accountKind, t.accountId)],
);
