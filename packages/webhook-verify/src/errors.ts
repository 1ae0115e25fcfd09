/**
 * Why a webhook was rejected. Stable across releases: log it, branch on it, return it to the sender.
 *
 * - `missing_header`: a header the scheme requires is absent.
 * - `malformed_header`: a header is present but does not follow the scheme's grammar.
 * - `invalid_signature`: no signature in the request matches any of the secrets.
 * - `timestamp_too_old`: the signature is valid but older than the tolerance (a replay, or a slow queue).
 * - `timestamp_in_future`: the signature is valid but dated beyond the tolerance (clock skew).
 * - `invalid_secret`: a configured secret cannot be used (empty, bad encoding, wrong key type).
 * - `unsupported_scheme`: the `scheme` option names no scheme this package knows.
 */
export type WebhookVerificationErrorCode =
  | "missing_header"
  | "malformed_header"
  | "invalid_signature"
  | "timestamp_too_old"
  | "timestamp_in_future"
  | "invalid_secret"
  | "unsupported_scheme";

/**
 * Thrown when a webhook cannot be verified. Branch on {@link WebhookVerificationError.code};
 * the message is for humans and never contains a secret.
 *
 * These errors carry no stack trace: they describe the request, not a bug in the code, and
 * capturing one costs more than the HMAC itself, which would make rejecting a flood of forged
 * requests slower than accepting genuine ones.
 *
 * @example
 * ```ts
 * try {
 *   await verify({ scheme: "stripe", payload, headers, secret });
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) console.warn("rejected webhook:", error.code);
 *   else throw error;
 * }
 * ```
 */
export class WebhookVerificationError extends Error {
  /** The stable reason code. */
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    const stackTraceLimit = Error.stackTraceLimit;
    // Reflect.set instead of assignment: it fails quietly where intrinsics are frozen.
    if (typeof stackTraceLimit === "number") Reflect.set(Error, "stackTraceLimit", 0);
    super(message);
    if (typeof stackTraceLimit === "number") Reflect.set(Error, "stackTraceLimit", stackTraceLimit);
    this.code = code;
  }
}

// On the prototype rather than per instance: one property write less on the rejection path.
Object.defineProperty(WebhookVerificationError.prototype, "name", {
  value: "WebhookVerificationError",
  writable: true,
  configurable: true,
});
