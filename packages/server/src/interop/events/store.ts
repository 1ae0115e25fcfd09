import type { Queryable } from "../../db/database.js";
import { idAtTime } from "../../ids.js";
import { type PageRequest, pageSql } from "../../http/pagination.js";
import type { WebhookScope } from "../../webhooks/scope.js";

/** The statuses of an inbound event. */
export const INBOUND_STATUSES = ["normalized", "failed", "duplicate"] as const;

/** An inbound event as stored, without its body. */
export type InboundRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  connector_id: string;
  platform: string;
  topic: string | null;
  delivery_id: string | null;
  status: (typeof INBOUND_STATUSES)[number];
  normalized_id: string | null;
  type: string | null;
  event_id: string | null;
  duplicate_of: string | null;
  error: { code: string; message: string; path: string | null } | null;
  mapping_id: string | null;
  mapping_version: number | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
};

/** An inbound event with the delivery as received. */
export type InboundRowWithBody = InboundRow & { headers: Record<string, string>; body: Uint8Array };

const COLUMNS = `e.id, e.account_id, e.livemode, e.connector_id, e.platform, e.topic, e.delivery_id, e.status, e.normalized_id, e.type,
  e.event_id, e.duplicate_of, e.error, e.mapping_id, e.mapping_version, e.attempts, e.created_at, e.updated_at`;

// App-bound keys see the inbound events of their app's connectors only.
const visible = (account: number) => `e.account_id = $${account} and e.livemode = $${account + 1}
  and ($${account + 2}::text is null or exists (select 1 from interop_connectors c where c.id = e.connector_id and c.app_id = $${account + 2}))`;

/** One inbound event the scope can see, with its headers and body; `forUpdate` locks it. */
export async function findInbound(db: Queryable, scope: WebhookScope, id: string, forUpdate = false): Promise<InboundRowWithBody | undefined> {
  const { rows } = await db.query<InboundRowWithBody>(
    `select ${COLUMNS}, e.headers, e.body from interop_events e where e.id = $1 and ${visible(2)} ${forUpdate ? "for update" : ""}`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** Filters of the inbound event list. */
export interface InboundFilters {
  connectorId?: string | undefined;
  platform?: string | undefined;
  type?: string | undefined;
  status?: InboundRow["status"] | undefined;
  createdGte?: Date | undefined;
  createdLt?: Date | undefined;
}

/** One page of inbound events, newest first. */
export async function listInbound(db: Queryable, scope: WebhookScope, filters: InboundFilters, page: PageRequest): Promise<InboundRow[]> {
  const tail = pageSql(page, "e.id", 10);
  const { rows } = await db.query<InboundRow>(
    `select ${COLUMNS} from interop_events e
      where ${visible(1)}
        and ($4::text is null or e.connector_id = $4)
        and ($5::text is null or e.platform = $5)
        and ($6::text is null or e.type = $6)
        and ($7::text is null or e.status = $7)
        and ($8::timestamptz is null or e.created_at >= $8)
        and ($9::timestamptz is null or e.created_at < $9)
      ${tail.sql}`,
    [
      scope.accountId,
      scope.livemode,
      scope.appId,
      filters.connectorId ?? null,
      filters.platform ?? null,
      filters.type ?? null,
      filters.status ?? null,
      filters.createdGte ?? null,
      filters.createdLt ?? null,
      ...tail.params,
    ],
  );
  return rows;
}

/** One count of {@link countInbound}. */
export type InboundCount = { platform: string; type: string | null; status: InboundRow["status"]; count: number };

/** Inbound events received in [since, until) (by their time-sorted ids), counted by platform, type and status. */
export async function countInbound(db: Queryable, scope: WebhookScope, since: Date, until: Date): Promise<InboundCount[]> {
  const { rows } = await db.query<InboundCount>(
    `select e.platform, e.type, e.status, count(*)::int as count
       from interop_events e
      where ${visible(1)}
        and e.id >= $4 and e.id < $5
      group by e.platform, e.type, e.status
      order by e.platform, e.type nulls last, e.status`,
    [scope.accountId, scope.livemode, scope.appId, idAtTime("iev", since), idAtTime("iev", until)],
  );
  return rows;
}
