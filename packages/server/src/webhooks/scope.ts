import type { AuthContext } from "../http/auth/context.js";

/** Which webhook rows a caller may see: one account, one mode, and for app-bound keys one app. */
export interface WebhookScope {
  accountId: string;
  livemode: boolean;
  appId: string | null;
}

/** The scope of an authenticated caller. */
export function webhookScope(auth: AuthContext): WebhookScope {
  return { accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId };
}

/** The NOTIFY channel that wakes delivery workers when messages become due. */
export const MESSAGES_CHANNEL = "relais_webhook_messages";
