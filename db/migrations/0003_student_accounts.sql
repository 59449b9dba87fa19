CREATE TABLE "mock_results" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"mock_name" text NOT NULL,
	"taken_on" date NOT NULL,
	"syllabus_code" text NOT NULL,
	"syllabus_name" text NOT NULL,
	"component_code" text NOT NULL,
	"component_name" text NOT NULL,
	"mark" integer,
	"max_mark" integer NOT NULL,
	"grade" text
);
--> statement-breakpoint
CREATE TABLE "student_account_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "student_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"centre_number" text NOT NULL,
	"email" text,
	"school_year" text,
	"status" text NOT NULL,
	"mock_results" boolean DEFAULT true NOT NULL,
	"high_stakes" boolean DEFAULT true NOT NULL,
	"password_hash" text,
	"security_question" text,
	"security_answer_hash" text,
	"activation_generation" integer DEFAULT 1 NOT NULL,
	"failed_activations" integer DEFAULT 0 NOT NULL,
	"failed_sign_ins" integer DEFAULT 0 NOT NULL,
	"failed_resets" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_via" text NOT NULL,
	"created_by" uuid,
	"created_by_name" text NOT NULL,
	"created_by_job" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student_activation_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"generation" integer NOT NULL,
	"kind" text NOT NULL,
	"code_hash" text,
	"token_hash" text NOT NULL,
	"export_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student_export_members" (
	"export_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"batch" integer NOT NULL,
	"account_id" uuid NOT NULL,
	CONSTRAINT "student_export_members_export_id_seq_pk" PRIMARY KEY("export_id","seq")
);
--> statement-breakpoint
CREATE TABLE "student_export_parts" (
	"export_id" uuid NOT NULL,
	"batch" integer NOT NULL,
	"rows" integer NOT NULL,
	"csv" text NOT NULL,
	"pdf" "bytea",
	CONSTRAINT "student_export_parts_export_id_batch_pk" PRIMARY KEY("export_id","batch")
);
--> statement-breakpoint
CREATE TABLE "student_exports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"centre_number" text NOT NULL,
	"series_id" text NOT NULL,
	"requested_by" uuid,
	"requested_by_name" text NOT NULL,
	"phase" text NOT NULL,
	"version" integer NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student_files" (
	"key" text PRIMARY KEY NOT NULL,
	"centre_number" text NOT NULL,
	"export_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"rows" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student_import_batches" (
	"import_id" uuid NOT NULL,
	"batch" integer NOT NULL,
	"created" integer NOT NULL,
	"existing" integer NOT NULL,
	"skipped" integer NOT NULL,
	CONSTRAINT "student_import_batches_import_id_batch_pk" PRIMARY KEY("import_id","batch")
);
--> statement-breakpoint
CREATE TABLE "student_import_chunks" (
	"import_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"content" "bytea" NOT NULL,
	CONSTRAINT "student_import_chunks_import_id_seq_pk" PRIMARY KEY("import_id","seq")
);
--> statement-breakpoint
CREATE TABLE "student_import_errors" (
	"import_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"field" text NOT NULL,
	"rule" text NOT NULL,
	"message" text NOT NULL,
	CONSTRAINT "student_import_errors_import_id_line_field_pk" PRIMARY KEY("import_id","line","field")
);
--> statement-breakpoint
CREATE TABLE "student_import_rows" (
	"import_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"line" integer NOT NULL,
	"candidate_number" text NOT NULL,
	"uci" text NOT NULL,
	"forename" text NOT NULL,
	"surname" text NOT NULL,
	"date_of_birth" text NOT NULL,
	"email" text NOT NULL,
	"school_year" text NOT NULL,
	"problem" text,
	CONSTRAINT "student_import_rows_import_id_seq_pk" PRIMARY KEY("import_id","seq")
);
--> statement-breakpoint
CREATE TABLE "student_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"centre_number" text NOT NULL,
	"filename" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"uploaded_by" uuid,
	"uploaded_by_name" text NOT NULL,
	"phase" text NOT NULL,
	"rows" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"already_registered" integer DEFAULT 0 NOT NULL,
	"emails_sent" integer DEFAULT 0 NOT NULL,
	"version" integer NOT NULL,
	"state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "student_rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mock_results" ADD CONSTRAINT "mock_results_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_account_events" ADD CONSTRAINT "student_account_events_account_id_student_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."student_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_accounts" ADD CONSTRAINT "student_accounts_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_accounts" ADD CONSTRAINT "student_accounts_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_activation_codes" ADD CONSTRAINT "student_activation_codes_account_id_student_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."student_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_export_members" ADD CONSTRAINT "student_export_members_account_id_student_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."student_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_exports" ADD CONSTRAINT "student_exports_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_exports" ADD CONSTRAINT "student_exports_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_files" ADD CONSTRAINT "student_files_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "student_imports" ADD CONSTRAINT "student_imports_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mock_results_candidate_idx" ON "mock_results" USING btree ("candidate_id");--> statement-breakpoint
CREATE INDEX "student_account_events_account_idx" ON "student_account_events" USING btree ("account_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "student_accounts_candidate_key" ON "student_accounts" USING btree ("candidate_id");--> statement-breakpoint
CREATE UNIQUE INDEX "student_accounts_email_key" ON "student_accounts" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "student_accounts_centre_status_idx" ON "student_accounts" USING btree ("centre_number","status");--> statement-breakpoint
CREATE UNIQUE INDEX "student_activation_codes_code_key" ON "student_activation_codes" USING btree ("code_hash") WHERE "student_activation_codes"."code_hash" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "student_activation_codes_token_key" ON "student_activation_codes" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "student_activation_codes_account_idx" ON "student_activation_codes" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "student_export_members_account_key" ON "student_export_members" USING btree ("export_id","account_id");--> statement-breakpoint
CREATE INDEX "student_exports_centre_idx" ON "student_exports" USING btree ("centre_number","created_at");--> statement-breakpoint
CREATE INDEX "student_files_export_idx" ON "student_files" USING btree ("export_id");--> statement-breakpoint
CREATE INDEX "student_import_rows_uci_idx" ON "student_import_rows" USING btree ("import_id","uci");--> statement-breakpoint
CREATE INDEX "student_import_rows_email_idx" ON "student_import_rows" USING btree ("import_id",lower("email"));--> statement-breakpoint
CREATE INDEX "student_imports_centre_idx" ON "student_imports" USING btree ("centre_number","created_at");