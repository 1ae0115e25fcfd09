/**
 * Node entry: everything the main entry exports, plus `verifyAndNormalizeSync` over
 * `@relais/webhook-verify/node`'s synchronous `node:crypto` verification.
 *
 * @module
 */
import { verifySync } from "@relais/webhook-verify/node";
import type { NormalizedEvent } from "./event.js";
import { normalize } from "./normalize.js";
import { normalizeInputOf, type VerifyDeliveryInput, verifyOptionsFor } from "./verify.js";

export * from "./index.js";

/**
 * Synchronous {@link verifyAndNormalize} for Node: throws `WebhookVerificationError` when the
 * delivery is not authentic, `InteropError` when it cannot be normalized.
 *
 * @example
 * import { verifyAndNormalizeSync } from "@relais/interop-mappings/node";
 * const event = verifyAndNormalizeSync({ platform: "woocommerce", body: req.body, headers: req.headers, secret });
 */
export function verifyAndNormalizeSync(input: VerifyDeliveryInput): NormalizedEvent {
  verifySync(verifyOptionsFor(input));
  return normalize(normalizeInputOf(input));
}
