import type { Queryable } from "../../db/database.js";
import type { AccountScope } from "../../http/auth/account-scope.js";
import { type PageRequest, pageSql } from "../../http/pagination.js";


/** A stored mapping at its current version. */
export type MappingRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  name: string;
  platform: string;
  version: number;
  document: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = "id, account_id, livemode, name, platform, version, document, created_at, updated_at";

/** Inserts a mapping at version 1, with its first version row. */
export async function insertMapping(
  tx: Queryable,
  mapping: Pick<MappingRow, "id" | "account_id" | "livemode" | "name" | "platform" | "document">,
): Promise<MappingRow> {
  const { rows } = await tx.query<MappingRow>(
    `with created as (
       insert into interop_mappings (id, account_id, livemode, name, platform, version, document)
       values ($1, $2, $3, $4, $5, 1, $6::jsonb)
       returning ${COLUMNS}
     ), versioned as (
       insert into interop_mapping_versions (mapping_id, version, document) select id, version, document from created
     )
     select ${COLUMNS} from created`,
    [mapping.id, mapping.account_id, mapping.livemode, mapping.name, mapping.platform, JSON.stringify(mapping.document)],
  );
  return rows[0] as MappingRow;
}

/** Saves `document` as the next version of a mapping (locked by the caller). */
export async function saveMappingVersion(
  tx: Queryable,
  id: string,
  change: Pick<MappingRow, "name" | "platform" | "document">,
): Promise<MappingRow> {
  const { rows } = await tx.query<MappingRow>(
    `with updated as (
       update interop_mappings set name = $2, platform = $3, document = $4::jsonb, version = version + 1, updated_at = now()
        where id = $1
       returning ${COLUMNS}
     ), versioned as (
       insert into interop_mapping_versions (mapping_id, version, document) select id, version, document from updated
     )
     select ${COLUMNS} from updated`,
    [id, change.name, change.platform, JSON.stringify(change.document)],
  );
  return rows[0] as MappingRow;
}

/** One mapping of the scope, at its current version or at `version`; `forUpdate` locks it. */
export async function findMapping(
  db: Queryable,
  scope: AccountScope,
  id: string,
  options: { version?: number | undefined; forUpdate?: boolean } = {},
): Promise<MappingRow | undefined> {
  if (options.version !== undefined) {
    const { rows } = await db.query<MappingRow>(
      `select m.id, m.account_id, m.livemode, m.name, m.platform, v.version, v.document, m.created_at, v.created_at as updated_at
         from interop_mappings m join interop_mapping_versions v on v.mapping_id = m.id and v.version = $4
        where m.id = $1 and m.account_id = $2 and m.livemode = $3`,
      [id, scope.accountId, scope.livemode, options.version],
    );
    return rows[0];
  }
  const { rows } = await db.query<MappingRow>(
    `select ${COLUMNS} from interop_mappings where id = $1 and account_id = $2 and livemode = $3 ${options.forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode],
  );
  return rows[0];
}

/** One page of the scope's mappings, newest first. */
export async function listMappings(db: Queryable, scope: AccountScope, page: PageRequest): Promise<MappingRow[]> {
  const tail = pageSql(page, "id", 3);
  const { rows } = await db.query<MappingRow>(
    `select ${COLUMNS} from interop_mappings where account_id = $1 and livemode = $2 ${tail.sql}`,
    [scope.accountId, scope.livemode, ...tail.params],
  );
  return rows;
}

/** How many live connectors use a mapping. */
export async function countConnectorsUsing(db: Queryable, mappingId: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    "select count(*)::int as count from interop_connectors where mapping_id = $1 and deleted_at is null",
    [mappingId],
  );
  return rows[0]?.count ?? 0;
}
