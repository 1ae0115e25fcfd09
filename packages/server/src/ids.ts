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
  "hr",
  "dec",
  "apt",
  "apa",
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

// Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of one per id.
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function freshRandom(): number[] {
  if (poolOffset + RANDOM_CHARS > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const digits: number[] = [];
  // 256 is a multiple of 32, so `byte % 32` is uniform.
  for (let index = 0; index < RANDOM_CHARS; index += 1) digits.push((pool[poolOffset + index] ?? 0) % 32);
  poolOffset += RANDOM_CHARS;
  return digits;
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
  let pattern = idPatterns.get(prefix);
  if (!pattern) {
    pattern = new RegExp(`^${prefix}_[${ALPHABET}]{${TIME_CHARS + RANDOM_CHARS}}$`);
    idPatterns.set(prefix, pattern);
  }
  return pattern.test(value);
}

const idPatterns = new Map<IdPrefix, RegExp>();

/**
 * The smallest id with this prefix created at `time` or later: ids sort by creation time, so
 * `id >= idAtTime(p, since) and id < idAtTime(p, until)` selects a time window on the primary
 * key's order, with no index on the creation time.
 */
export function idAtTime(prefix: IdPrefix, time: Date): string {
  return `${prefix}_${encodeTime(Math.max(0, time.getTime()))}${"0".repeat(RANDOM_CHARS)}`;
}
