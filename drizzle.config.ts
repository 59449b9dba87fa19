import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` uses this: it diffs db/schema.ts against db/migrations and writes the SQL we commit.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './db/migrations',
});
