import { isLosslessNumber } from "lossless-json";
import { toUtcIso } from "../dates.js";
import { InteropError } from "../errors.js";
import { NORMALIZED_EVENT_TYPES, type NormalizedEvent, type NormalizedEventType } from "../event.js";
import { sha256Hex } from "../hash.js";
import type { Money } from "../money.js";
import { describeKind, scalarKey } from "../values.js";
import { type Compiled, compileExpr, compileMoney } from "./compile.js";
import type { EvalContext } from "./context.js";
import { MISSING } from "./path.js";
import type { MappingRule } from "./types.js";

const EVENT_TYPES: ReadonlySet<string> = new Set(NORMALIZED_EVENT_TYPES);

type Field = Compiled | undefined;

/** A {@link MappingRule} with every expression compiled. */
export interface CompiledRule {
  type: Compiled;
  externalId: Compiled;
  occurredAt: Compiled;
  revision: Compiled[];
  order: { id: Compiled; number: Field; status: Field; customerEmail: Field } | undefined;
  amount: Compiled<Money> | undefined;
  refund: { id: Compiled; orderId: Compiled; amount: Compiled<Money>; reason: Field } | undefined;
  subscription: { id: Compiled; status: Compiled; interval: Field; intervalCount: Field } | undefined;
}

/** Compiles every expression of a validated rule. */
export function compileRule(rule: MappingRule): CompiledRule {
  const optional = (expr: MappingRule["type"] | undefined) => (expr === undefined ? undefined : compileExpr(expr));
  const { order, refund, subscription } = rule;
  return {
    type: compileExpr(rule.type),
    externalId: compileExpr(rule.external_id),
    occurredAt: compileExpr(rule.occurred_at),
    revision: (rule.revision ?? []).map(compileExpr),
    order: order && {
      id: compileExpr(order.id),
      number: optional(order.number),
      status: optional(order.status),
      customerEmail: optional(order.customer_email),
    },
    amount: rule.amount && compileMoney(rule.amount),
    refund: refund && {
      id: compileExpr(refund.id),
      orderId: compileExpr(refund.order_id),
      amount: compileMoney(refund.amount),
      reason: optional(refund.reason),
    },
    subscription: subscription && {
      id: compileExpr(subscription.id),
      status: compileExpr(subscription.status),
      interval: optional(subscription.interval),
      intervalCount: optional(subscription.interval_count),
    },
  };
}

/** Identity of the delivery being mapped, besides what the rule reads from it. */
export interface SourceIdentity {
  platform: NormalizedEvent["source"]["platform"];
  raw: unknown;
}

/** Evaluates a compiled rule against one delivery. */
export function runRule(rule: CompiledRule, ctx: EvalContext, identity: SourceIdentity): NormalizedEvent {
  const type = eventType(rule.type, ctx);
  const externalId = requiredId("source.external_id", rule.externalId, ctx);
  const occurredAt = requiredDate(rule.occurredAt, ctx);
  const revision = rule.revision.map((expr) => revisionPart(expr.evaluate(ctx)));
  const identityKey = JSON.stringify([identity.platform, ctx.shop, ctx.topic, type, externalId, ...revision]);
  const order = rule.order && orderOf(rule.order, ctx);
  const refund = rule.refund && type === "refund.issued" ? refundOf(rule.refund, ctx) : undefined;
  // A refund event's amount is what was refunded, whatever the order's total.
  const amount = refund ? { ...refund.amount } : rule.amount && optionalMoney(rule.amount, ctx);
  const subscription = rule.subscription && type.startsWith("subscription.") ? subscriptionOf(rule.subscription, ctx) : undefined;
  const event: Omit<NormalizedEvent, "raw" | "warnings"> = {
    id: `ie_${sha256Hex(identityKey)}`,
    type,
    occurred_at: occurredAt,
    source: { platform: identity.platform, shop: ctx.shop, topic: ctx.topic, external_id: externalId },
  };
  if (order !== undefined) event.order = order;
  if (amount !== undefined) event.amount = amount;
  if (refund !== undefined) event.refund = refund;
  if (subscription !== undefined) event.subscription = subscription;
  // Assigned last so that they come last when serialized.
  const warnings = ctx.warnings.length > 1 ? [...new Set(ctx.warnings)] : ctx.warnings;
  return Object.assign(event, { raw: identity.raw, warnings });
}

function orderOf(rule: NonNullable<CompiledRule["order"]>, ctx: EvalContext): NonNullable<NormalizedEvent["order"]> {
  const order: NonNullable<NormalizedEvent["order"]> = { id: requiredId("order.id", rule.id, ctx) };
  setText(order, "number", "order.number", rule.number, ctx);
  setText(order, "status", "order.status", rule.status, ctx);
  setText(order, "customer_email", "order.customer_email", rule.customerEmail, ctx);
  return order;
}

