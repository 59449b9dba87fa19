import pino from 'pino';

export type Logger = pino.Logger;

/** One structured JSON logger per process; children add context such as the workflow id. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { process: name } });
}
