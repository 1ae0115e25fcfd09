/**
 * Node's fast path: synchronous `verifySync` and `signSync` over `node:crypto`, plus everything
 * the main entry exports, so one import serves a Node receiver.
 *
 * @example
 * ```ts
 * import { verifySync, WebhookVerificationError } from "@relais/webhook-verify/node";
 *
 * const webhook = verifySync({ scheme: "github", payload: rawBody, headers: req.headers, secret });
 * console.log(webhook.event, webhook.id);
 * ```
 *
 * @module
 */
export * from "./index.js";
export { signSync } from "./node/sign-sync.js";
export { verifySync } from "./node/verify-sync.js";
