// The shape of the committed test vectors (test/vectors/*.json), shared by the generator and
// the test that replays them.
import type { WebhookScheme, WebhookVerificationErrorCode } from "../src/index.js";

export interface VectorFile {
  scheme: WebhookScheme;
  description: string;
  cases: VectorCase[];
}

export interface VectorCase {
  name: string;
  /** The raw body, as UTF-8 text. */
  payload: string;
  headers: Record<string, string>;
  secret: string | string[];
  /** The verifier's clock, in Unix seconds. */
  now: number;
  toleranceSeconds?: number;
  expected: ValidExpectation | InvalidExpectation;
}

export interface ValidExpectation {
  valid: true;
  id: string | null;
  /** Signed time in Unix seconds, for schemes that sign one. */
  timestamp: number | null;
  /** Scheme-specific result fields (topic, shopDomain, ping, webhookId, …). */
  fields?: Record<string, string | boolean | null>;
}

export interface InvalidExpectation {
  valid: false;
  code: WebhookVerificationErrorCode;
}
