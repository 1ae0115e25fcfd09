import { type ChangeContext, recordChange } from "../audit/change.js";
import type { Database } from "../db/database.js";
import { findApp } from "../apps/store.js";
import type { AuthContext } from "../http/auth/context.js";
import { allowsAll, type Scope } from "../http/auth/scopes.js";
import type { PageRequest } from "../http/pagination.js";
import { ApiError, conflict, notFound, permissionDenied } from "../http/problem.js";
import { newId } from "../ids.js";
import { generateApiKeySecret, hashApiKeySecret } from "./secret.js";
import { type ApiKeyRow, findKey, insertKey, type KeyScope, listAppKeys, replaceSecret, revokeKey } from "./store.js";
import type { ApiKeyVerifier } from "./verifier.js";

/** Fields of a new key, already validated. */
export interface NewApiKey {
  name: string;
  scopes: Scope[];
  expiresAt: Date | null;
  quotaPerMinute: number | null;
  quotaPerDay: number | null;
}

/** A key together with the secret that was just made for it (shown to the caller once). */
export interface KeyWithSecret {
  key: ApiKeyRow;
  secret: string;
  previousSecretExpiresAt?: Date;
}

function scopeOf(auth: AuthContext): KeyScope {
  return { accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId };
}

/** The rules for API keys: creation within the creator's own scopes, rotation, revocation. */
export class ApiKeyService {
  constructor(
    private readonly db: Database,
    private readonly hashingKey: Uint8Array,
    private readonly verifier: ApiKeyVerifier,
  ) {}

  async create(context: ChangeContext, appId: string, input: NewApiKey): Promise<KeyWithSecret> {
    // No credential can mint a key stronger than itself.
    if (!allowsAll(context.auth.scopes, input.scopes)) {
      throw permissionDenied("A key cannot be given scopes its creator does not have");
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new ApiError(400, "invalid_request", "Invalid request", "The request body is invalid", [
        { path: "body.expires_at", code: "in_the_past", message: "must be in the future" },
      ]);
    }
    const fresh = generateApiKeySecret(context.auth.livemode);
    return this.db.transaction(async (tx) => {
      const app = await findApp(tx, scopeOf(context.auth), appId, true);
      if (!app) throw notFound("app", appId);
      const key = await insertKey(
        tx,
        {
          id: newId("key"),
          account_id: app.account_id,
          livemode: app.livemode,
          app_id: app.id,
          name: input.name,
          prefix: fresh.prefix,
          scopes: input.scopes,
          expires_at: input.expiresAt,
          quota_per_minute: input.quotaPerMinute,
          quota_per_day: input.quotaPerDay,
        },
        hashApiKeySecret(this.hashingKey, fresh.secret),
      );
      await recordChange(tx, context, { action: "api_key.created", targetId: key.id, before: null, after: key });
      return { key, secret: fresh.secret };
    });
  }

  async listForApp(auth: AuthContext, appId: string, page: PageRequest): Promise<ApiKeyRow[]> {
    if (!(await findApp(this.db, scopeOf(auth), appId))) throw notFound("app", appId);
    return listAppKeys(this.db, scopeOf(auth), appId, page);
  }

  /** A new secret for the key; the old one keeps working for `graceSeconds` (0: stops now). */
  async rotate(context: ChangeContext, keyId: string, graceSeconds: number): Promise<KeyWithSecret> {
    const result = await this.db.transaction(async (tx) => {
      const before = await findKey(tx, scopeOf(context.auth), keyId, true);
      if (!before) throw notFound("API key", keyId);
      if (before.revoked_at) throw conflict("A revoked key cannot be rotated");
      const fresh = generateApiKeySecret(before.livemode);
      const previousSecretExpiresAt = await replaceSecret(tx, before, hashApiKeySecret(this.hashingKey, fresh.secret), fresh.prefix, graceSeconds);
      const key = { ...before, prefix: fresh.prefix };
      await recordChange(tx, context, {
        action: "api_key.rotated",
        targetId: keyId,
        before,
        after: { ...key, grace_period_ends_at: previousSecretExpiresAt },
      });
      return { key, secret: fresh.secret, previousSecretExpiresAt };
    });
    this.verifier.evict([keyId]);
    return result;
  }

  /** Revokes the key at once, in every process within the cache TTL and in this one immediately. */
  async revoke(context: ChangeContext, keyId: string): Promise<ApiKeyRow> {
    const key = await this.db.transaction(async (tx) => {
      const before = await findKey(tx, scopeOf(context.auth), keyId, true);
      if (!before) throw notFound("API key", keyId);
      if (before.revoked_at) return before;
      const after = (await revokeKey(tx, scopeOf(context.auth), keyId)) ?? before;
      await recordChange(tx, context, { action: "api_key.revoked", targetId: keyId, before, after });
      return after;
    });
    this.verifier.evict([keyId]);
    return key;
  }
}
