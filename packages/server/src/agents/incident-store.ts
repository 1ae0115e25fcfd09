import type { Queryable } from "../db/database.js";
import { type PageRequest, pageSql } from "../http/pagination.js";

/** How bad an incident is, from `low` to `critical`. */
export const INCIDENT_SEVERITIES = ["low", "medium", "high", "critical"] as const;
/** One of {@link INCIDENT_SEVERITIES}. */
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
/** Where an incident is: `open` → `mitigating` (a fix under way) → `resolved` or `escalated` (to people). */
export const INCIDENT_STATUSES = ["open", "mitigating", "resolved", "escalated"] as const;
/** One of {@link INCIDENT_STATUSES}. */
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** An incident as stored. */
export type IncidentRow = {
  id: string;
  account_id: string;
  livemode: boolean;
  app_id: string;
  instance_id: string;
  type: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  summary: string;
  evidence: Record<string, unknown>;
  opened_at: Date;
  resolved_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = "id, account_id, livemode, app_id, instance_id, type, severity, status, summary, evidence, opened_at, resolved_at, created_at, updated_at";

/**
 * Opens an incident unless the instance already has an active one (open, mitigating or escalated) of this
 * type (the partial unique index decides, so concurrent monitors cannot open two). Returns it
 * when it was opened.
 */
export async function openIncident(
  tx: Queryable,
  incident: Pick<IncidentRow, "id" | "account_id" | "livemode" | "app_id" | "instance_id" | "type" | "severity" | "summary" | "evidence" | "opened_at">,
): Promise<IncidentRow | undefined> {
  const { rows } = await tx.query<IncidentRow>(
    `insert into incidents (id, account_id, livemode, app_id, instance_id, type, severity, status, summary, evidence, opened_at)
     values ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10)
     on conflict (instance_id, type) where status in ('open', 'mitigating', 'escalated') do nothing
     returning ${COLUMNS}`,
    [
      incident.id,
      incident.account_id,
      incident.livemode,
      incident.app_id,
      incident.instance_id,
      incident.type,
      incident.severity,
      incident.summary,
      JSON.stringify(incident.evidence),
      incident.opened_at,
    ],
  );
  return rows[0];
}

/** Resolves the active incident of this type for an instance, if any, and returns it. */
export async function resolveIncident(tx: Queryable, instanceId: string, type: string): Promise<IncidentRow | undefined> {
  const { rows } = await tx.query<IncidentRow>(
    `update incidents set status = 'resolved', resolved_at = now(), updated_at = now()
      where instance_id = $1 and type = $2 and status in ('open', 'mitigating', 'escalated') returning ${COLUMNS}`,
    [instanceId, type],
  );
  return rows[0];
}

/** Which incidents a caller may see. */
export interface IncidentScope {
  accountId: string;
  livemode: boolean;
  appId: string | null;
}

/** One incident of the scope. */
export async function findIncident(db: Queryable, scope: IncidentScope, id: string): Promise<IncidentRow | undefined> {
  const { rows } = await db.query<IncidentRow>(
    `select ${COLUMNS} from incidents where id = $1 and account_id = $2 and livemode = $3 and ($4::text is null or app_id = $4)`,
    [id, scope.accountId, scope.livemode, scope.appId],
  );
  return rows[0];
}

/** Filters of `GET /v1/incidents`. */
export interface IncidentFilter {
  status?: IncidentRow["status"] | undefined;
  type?: string | undefined;
  pluginId?: string | undefined;
}

/** One page of incidents, newest first. */
export async function listIncidents(db: Queryable, scope: IncidentScope, filter: IncidentFilter, page: PageRequest): Promise<IncidentRow[]> {
  const tail = pageSql(page, "id", 7);
  const { rows } = await db.query<IncidentRow>(
    `select ${COLUMNS} from incidents
      where account_id = $1 and livemode = $2 and ($3::text is null or app_id = $3)
        and ($4::text is null or status = $4) and ($5::text is null or type = $5) and ($6::text is null or instance_id = $6)
      ${tail.sql}`,
    [scope.accountId, scope.livemode, scope.appId, filter.status ?? null, filter.type ?? null, filter.pluginId ?? null, ...tail.params],
  );
  return rows;
}

/**
 * Moves incidents among `ids` that are in one of `from` to `to` (setting `resolved_at` when `to`
 * is `resolved`); returns the ones it moved.
 */
export async function moveIncidents(tx: Queryable, ids: readonly string[], from: readonly IncidentStatus[], to: IncidentStatus): Promise<IncidentRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await tx.query<IncidentRow>(
    `update incidents set status = $3, resolved_at = case when $3 = 'resolved' then now() else resolved_at end, updated_at = now()
      where id = any($1::text[]) and status = any($2::text[]) returning ${COLUMNS}`,
    [ids, from, to],
  );
  return rows;
}
