import type { ApiRouter } from "../../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../../http/pagination.js";
import { z } from "../../http/zod.js";
import { actionSchema } from "../rules/rule.js";
import { type AutopatchDetail, type AutopatchService, MAX_AUTOPATCH_TARGETS } from "./service.js";
import { AUTOPATCH_STATUSES, type AttemptRow } from "./store.js";

const timestamp = z.string().openapi({ format: "date-time" });
const health = z
  .record(z.string(), z.unknown())
  .openapi({
    description:
      "The health watch: `verdict` (pass, fail, inconclusive), `reasons`, `baseline` and `after` (samples, mean errors per heartbeat, webhook failure rate, unhealthy share) and `error_limit`; plus `rollback_error`, `local_rollback` or `accepted_by` when they apply.",
    example: { verdict: "pass", reasons: [], baseline: { samples: 10, mean_errors: 38.2, webhook_fail_rate: 0, unhealthy_share: 0 }, error_limit: 19.1 },
  });

const targetSchema = z.object({
  plugin_id: z.string(),
  incident_id: z.string().nullable(),
  wave: z.number().int().openapi({ description: "0 is the canary cohort." }),
  state: z.enum(["waiting", "applying", "watching", "passed", "succeeded", "failed", "rolling_back", "rolled_back", "skipped"]),
  command_id: z.string().nullable(),
  rollback_command_id: z.string().nullable(),
  before_version: z.string().nullable(),
  health: health.nullable(),
  applied_at: timestamp.nullable(),
  watch_until: timestamp.nullable(),
});

