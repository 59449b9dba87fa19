// The emails of student accounts (D2, D6, D7, D9): plain text, each with the student's personal activation link (a
// random token; typed codes are for the export's slips). Built once, stored in the outbox with the account's key.

export interface ActivationEmailFacts {
  to: string;
  firstName: string;
  centreName: string;
  url: string;
  expiresAt: Date;
  reason: 'welcome' | 'reactivated';
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function activationEmail(f: ActivationEmailFacts): { to: string; subject: string; text: string } {
  const opening =
    f.reason === 'welcome'
      ? `${f.centreName} has registered you for results analysis: your component marks, percentages and grades.`
      : `${f.centreName} has reactivated your results analysis account. Earlier activation links and codes no longer work.`;
  return {
    to: f.to,
    subject: f.reason === 'welcome' ? 'Welcome: activate your results analysis account' : 'Your results analysis account was reactivated: activate it again',
    text: [
      `Dear ${f.firstName},`,
      '',
      opening,
      '',
      'To activate your account, open your personal link:',
      f.url,
      '',
      'You will be asked for your date of birth and to choose a password.',
      '',
      `The link works once, until ${day(f.expiresAt)}. Do not share it.`,
      '',
      'If you were not expecting this email, you can ignore it.',
    ].join('\n'),
  };
}
