import { type Mapping, type SourcePlatform, validateMapping } from "@relais/interop-mappings";
import type { WebhookScheme } from "@relais/webhook-verify";
import type { Queryable } from "../../db/database.js";
import { isId } from "../../ids.js";
import { signatureScheme, verifyingSecrets } from "../connectors/secret.js";
import { findConnectorForIngest } from "../connectors/store.js";

/** What ingest needs about a connector, with its secrets opened and its mapping compiled. */
export interface IngestConnector {
  id: string;
  accountId: string;
  livemode: boolean;
  appId: string | null;
  platform: SourcePlatform;
  shop: string;
  enabled: boolean;
  scheme: WebhookScheme;
  secrets: string[];
  mapping: { id: string; version: number; document: Mapping } | null;
}

const MAX_ENTRIES = 10_000;

/**
 * Connectors by id for the ingest path, kept `ttlMs` per process (unknown ids too, so a flood
 * of made-up ids costs no query each). Changes made through this process evict at once; those
 * made elsewhere apply within `ttlMs`.
 */
export class ConnectorCache {
  private readonly entries = new Map<string, { value: IngestConnector | undefined; expiresAt: number }>();

  constructor(
    private readonly db: Queryable,
    private readonly secretKey: Uint8Array,
    private readonly ttlMs: number,
  ) {}

  async get(id: string): Promise<IngestConnector | undefined> {
    if (!isId("con", id)) return undefined;
    const now = Date.now();
    const cached = this.entries.get(id);
    if (cached && cached.expiresAt > now) return cached.value;
    const value = await this.load(id);
    if (this.ttlMs > 0) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(id, { value, expiresAt: now + this.ttlMs });
    }
    return value;
  }

  /** The connector as stored now, bypassing (and refreshing) the cache. */
  fresh(id: string): Promise<IngestConnector | undefined> {
    this.evict(id);
    return this.get(id);
  }

  evict(id: string): void {
    this.entries.delete(id);
  }

  /** Drops every entry (a mapping changed: connectors using it must see the new version). */
  clear(): void {
    this.entries.clear();
  }

  private async load(id: string): Promise<IngestConnector | undefined> {
    const row = await findConnectorForIngest(this.db, id);
    if (!row) return undefined;
    const platform = row.platform as SourcePlatform;
    let mapping: IngestConnector["mapping"] = null;
    if (row.mapping_id !== null && row.mapping_document !== null && row.mapping_version !== null) {
      // Validated when saved; validated again so the type is earned, not asserted.
      const checked = validateMapping(row.mapping_document);
      if (checked.ok) mapping = { id: row.mapping_id, version: row.mapping_version, document: checked.mapping };
    }
    return {
      id: row.id,
      accountId: row.account_id,
      livemode: row.livemode,
      appId: row.app_id,
      platform,
      shop: row.shop,
      enabled: row.enabled,
      scheme: signatureScheme(platform),
      secrets: verifyingSecrets(this.secretKey, row),
      mapping,
    };
  }
}
