import type { Queryable } from "../../db/database.js";
import { type PageRequest, pageSql } from "../../http/pagination.js";
import type { WebhookScope } from "../../webhooks/scope.js";

/** A connector as stored; secrets stay sealed here. */
export type ConnectorRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string | null;
  platform: string;
  shop: string;
  description: string | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  mapping_id: string | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
};

/** A connector with the current document of its mapping, as ingest needs it. */
export type IngestConnectorRow = ConnectorRow & {
  mapping_document: Record<string, unknown> | null;
  mapping_version: number | null;
};

/** The fields a create or an update writes. */
export type ConnectorFields = Pick<ConnectorRow, "shop" | "description" | "mapping_id" | "enabled">;

const COLUMNS = `id, account_id, livemode, app_id, platform, shop, description, secret_sealed, previous_secret_sealed,
  previous_secret_expires_at, mapping_id, enabled, created_at, updated_at`;

/** Inserts a connector. */
export async function insertConnector(
  tx: Queryable,
  connector: ConnectorFields & Pick<ConnectorRow, "id" | "account_id" | "livemode" | "app_id" | "platform" | "secret_sealed">,
): Promise<ConnectorRow> {
  const { rows } = await tx.query<ConnectorRow>(
    `insert into interop_connectors (id, account_id, livemode, app_id, platform, shop, description, secret_sealed, mapping_id, enabled)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     returning ${COLUMNS}`,
    [
      connector.id,
      connector.account_id,
      connector.livemode,
      connector.app_id,
      connector.platform,
      connector.shop,
      connector.description,
      connector.secret_sealed,
      connector.mapping_id,
      connector.enabled,
    ],
  );
  return rows[0] as ConnectorRow;
}

/** One live connector the scope can see; `forUpdate` locks it until the transaction ends. */
export async function findConnector(db: Queryable, scope: WebhookScope, id: string, forUpdate = false): Promise<ConnectorRow | undefined> {
  const { rows } = await db.query<ConnectorRow>(
    `select ${COLUMNS} from interop_connectors
      where id = $1 and account_id = $2 and livemode = $3 and ($4::text is null or app_id = $4) and deleted_at is null
      ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** One page of the scope's live connectors, newest first. */
export async function listConnectors(db: Queryable, scope: WebhookScope, page: PageRequest): Promise<ConnectorRow[]> {
  const tail = pageSql(page, "id", 4);
  const { rows } = await db.query<ConnectorRow>(
    `select ${COLUMNS} from interop_connectors
      where account_id = $1 and livemode = $2 and ($3::text is null or app_id = $3) and deleted_at is null ${tail.sql}`,
    [scope.accountId, scope.livemode, scope.appId, ...tail.params],
  );
  return rows;
}

/** Writes `fields`; a new sealed secret moves the current one to `previous_secret_sealed` until `previousExpiresAt`. */
export async function updateConnector(
  tx: Queryable,
  id: string,
  fields: ConnectorFields,
  secret?: { sealed: string; previousSealed: string; previousExpiresAt: Date },
): Promise<ConnectorRow> {
  const { rows } = await tx.query<ConnectorRow>(
    `update interop_connectors
        set shop = $2, description = $3, mapping_id = $4, enabled = $5,
            secret_sealed = coalesce($6, secret_sealed),
            previous_secret_sealed = case when $6::text is null then previous_secret_sealed else $7 end,
            previous_secret_expires_at = case when $6::text is null then previous_secret_expires_at else $8 end,
            updated_at = now()
      where id = $1
      returning ${COLUMNS}`,
    [id, fields.shop, fields.description, fields.mapping_id, fields.enabled, secret?.sealed ?? null, secret?.previousSealed ?? null, secret?.previousExpiresAt ?? null],
  );
  return rows[0] as ConnectorRow;
}

/** Soft-deletes a connector: its inbound events stay readable, its ingest URL answers 404. */
export async function markConnectorDeleted(tx: Queryable, id: string): Promise<void> {
  await tx.query("update interop_connectors set deleted_at = now(), enabled = false, updated_at = now() where id = $1", [id]);
}

/** A live connector by id alone (the ingest URL carries no credential), with its mapping's current document. */
export async function findConnectorForIngest(db: Queryable, id: string): Promise<IngestConnectorRow | undefined> {
  const { rows } = await db.query<IngestConnectorRow>(
    `select ${COLUMNS.replace(/(\w+)/g, "c.$1")}, m.document as mapping_document, m.version as mapping_version
       from interop_connectors c left join interop_mappings m on m.id = c.mapping_id
      where c.id = $1 and c.deleted_at is null`,
    [id],
  );
  return rows[0];
}
