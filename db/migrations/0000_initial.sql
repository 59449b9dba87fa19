CREATE SEQUENCE "public"."enquiry_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100001 CACHE 1;--> statement-breakpoint
CREATE TABLE "associates" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "candidates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"centre_number" text NOT NULL,
	"candidate_number" text NOT NULL,
	"number_value" integer NOT NULL,
	"uci" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"date_of_birth" date NOT NULL,
	"portfolio_of_evidence" boolean DEFAULT false NOT NULL,
	"email" text
);
--> statement-breakpoint
CREATE TABLE "centres" (
	"number" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"time_zone" text NOT NULL,
	"associate_id" text
);
--> statement-breakpoint
CREATE TABLE "component_results" (
	"entry_id" uuid NOT NULL,
	"component_code" text NOT NULL,
	"mark" integer,
	"mark_source" text,
	"exempt" boolean DEFAULT false NOT NULL,
	"in_moderation_sample" boolean DEFAULT false NOT NULL,
	CONSTRAINT "component_results_entry_id_component_code_pk" PRIMARY KEY("entry_id","component_code")
);
--> statement-breakpoint
CREATE TABLE "components" (
	"syllabus_code" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"max_mark" integer NOT NULL,
	CONSTRAINT "components_syllabus_code_code_pk" PRIMARY KEY("syllabus_code","code")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"centre_number" text,
	"enquiry_id" uuid,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enquiries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"centre_number" text NOT NULL,
	"series_id" text NOT NULL,
	"service" text NOT NULL,
	"syllabus_code" text NOT NULL,
	"component_codes" text[] NOT NULL,
	"candidate_numbers" text[] NOT NULL,
	"note" text NOT NULL,
	"status" text NOT NULL,
	"enquiry_number" bigint,
	"fee_pence" integer DEFAULT 0 NOT NULL,
	"amendment_fee_pence" integer DEFAULT 0 NOT NULL,
	"grade_before" text,
	"grade_after" text,
	"alerts" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"submitted_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"amendable_until" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"version" integer NOT NULL,
	"state" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enquiry_candidates" (
	"enquiry_id" uuid NOT NULL,
	"candidate_id" uuid NOT NULL,
	"syllabus_code" text NOT NULL,
	"service" text NOT NULL,
	"status" text NOT NULL,
	CONSTRAINT "enquiry_candidates_enquiry_id_candidate_id_pk" PRIMARY KEY("enquiry_id","candidate_id")
);
--> statement-breakpoint
CREATE TABLE "enquiry_claims" (
	"candidate_id" uuid NOT NULL,
	"syllabus_code" text NOT NULL,
	"series_id" text NOT NULL,
	"enquiry_id" uuid NOT NULL,
	"service" text NOT NULL,
	"component_codes" text[] NOT NULL,
	CONSTRAINT "enquiry_claims_candidate_id_syllabus_code_series_id_pk" PRIMARY KEY("candidate_id","syllabus_code","series_id")
);
--> statement-breakpoint
CREATE TABLE "enquiry_events" (
	"enquiry_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text,
	"detail" jsonb,
	CONSTRAINT "enquiry_events_enquiry_id_seq_pk" PRIMARY KEY("enquiry_id","seq")
);
--> statement-breakpoint
CREATE TABLE "entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"syllabus_code" text NOT NULL,
	"series_id" text NOT NULL,
	"grade" text
);
--> statement-breakpoint
CREATE TABLE "fees" (
	"series_id" text NOT NULL,
	"item" text NOT NULL,
	"amount_pence" integer NOT NULL,
	CONSTRAINT "fees_series_id_item_pk" PRIMARY KEY("series_id","item")
);
--> statement-breakpoint
CREATE TABLE "holidays" (
	"day" date PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"business_key" text NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "qualifications" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"published_on_website" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "series" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"release_at" timestamp with time zone NOT NULL,
	"credentials_open_on" date NOT NULL,
	"enquiry_deadline" date NOT NULL,
	"invoice_date" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"sid" text PRIMARY KEY NOT NULL,
	"data" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "syllabuses" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"qualification_code" text NOT NULL,
	"art_and_design" boolean DEFAULT false NOT NULL,
	"group_award" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"roles" text[] NOT NULL,
	"centre_number" text,
	"associate_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "centres" ADD CONSTRAINT "centres_associate_id_associates_id_fk" FOREIGN KEY ("associate_id") REFERENCES "public"."associates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "component_results" ADD CONSTRAINT "component_results_entry_id_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "components" ADD CONSTRAINT "components_syllabus_code_syllabuses_code_fk" FOREIGN KEY ("syllabus_code") REFERENCES "public"."syllabuses"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enquiries" ADD CONSTRAINT "enquiries_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enquiries" ADD CONSTRAINT "enquiries_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enquiry_candidates" ADD CONSTRAINT "enquiry_candidates_enquiry_id_enquiries_id_fk" FOREIGN KEY ("enquiry_id") REFERENCES "public"."enquiries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enquiry_candidates" ADD CONSTRAINT "enquiry_candidates_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enquiry_claims" ADD CONSTRAINT "enquiry_claims_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enquiry_events" ADD CONSTRAINT "enquiry_events_enquiry_id_enquiries_id_fk" FOREIGN KEY ("enquiry_id") REFERENCES "public"."enquiries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_syllabus_code_syllabuses_code_fk" FOREIGN KEY ("syllabus_code") REFERENCES "public"."syllabuses"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fees" ADD CONSTRAINT "fees_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "syllabuses" ADD CONSTRAINT "syllabuses_qualification_code_qualifications_code_fk" FOREIGN KEY ("qualification_code") REFERENCES "public"."qualifications"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_associate_id_associates_id_fk" FOREIGN KEY ("associate_id") REFERENCES "public"."associates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "candidates_centre_number_key" ON "candidates" USING btree ("centre_number","candidate_number");--> statement-breakpoint
CREATE INDEX "candidates_centre_value_idx" ON "candidates" USING btree ("centre_number","number_value");--> statement-breakpoint
CREATE UNIQUE INDEX "candidates_uci_key" ON "candidates" USING btree ("uci");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_key_key" ON "documents" USING btree ("key");--> statement-breakpoint
CREATE INDEX "documents_enquiry_idx" ON "documents" USING btree ("enquiry_id");--> statement-breakpoint
CREATE INDEX "enquiries_centre_series_idx" ON "enquiries" USING btree ("centre_number","series_id");--> statement-breakpoint
CREATE INDEX "enquiries_status_submitted_idx" ON "enquiries" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "enquiries_number_key" ON "enquiries" USING btree ("enquiry_number");--> statement-breakpoint
CREATE INDEX "enquiry_candidates_candidate_idx" ON "enquiry_candidates" USING btree ("candidate_id","syllabus_code");--> statement-breakpoint
CREATE UNIQUE INDEX "entries_candidate_syllabus_series_key" ON "entries" USING btree ("candidate_id","syllabus_code","series_id");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_business_key_key" ON "outbox" USING btree ("business_key");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree (lower("email"));