CREATE TABLE "credentials" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"candidate_id" uuid NOT NULL,
	"series_id" text NOT NULL,
	"centre_number" text NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"generation" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "letter_batches" (
	"centre_number" text NOT NULL,
	"series_id" text NOT NULL,
	"generation" integer NOT NULL,
	"batch" integer NOT NULL,
	"candidate_numbers" text[] NOT NULL,
	"pdf" "bytea",
	"singles" "bytea",
	"single_sizes" integer[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "letter_batches_centre_number_series_id_generation_batch_pk" PRIMARY KEY("centre_number","series_id","generation","batch")
);
--> statement-breakpoint
CREATE TABLE "letter_file_chunks" (
	"file_key" text NOT NULL,
	"seq" integer NOT NULL,
	"content" "bytea" NOT NULL,
	CONSTRAINT "letter_file_chunks_file_key_seq_pk" PRIMARY KEY("file_key","seq")
);
--> statement-breakpoint
CREATE TABLE "letter_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"centre_number" text NOT NULL,
	"series_id" text NOT NULL,
	"generation" integer NOT NULL,
	"kind" text NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"chunks" integer NOT NULL,
	"letters" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "letter_generation_candidates" (
	"centre_number" text NOT NULL,
	"series_id" text NOT NULL,
	"generation" integer NOT NULL,
	"seq" integer NOT NULL,
	"batch" integer NOT NULL,
	"candidate_id" uuid NOT NULL,
	"withdrawn_at" timestamp with time zone,
	CONSTRAINT "letter_generation_candidates_centre_number_series_id_generation_seq_pk" PRIMARY KEY("centre_number","series_id","generation","seq")
);
--> statement-breakpoint
CREATE TABLE "results_access" (
	"centre_number" text NOT NULL,
	"series_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"configured" boolean NOT NULL,
	"mode" text NOT NULL,
	"contact_name" text,
	"contact_telephone" text,
	"contact_email" text,
	"delay_minutes" integer DEFAULT 0 NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"viewable_at" timestamp with time zone,
	"selected" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer NOT NULL,
	"state" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "results_access_centre_number_series_id_pk" PRIMARY KEY("centre_number","series_id")
);
--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_batches" ADD CONSTRAINT "letter_batches_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_batches" ADD CONSTRAINT "letter_batches_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_files" ADD CONSTRAINT "letter_files_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_files" ADD CONSTRAINT "letter_files_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_generation_candidates" ADD CONSTRAINT "letter_generation_candidates_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_generation_candidates" ADD CONSTRAINT "letter_generation_candidates_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "letter_generation_candidates" ADD CONSTRAINT "letter_generation_candidates_candidate_id_candidates_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."candidates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results_access" ADD CONSTRAINT "results_access_centre_number_centres_number_fk" FOREIGN KEY ("centre_number") REFERENCES "public"."centres"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "results_access" ADD CONSTRAINT "results_access_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_username_key" ON "credentials" USING btree ("username");--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_candidate_series_key" ON "credentials" USING btree ("candidate_id","series_id");--> statement-breakpoint
CREATE INDEX "credentials_centre_series_idx" ON "credentials" USING btree ("centre_number","series_id");--> statement-breakpoint
CREATE UNIQUE INDEX "letter_files_key_key" ON "letter_files" USING btree ("key");--> statement-breakpoint
CREATE UNIQUE INDEX "letter_files_generation_kind_key" ON "letter_files" USING btree ("centre_number","series_id","generation","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "letter_generation_candidates_candidate_key" ON "letter_generation_candidates" USING btree ("centre_number","series_id","generation","candidate_id");--> statement-breakpoint
CREATE INDEX "letter_generation_candidates_batch_idx" ON "letter_generation_candidates" USING btree ("centre_number","series_id","generation","batch");