import { sign, WebhookVerificationError } from "@relais/webhook-verify";
import { describe, expect, it } from "vitest";
import { InteropError } from "./errors.js";
import { verifyAndNormalize } from "./verify.js";

const body = JSON.stringify({
  id: 1842,
  status: "processing",
  currency: "EUR",
  total: "29.35",
  number: "1842",
  billing: { email: "lea@example.org" },
  date_modified_gmt: "2024-03-10T13:03:40",
});
const secret = "wc-secret-for-tests";
const wooHeaders = { "X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Source": "https://boutique.example/" };

describe("verifyAndNormalize", () => {
  it("normalizes a delivery whose WooCommerce signature matches", async () => {
    const signature = await sign({ scheme: "woocommerce", payload: body, secret });
    const event = await verifyAndNormalize({ platform: "woocommerce", body, headers: { ...wooHeaders, ...signature }, secret });
    expect(event).toMatchObject({ type: "payment.succeeded", source: { shop: "boutique.example" }, amount: { value: 2935, currency: "EUR" } });
  });

  it("rejects a tampered body with the verifier's own error", async () => {
    const signature = await sign({ scheme: "woocommerce", payload: body, secret });
    const tampered = body.replace("29.35", "2.35");
    const delivery = verifyAndNormalize({ platform: "woocommerce", body: tampered, headers: { ...wooHeaders, ...signature }, secret });
    await expect(delivery).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(delivery).rejects.toMatchObject({ code: "invalid_signature" });
  });

  it("checks Shopify's signature and Standard Webhooks for the PrestaShop module", async () => {
    const shopifyBody = JSON.stringify({ id: 7, updated_at: "2024-01-02T03:04:05Z", total_price: "1.00", currency: "USD", name: "#7", email: "a@b.test", financial_status: "paid" });
    const shopifyHeaders = { ...(await sign({ scheme: "shopify", payload: shopifyBody, secret })), "x-shopify-topic": "orders/paid" };
    expect((await verifyAndNormalize({ platform: "shopify", body: shopifyBody, headers: shopifyHeaders, secret })).type).toBe("payment.succeeded");

    const moduleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const psBody = JSON.stringify({
      hook: "actionPaymentConfirmation",
      order: { id: 27, reference: "XKB", current_state: 2, total_paid_tax_incl: "169.900000", date_upd: "2024-07-16 09:05:12" },
      currency: { iso_code: "EUR" },
      customer: { email: "m@example.fr" },
      shop: { domain: "ps.example", timezone: "Europe/Paris" },
    });
    const psHeaders = await sign({ scheme: "standard", payload: psBody, secret: moduleSecret });
    expect((await verifyAndNormalize({ platform: "prestashop", body: psBody, headers: psHeaders, secret: moduleSecret })).amount).toEqual({
      value: 16990,
      currency: "EUR",
    });
    await expect(verifyAndNormalize({ platform: "prestashop", body: psBody, headers: {}, secret: moduleSecret })).rejects.toMatchObject({
      code: "missing_header",
    });
  });

  it("lets WooCommerce's unsigned ping through verification, then reports it", async () => {
    const delivery = verifyAndNormalize({ platform: "woocommerce", body: "webhook_id=4", headers: wooHeaders, secret });
    await expect(delivery).rejects.toMatchObject({ code: "webhook_ping" });
  });

  it("needs a scheme for sources without a known signature", async () => {
    const delivery = verifyAndNormalize({ platform: "magento", topic: "sales_order_place_after", body: "{}", headers: {}, secret });
    await expect(delivery).rejects.toBeInstanceOf(InteropError);
    await expect(delivery).rejects.toMatchObject({ code: "unsupported_signature" });
  });
});
