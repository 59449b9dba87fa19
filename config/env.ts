import { z } from 'zod';

// Every setting the processes read, validated once at start-up. A bad value stops the process with one message
// that lists every bad variable, instead of failing later somewhere deep.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('results-office'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('results-office'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'),
  MAIL_FROM: z.string().min(3).default('Results Office <no-reply@examboard.example>'),
  /** Where alerts for board staff go (C16, C25). */
  BOARD_EMAIL: z.string().email().default('enquiries@examboard.example'),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  /** argon2id hashes a worker computes at once while generating candidates' letters (issue 5); default: one per core. */
  LETTER_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** Letters per batch activity and batches at once per generation (issue 5); the web gives them to the workflow. */
  LETTER_BATCH_SIZE: z.coerce.number().int().min(1).max(2000).default(250),
  LETTER_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(3),
  /** The 24-hour amendment window (C20). Only rehearsals and benchmarks shorten it, to see its timers fire. */
  ENQUIRY_AMENDMENT_WINDOW_MS: z.coerce.number().int().min(1000).default(24 * 3600_000),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().url().default('http://localhost:3000'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters'),
  /** Where the SMTP sink keeps messages in development; the outbox page reads it. Unset in production. */
  SMTP_SINK_DIR: z.string().optional(),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
