import { type ChangeContext, recordChange } from "../audit/change.js";
import type { Database } from "../db/database.js";
import type { AuthContext } from "../http/auth/context.js";
import type { PageRequest } from "../http/pagination.js";
import { ApiError, notFound, permissionDenied } from "../http/problem.js";
import { newId } from "../ids.js";
import { revokeAppKeys } from "../api-keys/store.js";
import { type AppRow, type AppScope, findApp, insertApp, listApps, markAppDeleted, updateApp } from "./store.js";

/** Stripe's limits, so metadata written for one works with the other. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const;

/** Fields of a new app, already validated. */
export interface NewApp {
  name: string;
  description: string | null;
  environment: string;
  metadata: Record<string, string>;
}

/** A partial update; a metadata value of `null` removes that key. */
export interface AppPatch {
  name?: string | undefined;
  description?: string | null | undefined;
  environment?: string | undefined;
  metadata?: Record<string, string | null> | undefined;
}

function scopeOf(auth: AuthContext): AppScope {
  return { accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId };
}

function mergeMetadata(current: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  if (Object.keys(merged).length > METADATA_LIMITS.keys) {
    throw new ApiError(400, "invalid_request", "Invalid request", "The request body is invalid", [
      { path: "body.metadata", code: "too_big", message: `can hold at most ${METADATA_LIMITS.keys} keys` },
    ]);
  }
  return merged;
}

/** The rules for apps: who may see and change which, and the audit trail of each change. */
export class AppService {
  constructor(
    private readonly db: Database,
    /** Told which keys a deleted app took with it, so verified-key caches drop them at once. */
    private readonly onKeysRevoked: (keyIds: string[]) => void,
  ) {}

  async create(context: ChangeContext, input: NewApp): Promise<AppRow> {
    if (context.auth.appId !== null) throw permissionDenied("A key that belongs to an app cannot create apps");
    return this.db.transaction(async (tx) => {
      const app = await insertApp(tx, {
        id: newId("app"),
        account_id: context.auth.accountId,
        livemode: context.auth.livemode,
        ...input,
      });
      await recordChange(tx, context, { action: "app.created", targetId: app.id, before: null, after: app });
      return app;
    });
  }

  async get(auth: AuthContext, id: string): Promise<AppRow> {
    const app = await findApp(this.db, scopeOf(auth), id);
    if (!app) throw notFound("app", id);
    return app;
  }

  list(auth: AuthContext, page: PageRequest): Promise<AppRow[]> {
    return listApps(this.db, scopeOf(auth), page);
  }

  async update(context: ChangeContext, id: string, patch: AppPatch): Promise<AppRow> {
    const scope = scopeOf(context.auth);
    return this.db.transaction(async (tx) => {
      const before = await findApp(tx, scope, id, true);
      if (!before) throw notFound("app", id);
      const after = await updateApp(tx, scope, {
        id,
        name: patch.name ?? before.name,
        description: patch.description === undefined ? before.description : patch.description,
        environment: patch.environment ?? before.environment,
        metadata: patch.metadata ? mergeMetadata(before.metadata, patch.metadata) : before.metadata,
      });
      await recordChange(tx, context, { action: "app.updated", targetId: id, before, after });
      return after;
    });
  }

  /** Deletes the app and revokes its keys in one transaction. */
  async delete(context: ChangeContext, id: string): Promise<void> {
    const scope = scopeOf(context.auth);
    const revoked = await this.db.transaction(async (tx) => {
      const before = await findApp(tx, scope, id, true);
      if (!before) throw notFound("app", id);
      await markAppDeleted(tx, scope, id);
      const keyIds = await revokeAppKeys(tx, scope, id);
      for (const keyId of keyIds) {
        await recordChange(tx, context, { action: "api_key.revoked", targetId: keyId, before: null, after: { id: keyId, reason: "app_deleted" } });
      }
      await recordChange(tx, context, { action: "app.deleted", targetId: id, before, after: null });
      return keyIds;
    });
    this.onKeysRevoked(revoked);
  }
}
