import { z } from "../../http/zod.js";
import { DETECTED_TYPES } from "../detection/anomalies.js";

/** What a healing action does to a plugin: a config patch, an update or a rollback (through the agent), or only a notice. */
export const ACTION_TYPES = ["config", "update", "rollback", "notify"] as const;
/** One of {@link ACTION_TYPES}. */
export type ActionType = (typeof ACTION_TYPES)[number];

/** An action with its parameters, checked per type. */
export const actionSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("config"), params: z.record(z.string(), z.unknown()).openapi({ description: "The config patch the agent applies." }) }),
    z.strictObject({ type: z.literal("update"), params: z.strictObject({ version: z.string().min(1).max(64) }) }),
    z.strictObject({ type: z.literal("rollback"), params: z.strictObject({}).default({}) }),
    z.strictObject({ type: z.literal("notify"), params: z.strictObject({}).default({}) }),
  ])
  .openapi("HealingAction");

/** A healing action. */
export type HealingAction = z.output<typeof actionSchema>;

const names = z.array(z.string().min(1).max(100)).max(50);

/** Which incidents a rule answers; every given condition must hold, an absent one always does. */
export const matchSchema = z
  .strictObject({
    incident_types: z.array(z.enum([...DETECTED_TYPES, "missed_heartbeats"])).max(10).optional(),
    error_codes: names.optional().openapi({ description: "At least one reported error has one of these codes." }),
    message_pattern: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "RE2 syntax (linear time: no backreferences or lookaround), searched in the reported error messages and the incident summary." }),
    platforms: names.optional(),
    plugins: names.optional(),
  })
  .openapi("HealingRuleMatch");

/** A rule's match conditions. */
export type RuleMatch = z.output<typeof matchSchema>;
