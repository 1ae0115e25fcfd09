// Both implementations of each API behind one async signature, so each behaviour is tested on both.
import {
  sign,
  verify,
  type SignedHeaders,
  type SignOptions,
  type VerifiedWebhook,
  type VerifyOptions,
  type WebhookScheme,
} from "../src/index.js";
import { signSync, verifySync } from "../src/node.js";

export interface VerifyApi {
  name: string;
  verify<S extends WebhookScheme>(options: VerifyOptions<S>): Promise<VerifiedWebhook<S>>;
}

export const verifyApis: VerifyApi[] = [
  { name: "verify (Web Crypto)", verify },
  { name: "verifySync (node:crypto)", verify: async (options) => verifySync(options) },
];

export interface SignApi {
  name: string;
  sign<S extends WebhookScheme>(options: SignOptions<S>): Promise<SignedHeaders<S>>;
}

export const signApis: SignApi[] = [
  { name: "sign (Web Crypto)", sign },
  { name: "signSync (node:crypto)", sign: async (options) => signSync(options) },
];
