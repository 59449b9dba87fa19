import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { __stack?: { stop(): Promise<void> } }).__stack;
  await stack?.stop();
  const dir = process.env.TEST_DATA_DIR;
  if (dir && !process.env.KEEP_TEST_DATA) fs.rmSync(dir, { recursive: true, force: true });
}
