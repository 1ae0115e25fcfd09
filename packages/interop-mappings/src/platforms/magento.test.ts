import { describe, expect, it } from "vitest";
import { normalize } from "../normalize.js";

const order = {
  entity_id: 12,
  increment_id: "000000012",
  status: "processing",
  customer_email: "j@example.com",
  grand_total: 36.39,
  order_currency_code: "USD",
  created_at: "2024-05-20 18:42:07",
  updated_at: "2024-05-21 09:14:56",
};

describe("magento", () => {
  it("accepts the full CloudEvents type as topic", () => {
    const event = normalize({ platform: "magento", topic: "com.adobe.commerce.observer.sales_order_save_commit_after", body: order });
    expect(event.source.topic).toBe("sales_order_save_commit_after");
    expect(event.type).toBe("order.updated");
  });

  it("opens envelopes whose data is the entity itself", () => {
    const envelope = { specversion: "1.0", type: "com.adobe.commerce.observer.order_cancel_after", id: "e1", data: { ...order, status: "canceled" } };
    const event = normalize({ platform: "magento", body: JSON.stringify(envelope) });
    expect(event).toMatchObject({ type: "order.cancelled", order: { id: "12", status: "canceled" } });
    expect(event.raw).toEqual(envelope);
  });

  it("reads sales_order_invoice_pay from an order entity as well as an invoice", () => {
    const fromOrder = normalize({ platform: "magento", topic: "sales_order_invoice_pay", body: order });
    expect(fromOrder).toMatchObject({ type: "payment.succeeded", order: { id: "12" }, amount: { value: 3639, currency: "USD" } });
    const fromInvoice = normalize({ platform: "magento", topic: "sales_order_invoice_pay", body: { ...order, entity_id: 7, order_id: 12 } });
    expect(fromInvoice).toMatchObject({ order: { id: "12" }, source: { external_id: "7" } });
  });

  it("reads amounts stored as four-decimal strings", () => {
    const event = normalize({ platform: "magento", topic: "sales_order_place_after", body: { ...order, grand_total: "36.3900", order_currency_code: "KWD" } });
    expect(event.amount).toEqual({ value: 36390, currency: "KWD" });
  });
});
