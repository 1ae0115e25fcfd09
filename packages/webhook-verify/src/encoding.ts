// Byte encodings the schemes put on the wire. Written here rather than borrowed from Buffer or
// atob/btoa so that the main entry runs unchanged on edge runtimes, and so that decoding is
// strict: a garbled signature or secret is reported, never silently repaired.

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUES = new Int8Array(128).fill(-1);
for (let index = 0; index < BASE64_ALPHABET.length; index++) {
  BASE64_VALUES[BASE64_ALPHABET.charCodeAt(index)] = index;
}

const HEX_DIGITS = "0123456789abcdef";

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Standard base64 (RFC 4648 §4) with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  let text = "";
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const triple = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    text +=
      BASE64_ALPHABET[triple >> 18]! +
      BASE64_ALPHABET[(triple >> 12) & 63]! +
      BASE64_ALPHABET[(triple >> 6) & 63]! +
      BASE64_ALPHABET[triple & 63]!;
  }
  const rest = bytes.length - index;
  if (rest === 1) {
    const single = bytes[index]!;
    text += BASE64_ALPHABET[single >> 2]! + BASE64_ALPHABET[(single & 3) << 4]! + "==";
  } else if (rest === 2) {
    const pair = (bytes[index]! << 8) | bytes[index + 1]!;
    text +=
      BASE64_ALPHABET[pair >> 10]! + BASE64_ALPHABET[(pair >> 4) & 63]! + BASE64_ALPHABET[(pair & 15) << 2]! + "=";
  }
  return text;
}

/**
 * Decodes canonical standard base64 (RFC 4648 §4, padded) from `text`, or from its part
 * `[start, stop)` without slicing it out. Returns `undefined` for anything else (other
 * characters, missing padding, stray bits after the last byte), so that each byte string has
 * exactly one accepted encoding.
 */
export function decodeBase64(text: string, start = 0, stop = text.length): Uint8Array<ArrayBuffer> | undefined {
  if ((stop - start) % 4 !== 0) return undefined;
  let end = stop;
  if (end > start && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (end > start && text.charCodeAt(end - 1) === 61) end--;
  const tail = (end - start) % 4;
  if (tail === 1) return undefined;

  const bytes = new Uint8Array(((end - start) * 3) >> 2);
  const whole = end - tail;
  let written = 0;
  for (let index = start; index < whole; index += 4) {
    const quad = decodeQuad(text, index, 4);
    if (quad < 0) return undefined;
    bytes[written++] = quad >> 16;
    bytes[written++] = (quad >> 8) & 0xff;
    bytes[written++] = quad & 0xff;
  }
  if (tail === 0) return bytes;
  const last = decodeQuad(text, whole, tail);
  // The bits past the last whole byte must be zero.
  if (last < 0 || (last & (tail === 2 ? 0xffff : 0xff)) !== 0) return undefined;
  bytes[written++] = last >> 16;
  if (tail === 3) bytes[written] = (last >> 8) & 0xff;
  return bytes;
}

/** 24 bits from up to four base64 characters at `index` (missing ones count as zero), or -1. */
function decodeQuad(text: string, index: number, count: number): number {
  const c0 = text.charCodeAt(index);
  const c1 = text.charCodeAt(index + 1);
  const c2 = count > 2 ? text.charCodeAt(index + 2) : 65; /* A */
  const c3 = count > 3 ? text.charCodeAt(index + 3) : 65;
  if ((c0 | c1 | c2 | c3) > 127) return -1;
  const a = BASE64_VALUES[c0]!;
  const b = BASE64_VALUES[c1]!;
  const c = BASE64_VALUES[c2]!;
  const d = BASE64_VALUES[c3]!;
  if ((a | b | c | d) < 0) return -1;
  return (a << 18) | (b << 12) | (c << 6) | d;
}

/** Lower-case hexadecimal. */
export function encodeHex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
  return text;
}

/** Decodes hexadecimal in either case; `undefined` for odd lengths or other characters. */
export function decodeHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 2 !== 0) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let index = 0; index < bytes.length; index++) {
    const high = hexValue(text.charCodeAt(2 * index));
    const low = hexValue(text.charCodeAt(2 * index + 1));
    if (high < 0 || low < 0) return undefined;
    bytes[index] = (high << 4) | low;
  }
  return bytes;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** UTF-8 bytes of a string. */
export function encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text);
}

/** The string UTF-8 bytes spell; invalid sequences become U+FFFD, as in every HTTP stack. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/**
 * Compares two byte strings in time that depends only on their lengths, which are public
 * (every signature of a scheme has the same length).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}

/** `head` followed by `tail` in one new buffer. */
export function concatBytes(head: Uint8Array, tail: Uint8Array): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head, 0);
  joined.set(tail, head.length);
  return joined;
}
