// Candidates' results-website logins (A8, B11): readable usernames, passwords from a CSPRNG, argon2id hashes.
import { randomBytes } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import { and, eq, isNull } from 'drizzle-orm';
import { DUMMY_HASH } from '../api/passwords';
import type { Db } from '../db/client';
import { credentials, resultsAccess } from '../db/schema';

/** Letters and digits without look-alikes: no 0/O/o, no 1/l/I, so a password read off paper is typed right. */
export const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
/** 12 characters from 55: about 69 bits. */
export const PASSWORD_LENGTH = 12;

/** Uniform characters from the CSPRNG: bytes at or above the largest multiple of the alphabet size are dropped. */
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generatePassword(length = PASSWORD_LENGTH): string {
  if (length < 10) throw new RangeError('passwords have at least 10 characters');
  return randomString(PASSWORD_ALPHABET, length);
}

// Usernames are easy to read aloud: two short common words and four digits, e.g. "amber-heron-4821". The words are
// distinct when spoken and spelled the obvious way. 121 x 114 x 9000 = 124 million names; uniqueness across the
// board is the database's unique index, and a clash is simply drawn again.
const ADJECTIVES = (
  'amber apple azure bold brave brisk bronze calm candid cedar cheery clever cobalt coral cosy crimson crisp ' +
  'daring dusty eager early easy ember fancy fern fiery first fleet fluffy fond frank fresh frosty gentle giant ' +
  'glad golden grand grassy happy hardy hazel honest humble icy indigo ivory jade jolly jumbo keen kind large ' +
  'lemon level lilac lively lofty lucky lunar maple marine mellow merry mighty mint misty modest noble north ' +
  'oaken ocean olive orange patient peach pearl plain plucky polar proud purple quick quiet rapid ready rosy ' +
  'royal ruby rustic sandy scarlet shiny silent silver simple sleek smart snowy solar spicy steady still stormy ' +
  'sunny swift tidy topaz tranquil urban velvet vivid warm wavy west wild windy wise witty young zesty'
).split(' ');
const NOUNS = (
  'anchor badger beacon bear beaver bison breeze brook button cabin camel canyon castle cedar cliff cloud comet ' +
  'condor coyote crane creek dolphin dragon eagle falcon ferry finch forest fox garden gecko glacier harbor hawk ' +
  'heron hill island jaguar kayak kestrel koala lagoon lantern lark lemur leopard lion lizard llama lotus lynx ' +
  'magnet maple meadow meteor moose mountain nebula nutmeg oasis orbit orchard osprey otter owl panda panther ' +
  'parrot pebble pelican penguin pepper pilot pine planet pony prairie puffin quail rabbit raven reef ridge ' +
  'river robin rocket saddle salmon sparrow spruce squirrel stream summit swan thistle thunder tiger timber ' +
  'toucan tulip turtle valley violet walnut walrus willow wolf wombat yak zebra canoe compass harp igloo'
).split(' ');

export function generateUsername(): string {
  const [a, b, c, d] = randomBytes(4);
  const number = 1000 + (((c << 8) | d) % 9000); // a slight bias among 4-digit numbers is harmless in a username
  return `${ADJECTIVES[a % ADJECTIVES.length]}-${NOUNS[b % NOUNS.length]}-${number}`;
}

export interface LoginCheck {
  ok: boolean;
  candidateId: string | null;
  seriesId: string | null;
  /** Whether results are open to the candidate yet (release time plus the centre's delay, A6 and B5). */
  viewable: boolean;
}

/**
 * Checks a candidate's username and password (B1, B2): the username ignores surrounding spaces and case, the
 * password is compared exactly. A revoked login (A7, A12) or a replaced password (B11) fails; an unknown username
 * costs the same argon2 work as a known one.
 */
export async function verifyCandidateLogin(db: Db, username: string, password: string): Promise<LoginCheck> {
  const [row] = await db
    .select({ candidateId: credentials.candidateId, seriesId: credentials.seriesId, hash: credentials.passwordHash, viewableAt: resultsAccess.viewableAt })
    .from(credentials)
    .leftJoin(resultsAccess, and(eq(resultsAccess.centreNumber, credentials.centreNumber), eq(resultsAccess.seriesId, credentials.seriesId)))
    .where(and(eq(credentials.username, username.trim().toLowerCase()), isNull(credentials.revokedAt)));
  const ok = await verify(row?.hash ?? DUMMY_HASH, password).catch(() => false);
  if (!row || !ok) return { ok: false, candidateId: null, seriesId: null, viewable: false };
  return { ok: true, candidateId: row.candidateId, seriesId: row.seriesId, viewable: row.viewableAt !== null };
}