/** The API representation of an autopatch. */
export const autopatchSchema = z
  .object({
    id: z.string().openapi({ example: "apt_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("autopatch"),
    livemode: z.boolean(),
    status: z.enum(AUTOPATCH_STATUSES),
    status_reason: z.string().nullable().openapi({ description: "Why it waits, holds, paused or stopped." }),
    action: actionSchema,
    incident_id: z.string().nullable(),
    decision_id: z.string().nullable(),
    rule_id: z.string().nullable(),
    approvals_required: z.number().int(),
    approvals: z.array(z.object({ actor: z.object({ type: z.string(), id: z.string() }), approved_at: timestamp })),
    canary_percent: z.number().int(),
    watch_seconds: z.number().int().openapi({ description: "How long each instance is watched after the fix applied, before its verdict." }),
    wave_count: z.number().int(),
    current_wave: z.number().int(),
    targets: z.array(targetSchema),
    created_by: z.object({ type: z.string(), id: z.string() }),
    created_at: timestamp,
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
  })
  .openapi("Autopatch");

const iso = (date: Date | null) => (date === null ? null : new Date(date).toISOString());

function present({ patch, targets }: AutopatchDetail): z.input<typeof autopatchSchema> {
  return {
    id: patch.id,
    object: "autopatch",
    livemode: patch.livemode,
    status: patch.status,
    status_reason: patch.status_reason,
    action: patch.action,
    incident_id: patch.incident_id,
    decision_id: patch.decision_id,
    rule_id: patch.rule_id,
    approvals_required: patch.approvals_required,
    approvals: patch.approvals.map((approval) => ({ actor: approval.actor, approved_at: approval.at })),
    canary_percent: patch.canary_percent,
    watch_seconds: patch.watch_s,
    wave_count: patch.wave_count,
    current_wave: patch.current_wave,
    targets: targets.map((target) => ({
      plugin_id: target.instance_id,
      incident_id: target.incident_id,
      wave: target.wave,
      state: target.state,
      command_id: target.command_id,
      rollback_command_id: target.rollback_command_id,
      before_version: target.before_version,
      health: target.health,
      applied_at: iso(target.applied_at),
      watch_until: iso(target.watch_until),
    })),
    created_by: { type: patch.created_by_type, id: patch.created_by_id },
    created_at: patch.created_at.toISOString(),
    started_at: iso(patch.started_at),
    finished_at: iso(patch.finished_at),
  };
}

/** The API representation of one attempt (immutable). */
export const attemptSchema = z
  .object({
    id: z.string().openapi({ example: "apa_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("autopatch_attempt"),
    livemode: z.boolean(),
    autopatch_id: z.string(),
    plugin_id: z.string(),
    wave: z.number().int(),
    action: actionSchema,
    outcome: z.enum(["succeeded", "failed", "rolled_back"]),
    before_version: z.string().nullable(),
    after_version: z.string().nullable(),
    command_id: z.string().nullable(),
    rollback_command_id: z.string().nullable(),
    health,
    started_at: timestamp,
    applied_at: timestamp.nullable(),
    finished_at: timestamp,
    duration_seconds: z.number().openapi({ description: "From the command's issue to the attempt's end." }),
  })
  .openapi("AutopatchAttempt");

function presentAttempt(row: AttemptRow): z.input<typeof attemptSchema> {
  return {
    id: row.id,
    object: "autopatch_attempt",
    livemode: row.livemode,
    autopatch_id: row.autopatch_id,
    plugin_id: row.instance_id,
    wave: row.wave,
    action: row.action,
    outcome: row.outcome,
    before_version: row.before_version,
    after_version: row.after_version,
    command_id: row.command_id,
    rollback_command_id: row.rollback_command_id,
    health: row.health,
    started_at: row.started_at.toISOString(),
    applied_at: iso(row.applied_at),
    finished_at: row.finished_at.toISOString(),
    duration_seconds: Math.round((row.finished_at.getTime() - row.started_at.getTime()) / 100) / 10,
  };
}

const createBody = z
  .strictObject({
    action: actionSchema.optional().openapi({ description: "The fix; defaults to the decision's action. `notify` is refused: it changes nothing." }),
    plugin_ids: z
      .array(z.string().max(64))
      .min(1)
      .max(MAX_AUTOPATCH_TARGETS)
      .optional()
      .openapi({ description: "Target instances; defaults to the decision's incident cohort (same app, plugin and version, same active incident type)." }),
    decision_id: z.string().max(64).optional().openapi({ description: "The decision this autopatch carries out." }),
  })
  .openapi("CreateAutopatchRequest");
const params = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The autopatch id." } }) });

/** `/v1/autopatches…` and `GET /v1/autopatch_attempts`. */
export function registerAutopatchRoutes(api: ApiRouter, autopatches: AutopatchService): void {
  const tag = "Self-healing";
  api.route({
    method: "post",
    path: "/v1/autopatches",
    operationId: "createAutopatch",
    summary: "Roll a fix out to plugin instances in watched waves (canary first); waits for approvals when the ops policy asks for them",
    tag,
    scope: "healing:write",
    body: createBody,
    status: 201,
    response: autopatchSchema,
    handler: async ({ body, auth, request }) =>
      present(await autopatches.create({ auth, request }, { action: body.action, pluginIds: body.plugin_ids, decisionId: body.decision_id })),
  });
  api.route({
    method: "get",
    path: "/v1/autopatches",
    operationId: "listAutopatches",
    summary: "List autopatches, newest first",
    tag,
    scope: "healing:read",
    query: z.strictObject({ ...paginationQuery, status: z.enum(AUTOPATCH_STATUSES).optional() }),
    response: z.object({ object: z.literal("list"), data: z.array(autopatchSchema), has_more: z.boolean() }).openapi("AutopatchList"),
    async handler({ query, auth }) {
      const page = pageRequest(query);
      return toListResponse(await autopatches.list(auth, query.status, page), page, present);
    },
  });
  api.route({
    method: "get",
    path: "/v1/autopatches/:id",
    operationId: "getAutopatch",
    summary: "Get an autopatch with each target's place in the rollout",
    tag,
    scope: "healing:read",
    params,
    response: autopatchSchema,
    handler: async ({ params: { id }, auth }) => present(await autopatches.get(auth, id)),
  });
  api.route({
    method: "post",
    path: "/v1/autopatches/:id/approve",
    operationId: "approveAutopatch",
    summary: "Approve an autopatch (each operator once; it starts when enough distinct operators approved), or resume a paused one",
    tag,
    scope: "healing:write",
    params,
    response: autopatchSchema,
    handler: async ({ params: { id }, auth, request }) => present(await autopatches.approve({ auth, request }, id)),
  });
  api.route({
    method: "post",
    path: "/v1/autopatches/:id/abort",
    operationId: "abortAutopatch",
    summary: "Abort an autopatch: the current wave's instances are rolled back through their agents",
    tag,
    scope: "healing:write",
    params,
    response: autopatchSchema,
    handler: async ({ params: { id }, auth, request }) => present(await autopatches.abort({ auth, request }, id)),
  });
  api.route({
    method: "get",
    path: "/v1/autopatch_attempts",
    operationId: "listAutopatchAttempts",
    summary: "List autopatch attempts, newest first: the immutable record of each instance's attempt",
    tag,
    scope: "healing:read",
    query: z.strictObject({
      ...paginationQuery,
      autopatch_id: z.string().max(64).optional(),
      plugin_id: z.string().max(64).optional(),
      outcome: z.enum(["succeeded", "failed", "rolled_back"]).optional(),
    }),
    response: z.object({ object: z.literal("list"), data: z.array(attemptSchema), has_more: z.boolean() }).openapi("AutopatchAttemptList"),
    async handler({ query, auth }) {
      const page = pageRequest(query);
      const rows = await autopatches.listAttempts(auth, { autopatchId: query.autopatch_id, pluginId: query.plugin_id, outcome: query.outcome }, page);
      return toListResponse(rows, page, presentAttempt);
    },
  });
}
