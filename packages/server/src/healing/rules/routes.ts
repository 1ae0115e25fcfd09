import type { ApiRouter } from "../../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../../http/pagination.js";
import { z } from "../../http/zod.js";
import { actionSchema, matchSchema } from "./rule.js";
import type { RuleService } from "./service.js";
import type { RuleRow } from "./store.js";

/** The API representation of a healing rule. */
export const ruleSchema = z
  .object({
    id: z.string().openapi({ example: "hr_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("healing_rule"),
    livemode: z.boolean(),
    name: z.string(),
    match: matchSchema,
    action: actionSchema,
    confidence: z.number().openapi({ description: "0 to 1; outcomes move it (a success raises it, a rollback lowers it)." }),
    auto_apply: z.boolean(),
    enabled: z.boolean(),
    successes: z.number().int(),
    failures: z.number().int(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("HealingRule");

function present(row: RuleRow): z.input<typeof ruleSchema> {
  return {
    id: row.id,
    object: "healing_rule",
    livemode: row.livemode,
    name: row.name,
    match: row.match,
    action: row.action,
    confidence: row.confidence,
    auto_apply: row.auto_apply,
    enabled: row.enabled,
    successes: row.successes,
    failures: row.failures,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const fields = {
  name: z.string().trim().min(1).max(200),
  match: matchSchema,
  action: actionSchema,
  confidence: z.number().min(0).max(1),
  auto_apply: z.boolean().openapi({ description: "May a decision from this rule apply without a person, within the ops policy." }),
  enabled: z.boolean(),
};
const createBody = z
  .strictObject({ ...fields, auto_apply: fields.auto_apply.default(false), enabled: fields.enabled.default(true) })
  .openapi("CreateHealingRuleRequest");
const updateBody = z
  .strictObject({
    name: fields.name.optional(),
    match: fields.match.optional(),
    action: fields.action.optional(),
    confidence: fields.confidence.optional(),
    auto_apply: fields.auto_apply.optional(),
    enabled: fields.enabled.optional(),
  })
  .openapi("UpdateHealingRuleRequest");
const params = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The healing rule id." } }) });
const list = z.object({ object: z.literal("list"), data: z.array(ruleSchema), has_more: z.boolean() }).openapi("HealingRuleList");

/** `POST/GET /v1/healing_rules`, `GET/PATCH /v1/healing_rules/:id`. */
export function registerRuleRoutes(api: ApiRouter, rules: RuleService): void {
  const tag = "Self-healing";
  api.route({
    method: "post",
    path: "/v1/healing_rules",
    operationId: "createHealingRule",
    summary: "Create a healing rule: which incidents it answers and with what action",
    tag,
    scope: "healing:write",
    body: createBody,
    status: 201,
    response: ruleSchema,
    handler: async ({ body, auth, request }) => present(await rules.create({ auth, request }, body)),
  });
  api.route({
    method: "get",
    path: "/v1/healing_rules",
    operationId: "listHealingRules",
    summary: "List healing rules, newest first",
    tag,
    scope: "healing:read",
    query: z.strictObject(paginationQuery),
    response: list,
    async handler({ query, auth }) {
      const page = pageRequest(query);
      return toListResponse(await rules.list(auth, page), page, present);
    },
  });
  api.route({
    method: "get",
    path: "/v1/healing_rules/:id",
    operationId: "getHealingRule",
    summary: "Get a healing rule",
    tag,
    scope: "healing:read",
    params,
    response: ruleSchema,
    handler: async ({ params: { id }, auth }) => present(await rules.get(auth, id)),
  });
  api.route({
    method: "patch",
    path: "/v1/healing_rules/:id",
    operationId: "updateHealingRule",
    summary: "Update a healing rule",
    tag,
    scope: "healing:write",
    params,
    body: updateBody,
    response: ruleSchema,
    handler: async ({ params: { id }, body, auth, request }) => present(await rules.update({ auth, request }, id, body)),
  });
}
