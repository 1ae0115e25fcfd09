import type { JsonScalar, MappingExpr, MappingRule, MoneyExpr } from "../mapping/types.js";
import type { PlatformAdapter } from "./adapter.js";

// WooCommerce has no "paid" topic: an order's new status says what happened.
const ORDER_STATUS: Record<string, JsonScalar> = {
  processing: "payment.succeeded",
  completed: "payment.succeeded",
  failed: "payment.failed",
  cancelled: "order.cancelled",
  refunded: "refund.issued",
  pending: "order.updated",
  "on-hold": "order.updated",
  "checkout-draft": "order.updated",
};

const SUBSCRIPTION_STATUS: Record<string, JsonScalar> = {
  cancelled: "subscription.cancelled",
  active: "subscription.updated",
  "on-hold": "subscription.updated",
  pending: "subscription.updated",
  "pending-cancel": "subscription.updated",
  expired: "subscription.updated",
};

// The `*_gmt` fields are UTC; the plain ones are store-local time without a zone.
function gmt(field: string): MappingExpr {
  return {
    coalesce: [`$.${field}_gmt`, `$.${field}`],
    warn: `${field}_gmt missing: read the store-local ${field} as UTC`,
  };
}

const total: MoneyExpr = { money: "$.total", currency: "$.currency" };
const revision: MappingExpr[] = ["$.date_modified_gmt", "$.status"];
const order: MappingRule["order"] = { id: "$.id", number: "$.number", status: "$.status", customer_email: "$.billing.email" };

// `refunds` lists the newest refund first, each with a negative total.
const refund: MappingRule["refund"] = {
  id: { coalesce: ["$.refunds[0].id", "$.id"], warn: "refund: no refund line, the order id stands for the refund id" },
  order_id: "$.id",
  amount: {
    coalesce: [
      { money: "$.refunds[0].total", currency: "$.currency", negate: true },
      { money: "$.total", currency: "$.currency" },
    ],
    warn: "refund: no refund line, the order total stands for the refunded amount",
  },
  reason: "$.refunds[0].reason",
};

function subscriptionRule(type: MappingExpr): MappingRule {
  return {
    type,
    external_id: "$.id",
    occurred_at: gmt("date_modified"),
    revision,
    amount: total,
    subscription: { id: "$.id", status: "$.status", interval: "$.billing_period", interval_count: "$.billing_interval" },
  };
}

/** WooCommerce webhooks (REST API v3 payloads, topic and source in `X-WC-Webhook-*` headers). */
export const woocommerce: PlatformAdapter = {
  platform: "woocommerce",
  topicHeader: "x-wc-webhook-topic",
  // The source is the site URL; the shop is its host and path, as in "shop.example/fr".
  shopFromHeaders: (header) => header("x-wc-webhook-source")?.replace(/^https?:\/\//i, "").replace(/\/+$/, ""),
  // On creation WooCommerce posts `webhook_id=<id>` (form-encoded) to test the URL.
  isPing: (text) => text.startsWith("webhook_id=") && /^webhook_id=\d+\s*$/.test(text),
  mapping: {
    version: 1,
    platform: "woocommerce",
    name: "WooCommerce (built-in)",
    topics: {
      "order.created": {
        type: { const: "order.created" },
        external_id: "$.id",
        occurred_at: gmt("date_created"),
        revision,
        order,
        amount: total,
      },
      "order.updated": {
        type: { lookup: "$.status", table: ORDER_STATUS, default: "order.updated" },
        external_id: "$.id",
        occurred_at: gmt("date_modified"),
        revision,
        order,
        amount: total,
        refund,
      },
      "subscription.created": subscriptionRule({ const: "subscription.created" }),
      "subscription.updated": subscriptionRule({ lookup: "$.status", table: SUBSCRIPTION_STATUS, default: "subscription.updated" }),
      "subscription.switched": subscriptionRule({ const: "subscription.updated" }),
      "subscription.deleted": subscriptionRule({ const: "subscription.cancelled" }),
    },
  },
};
