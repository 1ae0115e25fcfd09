import { describe, expect, it } from "vitest";
import { InteropError } from "../errors.js";
import { normalize } from "../normalize.js";

const order = { id: 27, reference: "XKBKNABJK", id_currency: 2, current_state: 2, total_paid_tax_incl: "169.900000", date_upd: "2024-07-16 09:05:12" };
const shop = { domain: "boutique-ps.example", timezone: "Europe/Paris" };
const customer = { id: 9, email: "marie@example.fr" };
const confirm = (body: Record<string, unknown>) =>
  normalize({ platform: "prestashop", body: { hook: "actionPaymentConfirmation", shop, id_order: 27, order, customer, ...body } });

describe("prestashop currencies", () => {
  it.each([
    ["a Currency object", { currency: { id: 2, iso_code: "CHF" } }],
    ["an id and an id → code table", { currency: 2, currencies: { "1": "EUR", "2": "chf" } }],
    ["an id and a table of Currency objects", { currency: "2", currencies: { "2": { iso_code: "CHF" } } }],
    ["an id and a list of Currency objects", { currency: { id: 2 }, currencies: [{ id: 1, iso_code: "EUR" }, { id_currency: 2, iso_code: "CHF" }] }],
    ["the order's id_currency and a table", { currencies: [{ id: "2", iso_code: "CHF" }] }],
  ])("resolves %s", (_what, body) => {
    expect(confirm(body).amount).toEqual({ value: 16990, currency: "CHF" });
  });

  it("rejects a currency id missing from the table", () => {
    try {
      confirm({ currency: 3, currencies: { "1": "EUR" } });
      expect.unreachable();
    } catch (error) {
      expect([(error as InteropError).code, (error as InteropError).path]).toEqual(["unknown_currency", "$.currency"]);
    }
  });
});

describe("prestashop hooks", () => {
  it("reads the hook name and shop from the body", () => {
    const event = confirm({ currency: { iso_code: "EUR" } });
    expect(event.source).toMatchObject({ topic: "actionPaymentConfirmation", shop: "boutique-ps.example", external_id: "27" });
    expect(event.occurred_at).toBe("2024-07-16T07:05:12.000Z");
  });

  it("reads local dates as UTC, with a warning, when the module sends no time zone", () => {
    const event = confirm({ currency: { iso_code: "EUR" }, shop: { domain: "x.example" } });
    expect(event.occurred_at).toBe("2024-07-16T09:05:12.000Z");
    expect(event.warnings).toEqual(["date: no time zone at $.shop.timezone; $.order.date_upd read as UTC"]);
  });

  it.each([
    [2, "payment.succeeded", []],
    [9, "payment.succeeded", []],
    [11, "payment.succeeded", []],
    [6, "order.cancelled", []],
    [8, "payment.failed", []],
    [5, "order.updated", []],
    [21, "order.updated", ['lookup: unmapped value "21" at $.newOrderStatus.id; used "order.updated"']],
  ])("maps new state %d to %s", (state, type, warnings) => {
    const event = normalize({
      platform: "prestashop",
      topic: "actionOrderStatusPostUpdate",
      body: { shop, id_order: 27, newOrderStatus: { id: state }, order, customer, currency: { iso_code: "EUR" } },
    });
    expect(event).toMatchObject({ type, warnings, order: { status: String(state) } });
  });

  it("sums an order slip's products and shipping", () => {
    const orderSlip = { id: 4, total_products_tax_incl: "20.000000", total_shipping_tax_incl: "4.990000", date_add: "2024-11-05 16:12:40" };
    const event = normalize({ platform: "prestashop", topic: "actionOrderSlipAdd", body: { shop, order, orderSlip, currency: { iso_code: "EUR" } } });
    expect(event.refund).toEqual({ id: "4", order_id: "27", amount: { value: 2499, currency: "EUR" } });
  });
});
