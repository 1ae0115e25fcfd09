import type { Scope } from "./scopes.js";

/** Who is calling, for which account and mode, with what permissions: set by the auth middleware. */
export interface AuthContext {
  accountId: string;
  /** Live or test data: a request only ever reads and writes rows of its own mode. */
  livemode: boolean;
  actor: { type: "api_key" | "user" | "system"; id: string };
  scopes: readonly Scope[];
  /** Set for keys created under an app: such a key sees only that app. */
  appId: string | null;
  /** The visible prefix of the API key used (for logs), if any. */
  keyPrefix: string | null;
  /** Per-key limits on top of the server-wide one; `null` when not set. */
  quota: { perMinute: number | null; perDay: number | null };
}
