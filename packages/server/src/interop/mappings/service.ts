import { type MappingIssue, validateMapping } from "@relais/interop-mappings";
import { type ChangeContext, recordChange } from "../../audit/change.js";
import type { Database } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { ApiError, notFound } from "../../http/problem.js";
import { newId } from "../../ids.js";
import { accountScope } from "../../http/auth/account-scope.js";
import { countConnectorsUsing, findMapping, insertMapping, listMappings, type MappingRow, saveMappingVersion } from "./store.js";

/** 400 `invalid_mapping` listing every problem, each located inside the request body. */
export function invalidMapping(issues: readonly MappingIssue[]): ApiError {
  return new ApiError(
    400,
    "invalid_mapping",
    "Invalid mapping",
    `The mapping has ${issues.length} problem${issues.length === 1 ? "" : "s"}; nothing was saved`,
    issues.map((issue) => ({ path: `body.mapping${issue.path.slice(1)}`, code: "invalid_mapping", message: issue.message })),
  );
}

function checked(document: unknown): { name: string; platform: string; document: Record<string, unknown> } {
  const result = validateMapping(document);
  if (!result.ok) throw invalidMapping(result.issues);
  // The document is stored as sent (validated), so a later package version reads it the same way.
  return { name: result.mapping.name ?? "", platform: result.mapping.platform, document: document as Record<string, unknown> };
}

/** Mapping documents per account: validated before they are saved, every version kept. */
export class MappingService {
  constructor(
    private readonly db: Database,
    /** Told after each new version, so this process's ingest uses it at once. */
    private readonly onChange: () => void = () => {},
  ) {}

  create(context: ChangeContext, document: unknown): Promise<MappingRow> {
    const scope = accountScope(context.auth);
    const fields = checked(document);
    return this.db.transaction(async (tx) => {
      const created = await insertMapping(tx, { id: newId("map"), account_id: scope.accountId, livemode: scope.livemode, ...fields });
      await recordChange(tx, context, { action: "interop_mapping.created", targetId: created.id, before: null, after: created });
      return created;
    });
  }

  /** Saves a new version. A mapping in use by a connector keeps its platform. */
  async replace(context: ChangeContext, id: string, document: unknown): Promise<MappingRow> {
    const scope = accountScope(context.auth);
    const fields = checked(document);
    const saved = await this.db.transaction(async (tx) => {
      const before = await findMapping(tx, scope, id, { forUpdate: true });
      if (!before) throw notFound("interop mapping", id);
      if (before.platform !== fields.platform && (await countConnectorsUsing(tx, id)) > 0) {
        throw new ApiError(409, "mapping_in_use", "Mapping in use", `Connectors use this mapping for ${before.platform}; its platform cannot become ${fields.platform}`);
      }
      const after = await saveMappingVersion(tx, id, fields);
      await recordChange(tx, context, { action: "interop_mapping.updated", targetId: id, before, after });
      return after;
    });
    this.onChange();
    return saved;
  }

  async get(auth: AuthContext, id: string, version?: number): Promise<MappingRow> {
    const mapping = await findMapping(this.db, accountScope(auth), id, { version });
    if (!mapping) throw notFound(version === undefined ? "interop mapping" : `version ${version} of interop mapping`, id);
    return mapping;
  }

  list(auth: AuthContext, page: PageRequest): Promise<MappingRow[]> {
    return listMappings(this.db, accountScope(auth), page);
  }
}
