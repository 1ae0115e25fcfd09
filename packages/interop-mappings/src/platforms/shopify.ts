import { resolveCurrency } from "../currencies.js";
import { InteropError } from "../errors.js";
import type { NormalizedEventType } from "../event.js";
import { fromMinorUnits, parseAmount } from "../money.js";
import type { MappingExpr, MappingRule, MoneyExpr } from "../mapping/types.js";
import { isRecord } from "../values.js";
import type { PlatformAdapter } from "./adapter.js";

// Money: the shop currency, from the `*_set.shop_money` pair when present.
const orderTotal: MoneyExpr = {
  coalesce: [
    { money: "$.total_price_set.shop_money.amount", currency: "$.total_price_set.shop_money.currency_code" },
    { money: "$.total_price", currency: "$.currency" },
  ],
};

const order: MappingRule["order"] = {
  id: "$.id",
  number: "$.name",
  status: "$.financial_status",
  customer_email: { coalesce: ["$.email", "$.contact_email", "$.customer.email"] },
};

function orderRule(type: NormalizedEventType, occurredAt: MappingExpr): MappingRule {
  return { type: { const: type }, external_id: "$.id", occurred_at: occurredAt, revision: ["$.updated_at"], order, amount: orderTotal };
}

// Contract payloads carry no timestamp: the delivery header is the only source.
function contractRule(type: NormalizedEventType): MappingRule {
  return {
    type: { const: type },
    external_id: "$.id",
    occurred_at: "@header.x-shopify-triggered-at",
    revision: ["$.revision_id", "$.status"],
    subscription: {
      id: "$.id",
      status: "$.status",
      interval: "$.billing_policy.interval",
      interval_count: "$.billing_policy.interval_count",
    },
  };
}

const refundTotal: MoneyExpr = { money: "@refund_amount", currency: "@refund_currency" };

/**
 * Sums the refund's money transactions (a refund may be split over several gateways).
 * Failed or errored transactions moved no money and are left out, with a warning.
 */
function refundTotals(payload: unknown, warnings: string[]): { amount: string; currency: string } | undefined {
  if (!isRecord(payload) || !Array.isArray(payload.transactions)) return undefined;
  let currency: { code: string; exponent: number } | undefined;
  let total = 0;
  for (const [i, transaction] of payload.transactions.entries()) {
    if (!isRecord(transaction) || transaction.kind !== "refund") continue;
    const path = `$.transactions[${i}]`;
    if (transaction.status === "failure" || transaction.status === "error") {
      warnings.push(`refund: ${path} has status "${transaction.status}" and is not counted`);
      continue;
    }
    if (typeof transaction.currency !== "string") {
      throw new InteropError("missing_field", "refund transaction has no currency", `${path}.currency`);
    }
    const found = resolveCurrency(transaction.currency, `${path}.currency`);
    if (currency !== undefined && currency.code !== found.code) {
      throw new InteropError("currency_mismatch", `refund mixes ${currency.code} and ${found.code}`, `${path}.currency`);
    }
    currency = found;
    total += parseAmount(transaction.amount, found.exponent, `${path}.amount`);
  }
  if (currency === undefined) return lineItemsOnly(payload);
  if (!Number.isSafeInteger(total)) {
    throw new InteropError("amount_out_of_range", "refund total is beyond Number.MAX_SAFE_INTEGER", "$.transactions");
  }
  return { amount: fromMinorUnits(total, currency.code), currency: currency.code };
}

/** A refund with no money transaction (a restock, a zero refund) refunds zero. */
function lineItemsOnly(payload: Record<string, unknown>): { amount: string; currency: string } | undefined {
  const lines = Array.isArray(payload.refund_line_items) ? payload.refund_line_items : [];
  const first: unknown = lines[0];
  const set = isRecord(first) && isRecord(first.subtotal_set) ? first.subtotal_set.shop_money : undefined;
  if (!isRecord(set) || typeof set.currency_code !== "string") return undefined;
  return { amount: "0", currency: set.currency_code };
}

/** Shopify webhooks (REST payloads, topic and shop in `X-Shopify-*` headers). */
export const shopify: PlatformAdapter = {
  platform: "shopify",
  topicHeader: "x-shopify-topic",
  shopFromHeaders: (header) => header("x-shopify-shop-domain"),
  vars: {
    refund_amount: (payload, warnings) => refundTotals(payload, warnings)?.amount,
    refund_currency: (payload, warnings) => refundTotals(payload, warnings)?.currency,
  },
  mapping: {
    version: 1,
    platform: "shopify",
    name: "Shopify (built-in)",
    topics: {
      "checkouts/create": {
        type: { const: "checkout.created" },
        external_id: "$.id",
        occurred_at: "$.created_at",
        revision: ["$.updated_at"],
        amount: orderTotal,
      },
      "orders/create": orderRule("order.created", "$.created_at"),
      "orders/updated": orderRule("order.updated", "$.updated_at"),
      "orders/fulfilled": orderRule("order.updated", "$.updated_at"),
      "orders/partially_fulfilled": orderRule("order.updated", "$.updated_at"),
      "orders/paid": orderRule("payment.succeeded", "$.updated_at"),
      "orders/cancelled": orderRule("order.cancelled", { coalesce: ["$.cancelled_at", "$.updated_at"] }),
      "refunds/create": {
        type: { const: "refund.issued" },
        external_id: "$.id",
        occurred_at: { coalesce: ["$.processed_at", "$.created_at"] },
        revision: ["$.created_at"],
        order: { id: "$.order_id" },
        refund: { id: "$.id", order_id: "$.order_id", amount: refundTotal, reason: "$.note" },
      },
      "subscription_contracts/create": contractRule("subscription.created"),
      "subscription_contracts/update": contractRule("subscription.updated"),
      "subscription_contracts/activate": contractRule("subscription.updated"),
      "subscription_contracts/pause": contractRule("subscription.updated"),
      "subscription_contracts/fail": contractRule("subscription.updated"),
      "subscription_contracts/cancel": contractRule("subscription.cancelled"),
      "subscription_contracts/expire": contractRule("subscription.cancelled"),
    },
  },
};
