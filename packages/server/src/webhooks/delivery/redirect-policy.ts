/**
 * Redirect statuses a delivery follows. 307 and 308 promise the same method and body, so the
 * signed POST can be replayed as is; 301/302/303 let clients turn the POST into a GET without
 * the payload, so they count as failures, as every other 3xx does.
 */
export const FOLLOWED_REDIRECT_STATUSES: ReadonlySet<number> = new Set([307, 308]);

/** What to do with a 3xx response. */
export type RedirectDecision =
  | { follow: true; url: URL; crossOrigin: boolean }
  | { follow: false; errorClass: "redirect" | "redirect_limit"; message: string };

/** Input of {@link decideRedirect}. */
export interface RedirectContext {
  /** The URL that answered with the 3xx. */
  from: URL;
  statusCode: number;
  location: string | undefined;
  /** Redirects already followed in this attempt. */
  followed: number;
  maxRedirects: number;
}

function refuse(message: string): RedirectDecision {
  return { follow: false, errorClass: "redirect", message };
}

/**
 * Decides whether a delivery follows a 3xx. Followed: 307/308 with a Location that is http(s),
 * has no credentials and does not downgrade https to http, up to `maxRedirects`. The target's
 * address is checked later, when the guarded agent connects to it.
 */
export function decideRedirect(context: RedirectContext): RedirectDecision {
  const { from, statusCode, location } = context;
  if (!FOLLOWED_REDIRECT_STATUSES.has(statusCode)) {
    return refuse(`endpoint answered ${statusCode}; only 307 and 308 redirects are followed`);
  }
  if (context.followed >= context.maxRedirects) {
    return {
      follow: false,
      errorClass: "redirect_limit",
      message: `more than ${context.maxRedirects} redirects`,
    };
  }
  if (location === undefined || location.trim() === "") {
    return refuse(`endpoint answered ${statusCode} without a Location header`);
  }
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    return refuse("redirect Location is not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return refuse(`redirect to unsupported scheme ${url.protocol.slice(0, -1)}`);
  }
  if (from.protocol === "https:" && url.protocol === "http:") {
    return refuse("redirect from https to http is not followed");
  }
  if (url.username !== "" || url.password !== "") {
    return refuse("redirect Location contains credentials");
  }
  url.hash = "";
  return { follow: true, url, crossOrigin: url.origin !== from.origin };
}
