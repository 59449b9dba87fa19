import fc from 'fast-check';
import { checkChosenPassword, isLocked, isValidEmail, mayUnlock, normaliseSecretNumber, signInName } from '../../domain/portalAccounts';

describe('sign-in names', () => {
  it('[B2] surrounding spaces and case never change which account a username or email names', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9.@-]{1,30}$/), fc.stringMatching(/^ {0,3}$/), fc.stringMatching(/^ {0,3}$/), (name, before, after) => {
        expect(signInName(`${before}${name.toUpperCase()}${after}`)).toEqual(signInName(name));
      }),
    );
  });

  it('[B1] a name with @ is a registered account’s email; anything else is a letter’s username', () => {
    expect(signInName(' Ann@Mail.Example ')).toEqual({ kind: 'email', value: 'ann@mail.example' });
    expect(signInName('amber-heron-4821')).toEqual({ kind: 'username', value: 'amber-heron-4821' });
  });

  it('[B1] a Secret Number may be typed with spaces or dashes between its digits', () => {
    expect(normaliseSecretNumber(' 4071-8254 ')).toBe('40718254');
    expect(normaliseSecretNumber('4071 8254')).toBe('40718254');
  });

  it('[B1] emails need a local part, a domain and a top-level domain', () => {
    expect(isValidEmail('a@b.example')).toBe(true);
    expect(isValidEmail('a@b')).toBe(false);
    expect(isValidEmail('a b@c.example')).toBe(false);
  });
});

describe('chosen passwords', () => {
  it('[B4] a chosen password has at least 10 characters, at most 200, and no spaces around it, naming the rule', () => {
    expect(checkChosenPassword('short', 'B4')).toEqual([expect.objectContaining({ rule: 'B4', field: 'password' })]);
    expect(checkChosenPassword('x'.repeat(201), 'B8')).toEqual([expect.objectContaining({ rule: 'B8' })]);
    expect(checkChosenPassword(' ten chars here', 'B1')).toHaveLength(1);
    expect(checkChosenPassword('Ten Chars Here', 'B1')).toEqual([]);
  });
});

describe('locks', () => {
  it('[B3] an account is locked until the instant its lock ends, and unlocked from that instant', () => {
    const until = new Date('2026-08-13T08:30:00Z');
    expect(isLocked(until, new Date(until.getTime() - 1))).toBe(true);
    expect(isLocked(until, until)).toBe(false);
    expect(isLocked(null, until)).toBe(false);
  });

  it('[B3] board staff unlock anyone; centre staff only their own centre’s candidates; nobody else', () => {
    const letter = { accountKind: 'candidate-letter' as const, centreNumber: 'GB001' };
    const registered = { accountKind: 'candidate-account' as const, centreNumber: 'GB001' };
    const teacher = { accountKind: 'user' as const, centreNumber: 'GB001' };
    const officer = { roles: ['exams_officer' as const], centreNumber: 'GB001' };
    const elsewhere = { roles: ['exams_officer' as const], centreNumber: 'GB002' };
    const board = { roles: ['board_staff' as const], centreNumber: null };
    const teacherUser = { roles: ['teacher' as const], centreNumber: 'GB001' };
    expect([letter, registered, teacher].map((l) => mayUnlock(board, l))).toEqual([true, true, true]);
    expect([letter, registered, teacher].map((l) => mayUnlock(officer, l))).toEqual([true, true, false]);
    expect([letter, registered, teacher].map((l) => mayUnlock(elsewhere, l))).toEqual([false, false, false]);
    expect([letter, registered, teacher].map((l) => mayUnlock(teacherUser, l))).toEqual([false, false, false]);
  });
});
