import { z } from "zod";
import { PLATFORMS } from "../event.js";
import { parsePath } from "./path.js";
import type { JsonScalar, JsonValue, Mapping, MappingExpr, MappingRule, MoneyExpr } from "./types.js";

const pathSchema = z
  .string()
  .regex(/^[$@]/, 'a path starts with "$" (payload) or "@"')
  .superRefine((text, ctx) => {
    if (!/^[$@]/.test(text)) return; // already reported by the regex
    const parsed = parsePath(text);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  })
  .describe('A path into the payload ("$.line_items[0].price") or a delivery value ("@topic", "@header.x-name").');

const scalarSchema: z.ZodType<JsonScalar> = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const jsonSchema: z.ZodType<JsonValue> = z
  .lazy(() => z.union([scalarSchema, z.array(jsonSchema), z.record(z.string(), jsonSchema)]))
  .meta({ id: "JsonValue" });

const EXPRESSION_HINT = 'expected a path ("$.…" or "@…") or an object with one of: const, upper, date, lookup, coalesce';

/** zod schema of {@link MappingExpr}. */
export const exprSchema: z.ZodType<MappingExpr> = z.lazy(() =>
  z.union(
    [
      pathSchema,
      z.strictObject({ const: jsonSchema }),
      z.strictObject({ upper: exprSchema }),
      z.strictObject({ date: exprSchema, zone: exprSchema.optional() }),
      z.strictObject({ lookup: exprSchema, table: z.record(z.string(), scalarSchema), default: scalarSchema.optional() }),
      z.strictObject({ coalesce: z.array(exprSchema).min(2), warn: z.string().min(1).optional() }),
    ],
    { error: EXPRESSION_HINT },
  ),
).meta({ id: "MappingExpr" });

const moneyExprSchema: z.ZodType<MoneyExpr> = z.lazy(() =>
  z.union(
    [
      z.strictObject({
        money: z.union([exprSchema, z.array(exprSchema).min(1)]),
        currency: exprSchema,
        negate: z.boolean().optional(),
      }),
      z.strictObject({ coalesce: z.array(moneyExprSchema).min(2), warn: z.string().min(1).optional() }),
    ],
    { error: 'expected { "money": …, "currency": … } or { "coalesce": [money, …] }' },
  ),
).meta({ id: "MoneyExpr" });

const ruleSchema: z.ZodType<MappingRule> = z
  .strictObject({
  type: exprSchema,
  external_id: exprSchema,
  occurred_at: exprSchema,
  revision: z.array(exprSchema).optional(),
  order: z
    .strictObject({
      id: exprSchema,
      number: exprSchema.optional(),
      status: exprSchema.optional(),
      customer_email: exprSchema.optional(),
    })
    .optional(),
  amount: moneyExprSchema.optional(),
  refund: z
    .strictObject({ id: exprSchema, order_id: exprSchema, amount: moneyExprSchema, reason: exprSchema.optional() })
    .optional(),
  subscription: z
    .strictObject({
      id: exprSchema,
      status: exprSchema,
      interval: exprSchema.optional(),
      interval_count: exprSchema.optional(),
    })
    .optional(),
  })
  .meta({ id: "MappingRule" });

/**
 * zod schema of a {@link Mapping} document (structure and path syntax). `validateMapping`
 * adds the checks that need the platform: `@names` it provides and valid event types.
 *
 * @example
 * mappingSchema.safeParse(JSON.parse(row.document)).success
 */
export const mappingSchema: z.ZodType<Mapping> = z
  .strictObject({
    version: z.literal(1),
    platform: z.enum([...PLATFORMS, "custom"]),
    name: z.string().min(1).optional(),
    topic: exprSchema.optional(),
    shop: exprSchema.optional(),
    topics: z
      .record(z.string().min(1), ruleSchema)
      .refine((topics) => Object.keys(topics).length > 0, "a mapping needs at least one topic"),
  })
  .meta({ title: "Relais interop mapping", description: "How deliveries of one source become NormalizedEvents." });
