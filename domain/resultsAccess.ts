// Candidate results website administration (RULES.md A1-A13, B11): the pure rules, shared by the resultsAccess
// workflow (its validators), the activities and the API. No I/O, no clock: "now" is always a parameter.
import type { RuleViolation } from './model';

export const ACCESS_MODES = ['NO', 'ALL', 'SELECTED'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** The person who handles candidates' queries; printed on every letter (A5). */
export interface QueryContact {
  name: string;
  telephone: string | null;
  email: string | null;
}

/** What a centre confirms on the administration page (A4, A5, A6). */
export interface AccessChoice {
  mode: string;
  /** The box "we agree to handle our candidates' queries about the results website" (A5). */
  agreement?: boolean;
  contact?: { name?: string | null; telephone?: string | null; email?: string | null } | null;
  /** Added to the board's release time (A6); 0 means the board's release time; absent keeps the current delay. */
  delayMinutes?: number | null;
}

/** The longest delay a centre may add to the board's release time (A6): 60 days. */
export const MAX_DELAY_MINUTES = 60 * 24 * 60;

const TELEPHONE = /^\+?[0-9 ()./-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/;

/** A telephone number as people write it: digits with spaces, brackets, dots or dashes, 7 to 15 digits. */
export function isValidTelephone(s: string): boolean {
  const digits = s.replace(/\D/g, '').length;
  return TELEPHONE.test(s) && digits >= 7 && digits <= 15;
}

export function isValidEmail(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s);
}

const blankToNull = (s: string | null | undefined): string | null => {
  const t = (s ?? '').trim();
  return t === '' ? null : t;
};

/** The contact as it will be printed: trimmed, blanks as null. */
export function normaliseContact(contact: AccessChoice['contact']): QueryContact {
  return { name: (contact?.name ?? '').trim(), telephone: blankToNull(contact?.telephone), email: blankToNull(contact?.email) };
}

export function isAccessMode(mode: unknown): mode is AccessMode {
  return typeof mode === 'string' && (ACCESS_MODES as readonly string[]).includes(mode);
}

/**
 * Every rule the choice breaks (A4, A5, A6). `resultsOpen` is true once the centre's candidates can see results:
 * after that the delay can no longer move, since "never earlier" (A6) cannot be taken back.
 */
export function checkAccessChoice(choice: AccessChoice, ctx: { resultsOpen: boolean; currentDelayMinutes: number }): RuleViolation[] {
  const v: RuleViolation[] = [];
  if (!isAccessMode(choice.mode)) {
    v.push({ rule: 'A4', field: 'mode', message: 'Choose NO candidates, ALL candidates or Selected candidates (NO, ALL or SELECTED).' });
    return v;
  }
  if (choice.mode !== 'NO') {
    if (choice.agreement !== true) {
      v.push({ rule: 'A5', field: 'agreement', message: "Tick the box to agree to handle your candidates' queries about the results website." });
    }
    const c = normaliseContact(choice.contact);
    if (c.name.length < 2 || c.name.length > 100) {
      v.push({ rule: 'A5', field: 'contact.name', message: 'Give the name of the person who will handle candidates\' queries (2 to 100 characters).' });
    }
    if (c.telephone === null && c.email === null) {
      v.push({ rule: 'A5', field: 'contact', message: 'Give a telephone number or an email address for candidates\' queries.' });
    }
    if (c.telephone !== null && !isValidTelephone(c.telephone)) {
      v.push({ rule: 'A5', field: 'contact.telephone', message: `"${c.telephone}" is not a telephone number: use 7 to 15 digits, with spaces, brackets or dashes if you like.` });
    }
    if (c.email !== null && !isValidEmail(c.email)) {
      v.push({ rule: 'A5', field: 'contact.email', message: `"${c.email}" is not an email address.` });
    }
  }
  const delay = choice.delayMinutes ?? ctx.currentDelayMinutes;
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_MINUTES) {
    v.push({ rule: 'A6', field: 'delayMinutes', message: `The delay is a whole number of minutes from 0 to ${MAX_DELAY_MINUTES} (60 days).` });
  } else if (ctx.resultsOpen && delay !== ctx.currentDelayMinutes) {
    v.push({ rule: 'A6', field: 'delayMinutes', message: 'Results are already open to your candidates, so the delay can no longer change.' });
  }
  return v;
}

/** When the centre's candidates may see results: the board's release instant plus the centre's delay (A6). */
export function resultsOpenAt(releaseAt: string, delayMinutes: number): string {
  return new Date(Date.parse(releaseAt) + delayMinutes * 60_000).toISOString();
}

/** The line the series list and the administration page show (A3: a series never configured shows NO). */
export function accessSummary(mode: AccessMode | null, selectedCount = 0): string {
  if (mode === 'ALL') return 'ALL candidates have access';
  if (mode === 'SELECTED') return `Selected candidates have access (${selectedCount} selected)`;
  return 'NO candidates have access';
}

/** Candidate numbers as stored: "713" and "0713" are the same candidate (C23's better rule, applied here too). */
export function candidateNumberValue(s: string): number | null {
  const t = String(s ?? '').trim();
  return /^\d{1,10}$/.test(t) ? Number(t) : null;
}