function optionalMoney(expr: Compiled<Money>, ctx: EvalContext): Money | undefined {
  const amount = expr.evaluate(ctx);
  if (amount === MISSING) ctx.warnings.push(`amount: missing at ${expr.source}`);
  return amount === MISSING || amount === null ? undefined : amount;
}

function refundOf(rule: NonNullable<CompiledRule["refund"]>, ctx: EvalContext): NonNullable<NormalizedEvent["refund"]> {
  const refund: NonNullable<NormalizedEvent["refund"]> = {
    id: requiredId("refund.id", rule.id, ctx),
    order_id: requiredId("refund.order_id", rule.orderId, ctx),
    amount: requiredMoney("refund.amount", rule.amount, ctx),
  };
  setText(refund, "reason", "refund.reason", rule.reason, ctx);
  return refund;
}

function subscriptionOf(
  rule: NonNullable<CompiledRule["subscription"]>,
  ctx: EvalContext,
): NonNullable<NormalizedEvent["subscription"]> {
  const subscription: NonNullable<NormalizedEvent["subscription"]> = {
    id: requiredId("subscription.id", rule.id, ctx),
    status: requiredText("subscription.status", rule.status, ctx),
  };
  setText(subscription, "interval", "subscription.interval", rule.interval, ctx);
  const count = optionalValue("subscription.interval_count", rule.intervalCount, ctx);
  if (count !== undefined) subscription.interval_count = positiveInteger(count, rule.intervalCount?.source);
  return subscription;
}

function eventType(expr: Compiled, ctx: EvalContext): NormalizedEventType {
  const value = expr.evaluate(ctx);
  if (value === MISSING || value === null || value === "") {
    throw new InteropError("missing_field", "the value that selects the event type is missing", expr.source);
  }
  if (typeof value !== "string" || !EVENT_TYPES.has(value)) {
    throw new InteropError("invalid_field", `${JSON.stringify(value)} is not a normalized event type`, expr.source);
  }
  return value as NormalizedEventType;
}

function requiredValue(field: string, expr: Compiled, ctx: EvalContext): unknown {
  const value = expr.evaluate(ctx);
  if (value === MISSING || value === null || value === "") {
    throw new InteropError("missing_field", `${field} is missing`, expr.source);
  }
  return value;
}

function requiredId(field: string, expr: Compiled, ctx: EvalContext): string {
  return identifier(field, requiredValue(field, expr, ctx), expr.source);
}

function requiredText(field: string, expr: Compiled, ctx: EvalContext): string {
  return text(field, requiredValue(field, expr, ctx), expr.source);
}

function requiredMoney(field: string, expr: Compiled<Money>, ctx: EvalContext): Money {
  const amount = expr.evaluate(ctx);
  if (amount === MISSING || amount === null) throw new InteropError("missing_field", `${field} is missing`, expr.source);
  return amount;
}

function requiredDate(expr: Compiled, ctx: EvalContext): string {
  return toUtcIso(requiredValue("occurred_at", expr, ctx), undefined, expr.source);
}

/** Optional field: absent is worth a warning, an explicit null or "" is not. */
function optionalValue(field: string, expr: Field, ctx: EvalContext): unknown {
  if (expr === undefined) return undefined;
  const value = expr.evaluate(ctx);
  if (value === MISSING) {
    ctx.warnings.push(`${field}: missing at ${expr.source}`);
    return undefined;
  }
  return value === null || value === "" ? undefined : value;
}

function setText<K extends string>(target: { [P in K]?: string }, key: K, field: string, expr: Field, ctx: EvalContext) {
  const value = optionalValue(field, expr, ctx);
  if (value !== undefined && expr !== undefined) target[key] = text(field, value, expr.source);
}

/** Ids arrive as strings, safe integers or (beyond 2^53) lossless numbers; all become strings. */
function identifier(field: string, value: unknown, source: string): string {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      const why = Number.isInteger(value) ? "is beyond 2^53 and was already rounded" : "is not an integer";
      throw new InteropError(Number.isInteger(value) ? "unsafe_number" : "invalid_field", `${field} ${value} ${why}`, source);
    }
    return String(value);
  }
  return text(field, value, source);
}

function text(field: string, value: unknown, source: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (isLosslessNumber(value)) return value.value;
  throw new InteropError("invalid_field", `${field} must be a string or number, got ${describeKind(value)}`, source);
}

function positiveInteger(value: unknown, source: string | undefined): number {
  const digits = scalarKey(value);
  const count = digits !== undefined && /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1) {
    const shown = digits ?? describeKind(value);
    throw new InteropError("invalid_field", `subscription.interval_count must be a positive integer, got ${shown}`, source);
  }
  return count;
}

function revisionPart(value: unknown): unknown {
  if (value === MISSING) return null;
  return isLosslessNumber(value) ? value.value : value;
}
