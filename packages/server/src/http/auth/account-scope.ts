import type { AuthContext } from "./context.js";

/** Rows that belong to an account in one mode, whatever app the caller's key is bound to. */
export interface AccountScope {
  accountId: string;
  livemode: boolean;
}

/** The account scope of an authenticated caller. */
export function accountScope(auth: AuthContext): AccountScope {
  return { accountId: auth.accountId, livemode: auth.livemode };
}
