import type { MappingExpr, MappingRule, MoneyExpr } from "../mapping/types.js";
import { isRecord } from "../values.js";
import type { PlatformAdapter } from "./adapter.js";

const CLOUD_EVENTS_PREFIX = "com.adobe.commerce.";
const OBSERVER = ".observer.";

// Amounts in the currency the order was placed in; REST dates are UTC without a zone.
const orderTotal: MoneyExpr = { money: "$.grand_total", currency: "$.order_currency_code" };
const order: MappingRule["order"] = {
  id: "$.entity_id",
  number: "$.increment_id",
  status: "$.status",
  customer_email: "$.customer_email",
};

function orderRule(type: MappingRule["type"], occurredAt: MappingExpr): MappingRule {
  return {
    type,
    external_id: "$.entity_id",
    occurred_at: occurredAt,
    revision: ["$.updated_at", "$.status"],
    order,
    amount: orderTotal,
  };
}

function isCloudEvent(body: unknown): body is Record<string, unknown> {
  return isRecord(body) && typeof body.specversion === "string" && "data" in body;
}

/** `com.adobe.commerce.observer.sales_order_place_after` → `sales_order_place_after`. */
function canonicalTopic(topic: string): string {
  const at = topic.lastIndexOf(OBSERVER);
  return topic.startsWith(CLOUD_EVENTS_PREFIX) && at >= 0 ? topic.slice(at + OBSERVER.length) : topic;
}

/**
 * Magento / Adobe Commerce: the REST entity (order, invoice or credit memo) as the body, or
 * an Adobe I/O Events CloudEvents envelope whose `data.value` (or `data`) holds it.
 */
export const magento: PlatformAdapter = {
  platform: "magento",
  topicFromBody: (body) => (isCloudEvent(body) && typeof body.type === "string" ? body.type : undefined),
  canonicalTopic,
  payload: (body) => {
    if (!isCloudEvent(body)) return body;
    const { data } = body;
    return isRecord(data) && isRecord(data.value) ? data.value : data;
  },
  mapping: {
    version: 1,
    platform: "magento",
    name: "Magento (built-in)",
    topics: {
      sales_order_place_after: orderRule({ const: "order.created" }, "$.created_at"),
      sales_order_save_after: orderRule({ const: "order.updated" }, "$.updated_at"),
      sales_order_save_commit_after: orderRule({ const: "order.updated" }, "$.updated_at"),
      order_cancel_after: orderRule({ const: "order.cancelled" }, "$.updated_at"),
      // The event carries the invoice; an order entity works too (it has no order_id).
      sales_order_invoice_pay: {
        type: { const: "payment.succeeded" },
        external_id: "$.entity_id",
        occurred_at: { coalesce: ["$.updated_at", "$.created_at"] },
        revision: ["$.updated_at", "$.state"],
        order: { id: { coalesce: ["$.order_id", "$.entity_id"] } },
        amount: orderTotal,
      },
      sales_order_creditmemo_save_after: {
        type: { const: "refund.issued" },
        external_id: "$.entity_id",
        occurred_at: "$.created_at",
        revision: ["$.updated_at", "$.state"],
        order: { id: "$.order_id" },
        refund: { id: "$.entity_id", order_id: "$.order_id", amount: orderTotal },
      },
    },
  },
};
