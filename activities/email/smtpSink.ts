import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// A real SMTP listener for development and tests: it accepts every message and keeps it as an .eml file,
// so tests read back exactly what a mail server would have received.

export interface SmtpSink {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export async function startSmtpSink(opts: { dir: string; port: number }): Promise<SmtpSink> {
  fs.mkdirSync(opts.dir, { recursive: true });
  let seq = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 50 * 1024 * 1024,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const name = `${Date.now()}-${process.pid}-${String(++seq).padStart(6, '0')}.eml`;
        const tmp = path.join(opts.dir, `.${name}.tmp`);
        // Write then rename, so a reader never sees half a message.
        fs.writeFileSync(tmp, Buffer.concat(chunks));
        fs.renameSync(tmp, path.join(opts.dir, name));
        callback();
      });
    },
  });
  // A client that drops its connection must never take the process down with it.
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    port: opts.port,
    dir: opts.dir,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface SunkMessage {
  file: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  date: Date | null;
  headers: Record<string, string>;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
}

/** Every message the sink holds, oldest first. */
export async function readSink(dir: string): Promise<SunkMessage[]> {
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.eml')).sort();
  return Promise.all(
    files.map(async (file) => {
      const parsed = await simpleParser(fs.readFileSync(path.join(dir, file)));
      const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
      const headers: Record<string, string> = {};
      for (const [k, v] of parsed.headers) if (typeof v === 'string') headers[k] = v;
      return {
        file,
        to,
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : null,
        date: parsed.date ?? null,
        headers,
        attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, size: a.size })),
      };
    }),
  );
}
