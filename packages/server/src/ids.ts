import { randomBytes } from "node:crypto";

/** The prefix of every kind of id the API hands out, so an id says what it names. */
export const idPrefixes = [
  "acct",
  "usr",
  "app",
  "key",
  "aud",
  "req",
  "we",
  "evt",
  "msg",
  "att",
  "plg",
  "cmd",
  "inc",
  "enr",
  "con",
  "map",
  "iev",
] as const;

/** One of {@link idPrefixes}. */
export type IdPrefix = (typeof idPrefixes)[number];

// Crockford base32 in lower case: no i, l, o, u, so ids read aloud and copy cleanly.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(time: number): string {
  let out = "";
  let rest = time;
  for (let index = 0; index < TIME_CHARS; index += 1) {
    out = ALPHABET.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function freshRandom(): number[] {
  return [...randomBytes(RANDOM_CHARS)].map((byte) => byte % 32);
}

// Within one millisecond the random part counts up, so ids stay strictly increasing.
function nextRandom(time: number): number[] {
  if (time > lastTime) {
    lastTime = time;
    lastRandom = freshRandom();
    return lastRandom;
  }
  const next = [...lastRandom];
  for (let index = next.length - 1; index >= 0; index -= 1) {
    const digit = next[index] ?? 0;
    if (digit < 31) {
      next[index] = digit + 1;
      lastRandom = next;
      return next;
    }
    next[index] = 0;
  }
  // 2^80 ids in one millisecond cannot happen; borrowing the next millisecond keeps order anyway.
  lastTime += 1;
  lastRandom = freshRandom();
  return lastRandom;
}

/**
 * A new id such as `app_01j9zk4m5q8h2c7x3v6t0b1n4r`: the prefix, 10 characters of millisecond
 * time and 16 of randomness (a ULID in lower-case Crockford base32). Ids sort in creation order
 * within a process, and by time across processes.
 *
 * @example
 * newId("app"); // "app_01j9zk…"
 */
export function newId(prefix: IdPrefix): string {
  const time = Math.max(Date.now(), lastTime);
  const random = nextRandom(time);
  return `${prefix}_${encodeTime(lastTime)}${random.map((digit) => ALPHABET.charAt(digit)).join("")}`;
}

/** A zod-friendly test: does `value` look like an id with this prefix? */
export function isId(prefix: IdPrefix, value: string): boolean {
  return new RegExp(`^${prefix}_[${ALPHABET}]{${TIME_CHARS + RANDOM_CHARS}}$`).test(value);
}
