import express, { type RequestHandler } from 'express';

// The pages' file uploads (student imports, D2; the board's copies of scripts and reports, C19) come as
// multipart/form-data. A small parser, mounted before the CSRF check so that the form's _csrf field is read like any
// other form's.

export interface UploadedFile {
  filename: string;
  content: Buffer;
}

const raw = express.raw({ type: 'multipart/form-data', limit: '50mb' });

/** Splits a multipart body into its text fields and files; anything malformed is simply left out. */
export function parseMultipart(body: Buffer, contentType: string): Record<string, string | UploadedFile> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return {};
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const out: Record<string, string | UploadedFile> = {};
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // without the CRLFs around it
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      if (name) out[name] = filename !== undefined ? { filename, content } : content.toString('utf8');
    }
    start = next;
  }
  return out;
}

export function multipartForm(paths: RegExp[]): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || !paths.some((p) => p.test(req.path))) return next();
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (Buffer.isBuffer(req.body)) req.body = parseMultipart(req.body, req.headers['content-type'] ?? '');
      next();
    });
  };
}
