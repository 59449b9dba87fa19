import express from 'express';
import { readSink } from '../../activities/email/smtpSink';
import type { Kit } from './pageKit';

// Development only: every message the SMTP sink kept, newest first. Not mounted when no sink folder is configured.

const SHOWN = 200;

export function devOutboxPage(kit: Kit, smtpSinkDir: string) {
  const router = express.Router();
  router.get(
    '/dev/outbox',
    kit.page(async (req, res) => {
      const messages = (await readSink(smtpSinkDir)).reverse();
      kit.render(req, res, 'devOutbox', { title: 'Outbox (development)', total: messages.length, messages: messages.slice(0, SHOWN) });
    }),
  );
  return router;
}
