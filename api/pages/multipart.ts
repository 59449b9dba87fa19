import busboy from 'busboy';
import type { RequestHandler } from 'express';
import { HttpError } from '../errors';

// The pages' file uploads (student imports, D2; the board's copies of scripts and reports, C19) come as
// multipart/form-data, read with busboy. Mounted before the CSRF check, so that the form's _csrf field is read like
// any other form's.

export interface UploadedFile {
  filename: string;
  content: Buffer;
}

const MAX_FILE_BYTES = 50 * 1024 * 1024;

export function multipartForm(paths: RegExp[]): RequestHandler {
  return (req, _res, next) => {
    if (req.method !== 'POST' || !paths.some((p) => p.test(req.path)) || !req.is('multipart/form-data')) return next();
    let form: busboy.Busboy;
    try {
      form = busboy({ headers: req.headers, limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 50 } });
    } catch {
      return next(new HttpError(400, 'The form could not be read. Choose the file again and send it once more.'));
    }
    const fields: Record<string, string | UploadedFile> = {};
    const files: Array<Promise<void>> = [];
    let tooBig = false;
    form.on('field', (name, value) => {
      fields[name] = value;
    });
    form.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        tooBig = true;
      });
      files.push(
        new Promise((resolve) =>
          stream.on('close', () => {
            fields[name] = { filename: info.filename ?? '', content: Buffer.concat(chunks) };
            resolve();
          }),
        ),
      );
    });
    form.on('error', () => next(new HttpError(400, 'The form could not be read. Choose the file again and send it once more.')));
    form.on('close', () => {
      void Promise.all(files).then(() => {
        if (tooBig) return next(new HttpError(413, `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.`));
        req.body = fields;
        next();
      });
    });
    req.pipe(form);
  };
}
