import type { SourcePlatform } from "@relais/interop-mappings";
import { findApp } from "../../apps/store.js";
import { type ChangeContext, recordChange } from "../../audit/change.js";
import type { Database, Queryable } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { ApiError, notFound } from "../../http/problem.js";
import { newId } from "../../ids.js";
import { type WebhookScope, webhookScope } from "../../webhooks/scope.js";
import { findMapping } from "../mappings/store.js";
import { checkConnectorSecret, generatesSecret, newConnectorSecret, sealConnectorSecret, signatureScheme } from "./secret.js";
import { canonicalShop } from "./shop.js";
import { type ConnectorFields, type ConnectorRow, findConnector, insertConnector, listConnectors, markConnectorDeleted, updateConnector } from "./store.js";

/** What a create may set. */
export interface ConnectorInput extends ConnectorFields {
  platform: SourcePlatform;
  secret?: string | undefined;
  app_id?: string | undefined;
}

/** What an update may change; absent fields keep their value. */
export type ConnectorPatch = Partial<ConnectorFields> & { secret?: string | undefined };

/** A connector with the secret Relais generated for it: only a create returns one. */
export type ConnectorWithSecret = ConnectorRow & { secret?: string };

/** How long a replaced platform secret keeps verifying, for deliveries signed before the switch. */
export const SECRET_GRACE_MS = 24 * 3_600_000;

function fieldError(path: string, code: string, message: string): ApiError {
  return new ApiError(400, "invalid_request", "Invalid request", "The request body is invalid", [{ path, code, message }]);
}

/** The rules for interop connectors: secrets, the mapping they use, and the audit trail. */
export class ConnectorService {
  constructor(
    private readonly db: Database,
    private readonly secretKey: Uint8Array,
    /** Told about every change, so this process's ingest cache drops the connector at once. */
    private readonly onChange: (id: string) => void = () => {},
  ) {}

  async create(context: ChangeContext, input: ConnectorInput): Promise<ConnectorWithSecret> {
    const scope = webhookScope(context.auth);
    const appId = await this.appFor(scope, input.app_id);
    const scheme = signatureScheme(input.platform);
    let generated: string | undefined;
    if (input.secret === undefined) {
      if (!generatesSecret(input.platform)) throw fieldError("body.secret", "required", `is required: the ${input.platform} webhook secret`);
      generated = newConnectorSecret();
    } else {
      checkConnectorSecret(scheme, input.secret);
    }
    const id = newId("con");
    const created = await this.db.transaction(async (tx) => {
      await this.checkMapping(tx, scope, input.platform, input.mapping_id);
      const connector = await insertConnector(tx, {
        id,
        account_id: scope.accountId,
        livemode: scope.livemode,
        app_id: appId,
        platform: input.platform,
        shop: canonicalShop(input.shop),
        description: input.description,
        secret_sealed: sealConnectorSecret(this.secretKey, input.secret ?? generated ?? "", id),
        mapping_id: input.mapping_id,
        enabled: input.enabled,
      });
      await recordChange(tx, context, { action: "interop_connector.created", targetId: id, before: null, after: connector });
      return connector;
    });
    return generated === undefined ? created : { ...created, secret: generated };
  }

  async get(auth: AuthContext, id: string): Promise<ConnectorRow> {
    const connector = await findConnector(this.db, webhookScope(auth), id);
    if (!connector) throw notFound("interop connector", id);
    return connector;
  }

  list(auth: AuthContext, page: PageRequest): Promise<ConnectorRow[]> {
    return listConnectors(this.db, webhookScope(auth), page);
  }

  async update(context: ChangeContext, id: string, patch: ConnectorPatch): Promise<ConnectorRow> {
    const scope = webhookScope(context.auth);
    const updated = await this.db.transaction(async (tx) => {
      const before = await findConnector(tx, scope, id, true);
      if (!before) throw notFound("interop connector", id);
      const platform = before.platform as SourcePlatform;
      const fields: ConnectorFields = {
        shop: patch.shop === undefined ? before.shop : canonicalShop(patch.shop),
        description: patch.description === undefined ? before.description : patch.description,
        mapping_id: patch.mapping_id === undefined ? before.mapping_id : patch.mapping_id,
        enabled: patch.enabled ?? before.enabled,
      };
      if (patch.mapping_id !== undefined) await this.checkMapping(tx, scope, platform, fields.mapping_id);
      let secret: Parameters<typeof updateConnector>[3];
      if (patch.secret !== undefined) {
        checkConnectorSecret(signatureScheme(platform), patch.secret);
        secret = {
          sealed: sealConnectorSecret(this.secretKey, patch.secret, id),
          previousSealed: before.secret_sealed,
          previousExpiresAt: new Date(Date.now() + SECRET_GRACE_MS),
        };
      }
      const after = await updateConnector(tx, id, fields, secret);
      await recordChange(tx, context, { action: "interop_connector.updated", targetId: id, before, after });
      return after;
    });
    this.onChange(id);
    return updated;
  }

  async delete(context: ChangeContext, id: string): Promise<void> {
    const scope = webhookScope(context.auth);
    await this.db.transaction(async (tx) => {
      const before = await findConnector(tx, scope, id, true);
      if (!before) throw notFound("interop connector", id);
      await markConnectorDeleted(tx, id);
      await recordChange(tx, context, { action: "interop_connector.deleted", targetId: id, before, after: null });
    });
    this.onChange(id);
  }

  /** App-bound keys create connectors for their app; account keys may name one of the account's apps. */
  private async appFor(scope: WebhookScope, requested: string | undefined): Promise<string | null> {
    if (scope.appId !== null) {
      if (requested !== undefined && requested !== scope.appId) throw fieldError("body.app_id", "invalid_app", "must be the key's own app");
      return scope.appId;
    }
    if (requested === undefined) return null;
    if (!(await findApp(this.db, { ...scope, appId: null }, requested))) {
      throw fieldError("body.app_id", "not_found", `no app ${requested} in this account`);
    }
    return requested;
  }

  private async checkMapping(tx: Queryable, scope: WebhookScope, platform: SourcePlatform, mappingId: string | null): Promise<void> {
    if (mappingId === null) {
      if (platform === "custom") throw fieldError("body.mapping_id", "required", "is required for platform custom: it describes the source");
      return;
    }
    const mapping = await findMapping(tx, scope, mappingId);
    if (!mapping) throw fieldError("body.mapping_id", "not_found", `no interop mapping ${mappingId} in this account`);
    if (mapping.platform !== platform) {
      throw fieldError("body.mapping_id", "platform_mismatch", `mapping ${mappingId} is for ${mapping.platform}, not ${platform}`);
    }
  }
}
