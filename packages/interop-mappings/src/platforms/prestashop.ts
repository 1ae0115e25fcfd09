import { InteropError } from "../errors.js";
import type { JsonScalar, MappingExpr, MappingRule, MoneyExpr } from "../mapping/types.js";
import { isRecord, scalarKey } from "../values.js";
import type { PlatformAdapter } from "./adapter.js";

// Default PrestaShop order states (configurable ids; these are the install defaults).
// 9 (PS_OS_OUTOFSTOCK_PAID) and 11 (PS_OS_WS_PAYMENT) are paid states too.
const ORDER_STATE: Record<string, JsonScalar> = {
  "1": "order.updated", // PS_OS_CHEQUE, awaiting check payment
  "2": "payment.succeeded", // PS_OS_PAYMENT
  "3": "order.updated", // PS_OS_PREPARATION
  "4": "order.updated", // PS_OS_SHIPPING
  "5": "order.updated", // PS_OS_DELIVERED
  "6": "order.cancelled", // PS_OS_CANCELED
  "7": "refund.issued", // PS_OS_REFUND
  "8": "payment.failed", // PS_OS_ERROR
  "9": "payment.succeeded", // PS_OS_OUTOFSTOCK_PAID
  "10": "order.updated", // PS_OS_BANKWIRE, awaiting bank wire
  "11": "payment.succeeded", // PS_OS_WS_PAYMENT, remote payment accepted
  "12": "order.updated", // PS_OS_OUTOFSTOCK_UNPAID
  "13": "order.updated", // PS_OS_COD_VALIDATION
};

// ObjectModel dates are shop-local wall-clock times; the module sends the shop's zone.
function localDate(path: string): MappingExpr {
  return { date: path, zone: "$.shop.timezone" };
}

const orderId: MappingExpr = { coalesce: ["$.order.id", "$.id_order"] };
const orderTotal: MoneyExpr = { money: "$.order.total_paid_tax_incl", currency: "@currency" };
const slipTotal: MoneyExpr = {
  money: ["$.orderSlip.total_products_tax_incl", "$.orderSlip.total_shipping_tax_incl"],
  currency: "@currency",
};
const order: MappingRule["order"] = {
  id: orderId,
  number: "$.order.reference",
  status: { coalesce: ["$.newOrderStatus.id", "$.order.current_state"] },
  customer_email: "$.customer.email",
};

/**
 * The order's ISO currency: `currency` as a Currency object, or a currency id (in
 * `currency` or `order.id_currency`) resolved through the `currencies` table the module
 * sends (`{ "1": "EUR" }`, `{ "1": { "iso_code": "EUR" } }` or `[{ "id": 1, "iso_code": "EUR" }]`).
 */
function currencyIso(payload: unknown): string | undefined {
  if (!isRecord(payload)) return undefined;
  const { currency } = payload;
  if (isRecord(currency) && typeof currency.iso_code === "string") return currency.iso_code;
  const idSource = isRecord(currency) ? (currency.id ?? currency.id_currency) : currency;
  const id = scalarKey(idSource ?? (isRecord(payload.order) ? payload.order.id_currency : undefined));
  if (id === undefined) return undefined;
  const table = payload.currencies;
  const entries = Array.isArray(table) ? table : isRecord(table) ? Object.entries(table) : [];
  for (const entry of entries) {
    const [key, value] = Array.isArray(entry) ? entry : [isRecord(entry) ? (entry.id ?? entry.id_currency) : undefined, entry];
    if (scalarKey(key) !== id) continue;
    if (typeof value === "string") return value;
    if (isRecord(value) && typeof value.iso_code === "string") return value.iso_code;
  }
  throw new InteropError("unknown_currency", `currency id ${id} is not in the currencies table`, "$.currency");
}

/** PrestaShop hooks, forwarded as JSON by the Relais module (see the README for the shape). */
export const prestashop: PlatformAdapter = {
  platform: "prestashop",
  topicFromBody: (body) => (isRecord(body) && typeof body.hook === "string" ? body.hook : undefined),
  vars: { currency: currencyIso },
  mapping: {
    version: 1,
    platform: "prestashop",
    name: "PrestaShop (built-in)",
    shop: "$.shop.domain",
    topics: {
      actionValidateOrder: {
        type: { const: "order.created" },
        external_id: orderId,
        occurred_at: localDate("$.order.date_add"),
        revision: ["$.order.date_upd"],
        order,
        amount: orderTotal,
      },
      actionPaymentConfirmation: {
        type: { const: "payment.succeeded" },
        external_id: orderId,
        occurred_at: localDate("$.order.date_upd"),
        revision: ["$.order.date_upd"],
        order,
        amount: orderTotal,
      },
      actionOrderStatusPostUpdate: {
        type: { lookup: "$.newOrderStatus.id", table: ORDER_STATE, default: "order.updated" },
        external_id: orderId,
        occurred_at: localDate("$.order.date_upd"),
        revision: ["$.newOrderStatus.id", "$.order.date_upd"],
        order,
        amount: orderTotal,
        // The refunded state alone names no slip: the whole order is taken as refunded.
        refund: {
          id: { coalesce: ["$.orderSlip.id", orderId], warn: "refund: no order slip, the order id stands for the refund id" },
          order_id: orderId,
          amount: { coalesce: [slipTotal, orderTotal] },
        },
      },
      actionOrderSlipAdd: {
        type: { const: "refund.issued" },
        external_id: "$.orderSlip.id",
        occurred_at: localDate("$.orderSlip.date_add"),
        revision: ["$.orderSlip.date_upd"],
        order,
        refund: { id: "$.orderSlip.id", order_id: orderId, amount: slipTotal },
      },
    },
  },
};
