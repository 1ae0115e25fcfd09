import { isIP } from "node:net";
import { isForbiddenAddress } from "./address-policy.js";

/** Why an endpoint URL was refused. */
export type WebhookUrlErrorCode = "invalid_url" | "insecure_scheme" | "forbidden_address";

/** The outcome of {@link validateWebhookUrl}. */
export type WebhookUrlValidation =
  | { ok: true; url: URL }
  | { ok: false; code: WebhookUrlErrorCode; message: string };

/** Options for {@link validateWebhookUrl}. */
export interface WebhookUrlOptions {
  /** `RELAIS_WEBHOOK_ALLOW_PRIVATE`: permits `http` and private, loopback and other internal targets. */
  allowPrivate: boolean;
}

const MAX_URL_LENGTH = 2048;

function refuse(code: WebhookUrlErrorCode, message: string): WebhookUrlValidation {
  return { ok: false, code, message };
}

/** The hostname without IPv6 brackets or a trailing root dot, lower-cased by the URL parser. */
function bareHostname(url: URL): string {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/**
 * Checks an endpoint URL when it is created or updated. Addresses behind a hostname are checked
 * again at connect time by the delivery agent; this catches what can be known now.
 *
 * Rules: `https` only (`http` too with `allowPrivate`), no credentials, no fragment, any port.
 * An IP-literal host, and `localhost` names, are judged by the address policy unless
 * `allowPrivate` is set.
 *
 * @example
 * const checked = validateWebhookUrl("https://hooks.example.com/relais", { allowPrivate: false });
 * if (!checked.ok) throw new ProblemError(422, checked.code, checked.message);
 */
export function validateWebhookUrl(input: string, options: WebhookUrlOptions): WebhookUrlValidation {
  if (input.length > MAX_URL_LENGTH) {
    return refuse("invalid_url", `URL is longer than ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return refuse("invalid_url", "not an absolute URL");
  }
  if (url.protocol === "http:") {
    if (!options.allowPrivate) return refuse("insecure_scheme", "URL must use https");
  } else if (url.protocol !== "https:") {
    return refuse("invalid_url", `scheme ${url.protocol.slice(0, -1)} is not supported; use https`);
  }
  if (url.username !== "" || url.password !== "") {
    return refuse("invalid_url", "URL must not contain credentials; use endpoint headers instead");
  }
  // `https://host/#` has an empty `hash` but still a fragment delimiter.
  if (url.hash !== "" || url.href.endsWith("#")) {
    return refuse("invalid_url", "URL must not contain a fragment");
  }
  const host = bareHostname(url);
  if (host === "") return refuse("invalid_url", "URL has no host");
  if (options.allowPrivate) return { ok: true, url };

  if (isIP(host) !== 0) {
    const verdict = isForbiddenAddress(host);
    if (verdict.forbidden) {
      return refuse("forbidden_address", `address ${host} is in a forbidden range (${verdict.range})`);
    }
  } else if (host === "localhost" || host.endsWith(".localhost")) {
    // RFC 6761: these names always resolve to loopback.
    return refuse("forbidden_address", `host ${host} is a loopback name`);
  }
  return { ok: true, url };
}
