import fc from 'fast-check';
import {
  addWorkingDays,
  daysLeft,
  endOfDayInZone,
  formatDay,
  formatInZone,
  isPastDeadline,
  isValidTimeZone,
  isWorkingDay,
  localDay,
  parseDay,
  startOfDayInZone,
} from '../../domain/calendar';

const at = (iso: string) => new Date(iso);

describe('endOfDayInZone', () => {
  it('[C21] a deadline date ends at 23:59:59.999 in the series time zone (Europe/London, summer time)', () => {
    expect(endOfDayInZone('2026-09-20', 'Europe/London').toISOString()).toBe('2026-09-20T22:59:59.999Z');
  });

  it('[C21] a deadline date ends at 23:59:59.999 in the series time zone (Europe/London, winter time)', () => {
    expect(endOfDayInZone('2027-02-26', 'Europe/London').toISOString()).toBe('2027-02-26T23:59:59.999Z');
  });

  it('[C21] the same deadline day ends 8 hours earlier in Asia/Singapore than in UTC', () => {
    const sg = endOfDayInZone('2027-02-26', 'Asia/Singapore');
    const utc = endOfDayInZone('2027-02-26', 'UTC');
    expect(sg.toISOString()).toBe('2027-02-26T15:59:59.999Z');
    expect(utc.toISOString()).toBe('2027-02-26T23:59:59.999Z');
    expect(utc.getTime() - sg.getTime()).toBe(8 * 3600 * 1000);
  });

  it('[C21] an instant one millisecond after the end of the deadline day is past the deadline, the last one is not', () => {
    const end = endOfDayInZone('2026-09-20', 'Europe/London');
    expect(isPastDeadline(end, '2026-09-20', 'Europe/London')).toBe(false);
    expect(isPastDeadline(new Date(end.getTime() + 1), '2026-09-20', 'Europe/London')).toBe(true);
    // 20:00 UTC on the deadline day is already past it in Singapore, still before it in London.
    expect(isPastDeadline(at('2026-09-20T20:00:00Z'), '2026-09-20', 'Asia/Singapore')).toBe(true);
    expect(isPastDeadline(at('2026-09-20T20:00:00Z'), '2026-09-20', 'Europe/London')).toBe(false);
  });

  it('handles the day the clocks go back (a 25-hour day)', () => {
    const start = startOfDayInZone('2026-10-25', 'Europe/London');
    const end = endOfDayInZone('2026-10-25', 'Europe/London');
    expect(start.toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(end.toISOString()).toBe('2026-10-25T23:59:59.999Z');
    expect(end.getTime() + 1 - start.getTime()).toBe(25 * 3600 * 1000);
  });

  it('refuses an impossible date or an unknown zone', () => {
    expect(() => endOfDayInZone('2026-02-30', 'Europe/London')).toThrow(RangeError);
    expect(() => endOfDayInZone('2026-09-20', 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('addWorkingDays', () => {
  const none: string[] = [];

  it('[C25] Friday plus 1 working day is the following Monday at the same local time', () => {
    // Friday 20 November 2026, 14:30 in London (GMT).
    const friday = at('2026-11-20T14:30:00Z');
    expect(addWorkingDays(friday, 1, none, 'Europe/London').toISOString()).toBe('2026-11-23T14:30:00.000Z');
  });

  it('[C25] 2 working days after a Thursday acknowledgement deadline skip the weekend', () => {
    const thursday = at('2026-11-19T09:00:00Z');
    expect(addWorkingDays(thursday, 2, none, 'Europe/London').toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });

  it('[C25] 2 working days skip the board holidays (Christmas, Boxing Day, New Year)', () => {
    const holidays = ['2026-12-25', '2026-12-26', '2026-12-28', '2027-01-01'];
    // Thursday 24 December 2026 10:00 -> 25 (holiday), 26-27 (weekend), 28 (holiday), 29 (1), 30 (2).
    const thursday = at('2026-12-24T10:00:00Z');
    expect(addWorkingDays(thursday, 2, holidays, 'Europe/London').toISOString()).toBe('2026-12-30T10:00:00.000Z');
    // Wednesday 30 December + 2 -> 31 (1), 1 Jan (holiday), 2-3 (weekend), 4 Jan (2).
    expect(addWorkingDays(at('2026-12-30T10:00:00Z'), 2, holidays, 'Europe/London').toISOString()).toBe(
      '2027-01-04T10:00:00.000Z',
    );
  });

  it('[C25] 2 working days across the week the clocks go back keep the local time of day', () => {
    // Friday 23 October 2026 17:00 BST (16:00Z); clocks go back on Sunday 25 October.
    const friday = at('2026-10-23T16:00:00Z');
    const result = addWorkingDays(friday, 2, none, 'Europe/London');
    // Tuesday 27 October 17:00 GMT = 17:00Z: 97 elapsed hours, not 96.
    expect(result.toISOString()).toBe('2026-10-27T17:00:00.000Z');
    expect(formatInZone(result, 'Europe/London')).toBe('27 October 2026, 17:00 (Europe/London)');
  });

  it('[C25] 2 working days across the week the clocks go forward keep the local time of day', () => {
    // Friday 27 March 2026 09:00 GMT; clocks go forward on Sunday 29 March.
    const result = addWorkingDays(at('2026-03-27T09:00:00Z'), 2, none, 'Europe/London');
    expect(result.toISOString()).toBe('2026-03-31T08:00:00.000Z'); // 09:00 BST
  });

  it('counts working days in the given zone, not in UTC', () => {
    // 23:30 UTC on Friday 20 November 2026 is already Saturday 07:30 in Singapore.
    const instant = at('2026-11-20T23:30:00Z');
    expect(addWorkingDays(instant, 1, none, 'UTC').toISOString()).toBe('2026-11-23T23:30:00.000Z');
    // From Saturday in Singapore, the first working day is Monday 23rd (07:30 local = 23:30Z on the 22nd).
    expect(addWorkingDays(instant, 1, none, 'Asia/Singapore').toISOString()).toBe('2026-11-22T23:30:00.000Z');
  });

  it('a holiday is a day in the zone: 31 August is skipped in London', () => {
    const friday = at('2026-08-28T08:00:00Z');
    expect(addWorkingDays(friday, 1, ['2026-08-31'], 'Europe/London').toISOString()).toBe(
      '2026-09-01T08:00:00.000Z',
    );
  });

  it('0 working days is the same instant; negative counts go backwards', () => {
    const monday = at('2026-11-23T10:00:00Z');
    expect(addWorkingDays(monday, 0, none, 'Europe/London').toISOString()).toBe(monday.toISOString());
    expect(addWorkingDays(monday, -1, none, 'Europe/London').toISOString()).toBe('2026-11-20T10:00:00.000Z');
  });

  it('refuses fractional counts and malformed holidays', () => {
    expect(() => addWorkingDays(at('2026-11-23T10:00:00Z'), 1.5, none, 'UTC')).toThrow(RangeError);
    expect(() => addWorkingDays(at('2026-11-23T10:00:00Z'), 1, ['25/12/2026'], 'UTC')).toThrow(RangeError);
  });

  it('always lands on a working day, after the start, at the same local time (property)', () => {
    const holidays = ['2026-08-31', '2026-12-25', '2026-12-26', '2027-01-01'];
    const zones = ['Europe/London', 'Asia/Singapore', 'UTC', 'America/New_York'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(...zones),
        (ms, n, zone) => {
          // Whole minutes at 06:00..21:59 local never fall into a DST gap in these zones.
          const from = new Date(ms - (ms % 60000));
          const result = addWorkingDays(from, n, holidays, zone);
          expect(result.getTime()).toBeGreaterThan(from.getTime());
          expect(isWorkingDay(result, holidays, zone)).toBe(true);
          const a = formatInZone(from, zone).split(', ')[1];
          const b = formatInZone(result, zone).split(', ')[1];
          const hour = Number(a.slice(0, 2));
          if (hour >= 6 && hour < 22) expect(b).toBe(a);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('daysLeft', () => {
  it('[C21] counts whole calendar days to the deadline: 0 on the day, negative after', () => {
    const tz = 'Europe/London';
    expect(daysLeft(at('2026-09-19T12:00:00Z'), '2026-09-20', tz)).toBe(1);
    expect(daysLeft(at('2026-09-20T00:00:00Z'), '2026-09-20', tz)).toBe(0);
    expect(daysLeft(at('2026-09-20T22:59:59Z'), '2026-09-20', tz)).toBe(0);
    expect(daysLeft(at('2026-09-20T23:00:00Z'), '2026-09-20', tz)).toBe(-1); // midnight BST on the 21st
    expect(daysLeft(at('2026-11-22T10:00:00Z'), '2026-09-20', tz)).toBe(-63);
  });

  it('[C21] uses the local date in the zone (Singapore is already on the next day)', () => {
    const now = at('2027-02-25T18:00:00Z'); // 26 Feb 02:00 in Singapore
    expect(daysLeft(now, '2027-02-26', 'Asia/Singapore')).toBe(0);
    expect(daysLeft(now, '2027-02-26', 'UTC')).toBe(1);
  });

  it('is not thrown off by a DST change in between', () => {
    // From 24 October (BST) to 2 November (GMT): 9 calendar days although 217 hours pass.
    expect(daysLeft(at('2026-10-24T23:30:00Z'), '2026-11-03', 'Europe/London')).toBe(9);
    expect(daysLeft(at('2026-11-22T09:00:00Z'), '2027-02-26', 'Europe/London')).toBe(96);
  });
});

describe('formatInZone and friends', () => {
  it('shows an instant in the zone with the zone named', () => {
    const deadline = endOfDayInZone('2026-09-20', 'Europe/London');
    expect(formatInZone(deadline, 'Europe/London')).toBe('20 September 2026, 23:59 (Europe/London)');
    expect(formatInZone(deadline, 'Asia/Singapore')).toBe('21 September 2026, 06:59 (Asia/Singapore)');
    expect(formatInZone(at('2027-01-01T00:05:00Z'), 'UTC')).toBe('1 January 2027, 00:05 (UTC)');
  });

  it('gives the local day and a readable day', () => {
    expect(localDay(at('2026-11-21T20:00:00Z'), 'Asia/Singapore')).toBe('2026-11-22');
    expect(localDay(at('2026-11-21T20:00:00Z'), 'Europe/London')).toBe('2026-11-21');
    expect(formatDay('2027-02-26')).toBe('26 February 2027');
  });

  it('knows time zones', () => {
    expect(isValidTimeZone('Europe/London')).toBe(true);
    expect(isValidTimeZone('Asia/Singapore')).toBe(true);
    expect(isValidTimeZone('Not/AZone')).toBe(false);
  });
});

describe('parseDay', () => {
  it('accepts real dates written YYYY-MM-DD', () => {
    expect(parseDay('2026-09-20')).toBe('2026-09-20');
    expect(parseDay('2028-02-29')).toBe('2028-02-29');
    expect(parseDay(' 2026-09-20 ')).toBe('2026-09-20');
  });

  it('refuses impossible dates and other formats', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-04-31', '2026-00-10', '20-09-2026', '2026-9-20', '2026/09/20', '', '2026-09-20T00:00']) {
      expect(parseDay(bad)).toBeNull();
    }
  });

  it('round-trips every real day (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(parseDay(iso)).toBe(iso);
      }),
    );
  });
});
