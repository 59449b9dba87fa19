// The pure rules of the results website administration (RULES.md A4-A6) and the credential generators (A8).
import { PASSWORD_ALPHABET, PASSWORD_LENGTH, generatePassword, generateUsername } from '../../activities/credentials';
import { pdfTrailer } from '../../activities/letters/pdfPages';
import { zipDirectory } from '../../activities/letters/zipParts';
import { createLimiter } from '../../activities/resultsAccess';
import { accessSummary, checkAccessChoice, isValidEmail, isValidTelephone, resultsOpenAt } from '../../domain/resultsAccess';

const ctx = { resultsOpen: false, currentDelayMinutes: 0 };
const ok = { mode: 'ALL', agreement: true, contact: { name: 'Quinn Query', telephone: '+44 (0)20 7946-0000' }, delayMinutes: 0 };
const rules = (choice: Parameters<typeof checkAccessChoice>[0], c = ctx) => checkAccessChoice(choice, c).map((v) => `${v.rule} ${v.field}`);

describe('access choice', () => {
  it('[A4] accepts NO, ALL and SELECTED only', () => {
    expect(rules({ mode: 'NO' })).toEqual([]);
    expect(rules(ok)).toEqual([]);
    expect(rules({ ...ok, mode: 'SELECTED' })).toEqual([]);
    expect(rules({ ...ok, mode: 'some' })).toEqual(['A4 mode']);
  });

  it('[A5] ALL and Selected need the agreement and a contact with a valid telephone or email', () => {
    expect(rules({ mode: 'SELECTED' })).toEqual(['A5 agreement', 'A5 contact.name', 'A5 contact']);
    expect(rules({ ...ok, contact: { name: 'Q', email: 'q@centre.example' } })).toEqual(['A5 contact.name']);
    expect(rules({ ...ok, contact: { name: 'Quinn', email: 'q@centre.example' } })).toEqual([]);
    expect(rules({ ...ok, contact: { name: 'Quinn', telephone: '   ', email: '' } })).toEqual(['A5 contact']);
    expect(rules({ ...ok, contact: { name: 'Quinn', telephone: '12345' } })).toEqual(['A5 contact.telephone']);
    expect(isValidTelephone('+65 6123 4567')).toBe(true);
    expect(isValidTelephone('0800 CALL NOW')).toBe(false);
    expect(isValidEmail('queries@centre.example')).toBe(true);
    expect(isValidEmail('queries@centre')).toBe(false);
    expect(isValidEmail('two words@centre.example')).toBe(false);
  });

  it('[A6] the delay is whole minutes from 0 to 60 days, added to the release time, and fixed once results are open', () => {
    expect(rules({ ...ok, delayMinutes: 30 })).toEqual([]);
    expect(rules({ ...ok, delayMinutes: -1 })).toEqual(['A6 delayMinutes']);
    expect(rules({ ...ok, delayMinutes: 2.5 })).toEqual(['A6 delayMinutes']);
    expect(rules({ ...ok, delayMinutes: 60 * 24 * 60 + 1 })).toEqual(['A6 delayMinutes']);
    expect(rules({ ...ok, delayMinutes: 30 }, { resultsOpen: true, currentDelayMinutes: 0 })).toEqual(['A6 delayMinutes']);
    expect(rules({ ...ok, delayMinutes: 0 }, { resultsOpen: true, currentDelayMinutes: 0 })).toEqual([]);
    // Leaving the delay out keeps it, so NO stays possible after results opened with a delay.
    expect(rules({ mode: 'NO' }, { resultsOpen: true, currentDelayMinutes: 30 })).toEqual([]);
    expect(resultsOpenAt('2026-08-11T07:00:00.000Z', 90)).toBe('2026-08-11T08:30:00.000Z');
    expect(resultsOpenAt('2026-08-11T07:00:00.000Z', 0)).toBe('2026-08-11T07:00:00.000Z');
  });

  it('[A3] a series never configured reads "NO candidates have access"', () => {
    expect(accessSummary(null)).toBe('NO candidates have access');
    expect(accessSummary('SELECTED', 3)).toBe('Selected candidates have access (3 selected)');
  });
});

describe('credentials', () => {
  it('[A8] passwords have at least 10 characters from an alphabet without look-alikes, uniformly', () => {
    expect(PASSWORD_LENGTH).toBeGreaterThanOrEqual(10);
    for (const ch of '0O1lIo') expect(PASSWORD_ALPHABET).not.toContain(ch);
    const counts = new Map<string, number>();
    const passwords = Array.from({ length: 4000 }, () => generatePassword());
    expect(new Set(passwords).size).toBe(passwords.length);
    for (const p of passwords) {
      expect(p).toHaveLength(PASSWORD_LENGTH);
      for (const ch of p) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    // 48,000 characters over 55 symbols: about 873 each; a biased generator would stray far from that.
    expect(counts.size).toBe(PASSWORD_ALPHABET.length);
    for (const n of counts.values()) expect(Math.abs(n - 48000 / 55)).toBeLessThan(150);
    expect(() => generatePassword(9)).toThrow();
  });

  it('[A8] usernames are two words and four digits, easy to read aloud', () => {
    const names = Array.from({ length: 1000 }, generateUsername);
    for (const u of names) expect(u).toMatch(/^[a-z]+-[a-z]+-[1-9]\d{3}$/);
    expect(new Set(names).size).toBeGreaterThan(990);
  });

  it('the hashing limiter never runs more than its slots at once', async () => {
    const limit = createLimiter(2);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        limit(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 2));
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});

describe('letter files', () => {
  it('[A9] a zip of more than 65,535 letters gets ZIP64 end records, so there is no limit on candidates', () => {
    const entries = Array.from({ length: 70_000 }, (_, i) => ({ name: `${String(i).padStart(5, '0')}.pdf`, crc: i, size: 69_000, offset: i * 70_000 }));
    const tail = zipDirectory(entries, 70_000 * 70_000, new Date('2026-11-22T06:00:00Z'));
    const eocd = tail.subarray(tail.length - 22);
    expect(eocd.readUInt32LE(0)).toBe(0x06054b50);
    expect(eocd.readUInt16LE(10)).toBe(0xffff);
    const locator = tail.subarray(tail.length - 42, tail.length - 22);
    expect(locator.readUInt32LE(0)).toBe(0x07064b50);
    const e64 = tail.subarray(tail.length - 98, tail.length - 42);
    expect(e64.readUInt32LE(0)).toBe(0x06064b50);
    expect(Number(e64.readBigUInt64LE(32))).toBe(70_000);
    // An entry beyond 4 GiB carries its offset in a ZIP64 extra field.
    expect(tail.indexOf(Buffer.from([0x01, 0x00, 0x08, 0x00]))).toBeGreaterThan(0);
  });

  it('[A9] the PDF trailer lists a cross-reference subsection per batch part and the pages in order', () => {
    const trailer = pdfTrailer(
      [
        { start: 15, base: 3, offsets: [0, 100, 250], pages: [3, 4] },
        { start: 400, base: 4259, offsets: [0, 90], pages: [4259] },
      ],
      600,
    ).toString('latin1');
    expect(trailer).toContain('/Count 3 /Kids [3 0 R 4 0 R 4259 0 R]');
    expect(trailer).toContain('3 3\n0000000015 00000 n\r\n0000000115 00000 n\r\n0000000265 00000 n\r\n');
    expect(trailer).toContain('4259 2\n0000000400 00000 n\r\n0000000490 00000 n\r\n');
    expect(trailer).toContain('/Size 4261 /Root 1 0 R');
  });
});
