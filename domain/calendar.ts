// Calendar rules (DESIGN rule 9 "Time is explicit"): instants are UTC, days belong to a time zone, a deadline
// given as a date ends at the end of that day in the series' zone (C21), and working days skip weekends and the
// board's holidays, which are data (C25). Pure: no I/O, no clock, no environment; "now" is always a parameter,
// so workflow code may import this module.
import { DateTime, IANAZone } from 'luxon';

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A calendar day "YYYY-MM-DD" if `s` is one that exists (2026-02-30 is not), else null. Surrounding spaces are ignored. */
export function parseDay(s: string): string | null {
  if (typeof s !== 'string') return null;
  const trimmed = s.trim();
  const m = DAY_PATTERN.exec(trimmed);
  if (!m) return null;
  const dt = DateTime.fromObject(
    { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) },
    { zone: 'UTC' },
  );
  return dt.isValid && dt.toISODate() === trimmed ? trimmed : null;
}

/** True when `timeZone` is an IANA zone name luxon can use (e.g. "Europe/London", "Asia/Singapore", "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  return typeof timeZone === 'string' && IANAZone.isValidZone(timeZone);
}

function requireZone(timeZone: string): string {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone "${timeZone}"`);
  return timeZone;
}

function requireDay(day: string, what = 'day'): string {
  const parsed = parseDay(day);
  if (parsed === null) throw new RangeError(`Invalid ${what} "${day}": expected a real date as YYYY-MM-DD`);
  return parsed;
}

function requireInstant(instant: Date, what = 'instant'): DateTime {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) throw new RangeError(`Invalid ${what}`);
  return DateTime.fromMillis(instant.getTime(), { zone: 'UTC' });
}

/** The local calendar day ("YYYY-MM-DD") of an instant in a time zone. */
export function localDay(instant: Date, timeZone: string): string {
  return requireInstant(instant).setZone(requireZone(timeZone)).toISODate() as string;
}

/**
 * A deadline given as a date means the end of that day (23:59:59.999) in the series' time zone (C21, DESIGN rule 9).
 * Returned as the UTC instant.
 */
export function endOfDayInZone(day: string, timeZone: string): Date {
  const d = requireDay(day);
  return DateTime.fromISO(d, { zone: requireZone(timeZone) })
    .endOf('day')
    .toJSDate();
}

/** The first instant (00:00) of a day in a time zone, as a UTC instant. */
export function startOfDayInZone(day: string, timeZone: string): Date {
  const d = requireDay(day);
  return DateTime.fromISO(d, { zone: requireZone(timeZone) })
    .startOf('day')
    .toJSDate();
}

/** Whether the local date of `instant` in the zone is a working day: not Saturday, Sunday or a holiday. */
export function isWorkingDay(instant: Date, holidays: readonly string[], timeZone: string): boolean {
  const local = requireInstant(instant).setZone(requireZone(timeZone));
  return isWorkingLocal(local, new Set(holidays));
}

function isWorkingLocal(local: DateTime, holidays: ReadonlySet<string>): boolean {
  // luxon: weekday 1 = Monday ... 7 = Sunday.
  if (local.weekday === 6 || local.weekday === 7) return false;
  return !holidays.has(local.toISODate() as string);
}

/**
 * The same local time of day, `days` working days after `from` (before it when negative), counting in `timeZone`
 * and skipping Saturdays, Sundays and `holidays` ("YYYY-MM-DD" in that zone). Calendar arithmetic, so a DST change
 * in between keeps the wall-clock time (the elapsed hours differ by one). Used for "no acknowledgement within
 * 2 working days" (C25). A local time that does not exist on the target day (inside a spring-forward gap) moves
 * forward by the gap, as luxon does.
 */
export function addWorkingDays(from: Date, days: number, holidays: readonly string[], timeZone: string): Date {
  if (!Number.isInteger(days)) throw new RangeError(`Working days must be a whole number, got ${days}`);
  const holidaySet = new Set<string>();
  for (const h of holidays) holidaySet.add(requireDay(h, 'holiday'));
  const start = requireInstant(from, 'start instant').setZone(requireZone(timeZone));
  const step = days < 0 ? -1 : 1;
  let remaining = Math.abs(days);
  let cursor = start;
  while (remaining > 0) {
    cursor = cursor.plus({ days: step });
    if (isWorkingLocal(cursor, holidaySet)) remaining -= 1;
  }
  // Re-derive from the start's wall-clock time so a gap on an intermediate day never drifts the time of day.
  const target = start.set({ year: cursor.year, month: cursor.month, day: cursor.day });
  return target.toJSDate();
}

/**
 * Whole calendar days from `now`'s local date (in `timeZone`) to the deadline date: 0 on the deadline day itself,
 * 1 the day before, negative after it (C21 "days left").
 */
export function daysLeft(now: Date, deadlineDay: string, timeZone: string): number {
  const today = localDay(now, timeZone);
  const deadline = requireDay(deadlineDay, 'deadline day');
  const a = DateTime.fromISO(today, { zone: 'UTC' });
  const b = DateTime.fromISO(deadline, { zone: 'UTC' });
  return Math.round(b.diff(a, 'days').days);
}

/** Whether `now` is after the end of the deadline day in the zone (C21: nothing can be submitted any more). */
export function isPastDeadline(now: Date, deadlineDay: string, timeZone: string): boolean {
  return requireInstant(now, 'now').toMillis() > endOfDayInZone(deadlineDay, timeZone).getTime();
}

/** An instant for people, in a zone: "20 September 2026, 23:59 (Europe/London)". English month names, 24-hour clock. */
export function formatInZone(instant: Date, timeZone: string): string {
  const local = requireInstant(instant).setZone(requireZone(timeZone));
  const hh = String(local.hour).padStart(2, '0');
  const mm = String(local.minute).padStart(2, '0');
  return `${local.day} ${MONTHS[local.month - 1]} ${local.year}, ${hh}:${mm} (${timeZone})`;
}

/** A day for people: "20 September 2026". */
export function formatDay(day: string): string {
  const d = requireDay(day);
  const [y, m, dd] = d.split('-').map(Number);
  return `${dd} ${MONTHS[m - 1]} ${y}`;
}
