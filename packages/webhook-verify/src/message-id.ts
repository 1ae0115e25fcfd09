import { encodeHex } from "./encoding.js";

/** A random Standard Webhooks message id (`msg_` and 128 random bits), for senders that bring none. */
export function newMessageId(): string {
  return `msg_${encodeHex(globalThis.crypto.getRandomValues(new Uint8Array(16)))}`;
}
