import { hash } from '@node-rs/argon2';

/** @node-rs/argon2's Algorithm.Argon2id; its const enum cannot be imported under isolatedModules. */
const ARGON2ID = 2;

/** argon2id with at least 19 MiB and 2 iterations (DESIGN rule 8; OWASP's minimum). */
export const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, ARGON2_OPTIONS);

/** Verified against when the account does not exist, so both answers take the same time. */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2F0tWq4cIoiDw7dOTu1/Tq6pV4Hn0O0XkBvTLGH9i7w';
