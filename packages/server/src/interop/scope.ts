import type { AuthContext } from "../http/auth/context.js";
import type { InteropScope } from "./mappings/store.js";

/** Which interop rows a caller may see. Mappings belong to the account; connectors also to an app. */
export function interopScope(auth: AuthContext): InteropScope {
  return { accountId: auth.accountId, livemode: auth.livemode };
}
