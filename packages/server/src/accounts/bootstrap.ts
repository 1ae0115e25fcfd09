import { recordChange } from "../audit/change.js";
import type { Database } from "../db/database.js";
import { generateApiKeySecret, hashApiKeySecret, parseApiKeySecret } from "../api-keys/secret.js";
import { insertKey } from "../api-keys/store.js";
import { newId } from "../ids.js";
import { hasAccounts, insertBootstrapAccount, insertUser } from "./store.js";

// Any constant shared by every Relais process; distinct from the migration lock.
const BOOTSTRAP_LOCK_KEY = 7_261_530_115;

/** What the first start created. */
export interface BootstrapResult {
  accountId: string;
  keyId: string;
  /** The admin key when the server generated it (print it once); `undefined` when it came from config. */
  generatedKey: string | undefined;
}

/**
 * On an empty database, creates the owner account, its owner user and an admin API key with
 * every scope (`RELAIS_BOOTSTRAP_KEY` or a generated `rk_test_…`). Does nothing once an account
 * exists. An advisory lock serialises concurrent first starts, and a unique index backs it up.
 *
 * @returns what it created, or `undefined` when the database was already set up.
 */
export async function bootstrapAccount(
  db: Database,
  hashingKey: Uint8Array,
  configuredKey: string | undefined,
): Promise<BootstrapResult | undefined> {
  return db.withAdvisoryLock(BOOTSTRAP_LOCK_KEY, async () => {
    if (await hasAccounts(db)) return undefined;
    const configured = configuredKey ? parseApiKeySecret(configuredKey) : undefined;
    const admin = configured ?? generateApiKeySecret(false);
    return db.transaction(async (tx) => {
      const account = await insertBootstrapAccount(tx, newId("acct"), "Owner account");
      const ownerId = newId("usr");
      await insertUser(tx, { id: ownerId, accountId: account.id, email: null, role: "owner" });
      const key = await insertKey(
        tx,
        {
          id: newId("key"),
          account_id: account.id,
          livemode: admin.livemode,
          app_id: null,
          name: "Admin key (first start)",
          prefix: admin.prefix,
          scopes: ["*"],
          expires_at: null,
          quota_per_minute: null,
          quota_per_day: null,
        },
        hashApiKeySecret(hashingKey, admin.secret),
      );
      const context = {
        auth: {
          accountId: account.id,
          livemode: admin.livemode,
          actor: { type: "system" as const, id: "bootstrap" },
          scopes: [],
          appId: null,
          keyPrefix: null,
          quota: { perMinute: null, perDay: null },
        },
        request: { requestId: "bootstrap", ip: null },
      };
      await recordChange(tx, context, { action: "account.created", targetId: account.id, before: null, after: account });
      await recordChange(tx, context, { action: "api_key.created", targetId: key.id, before: null, after: key });
      return { accountId: account.id, keyId: key.id, generatedKey: configured ? undefined : admin.secret };
    });
  });
}
