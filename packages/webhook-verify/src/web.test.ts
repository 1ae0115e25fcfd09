import { describe, expect, it } from "vitest";
import { sign, WebhookVerificationError } from "./index.js";
import { verifyRequest, webhookErrorResponse, webhookHandler } from "./web.js";

const SHOPIFY_SECRET = "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";
const BODY = '{"id":820982911946154511,"email":"jon@example.com","total_price":"403.00"}';

async function shopifyRequest(body: string, signedBody = body): Promise<Request> {
  const signature = await sign({ scheme: "shopify", payload: signedBody, secret: SHOPIFY_SECRET });
  return new Request("https://receiver.example/webhooks/shopify", {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Shop-Domain": "example.myshopify.com",
      "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
      ...signature,
    },
  });
}

describe("verifyRequest", () => {
  it("verifies a Web Request's raw body and headers", async () => {
    const webhook = await verifyRequest(await shopifyRequest(BODY), { scheme: "shopify", secret: SHOPIFY_SECRET });
    expect(webhook.topic).toBe("orders/create");
    expect(webhook.shopDomain).toBe("example.myshopify.com");
    expect(webhook.id).toBe("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    // The body is kept as sent: the id beyond 2^53 would not survive a parse and re-serialization.
    expect(webhook.payload).toBe(BODY);
  });

  it("rejects a Request whose body differs from what was signed", async () => {
    const request = await shopifyRequest(BODY.replace("403.00", "4.00"), BODY);
    await expect(verifyRequest(request, { scheme: "shopify", secret: SHOPIFY_SECRET })).rejects.toMatchObject({
      code: "invalid_signature",
    });
  });
});

describe("webhookHandler", () => {
  const handler = webhookHandler({ scheme: "shopify", secret: SHOPIFY_SECRET }, (webhook) =>
    Response.json({ topic: webhook.topic, total: webhook.json<{ total_price: string }>().total_price }),
  );

  it("hands verified deliveries to the handler", async () => {
    const response = await handler(await shopifyRequest(BODY));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ topic: "orders/create", total: "403.00" });
  });

  it("answers failures with a 400 problem+json Response", async () => {
    const response = await handler(new Request("https://receiver.example/", { method: "POST", body: BODY }));
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual({
      type: "https://relais.dev/problems/missing_header",
      title: "Webhook signature header missing",
      status: 400,
      code: "missing_header",
    });
  });

  it("lets errors other than verification failures propagate", async () => {
    const broken = webhookHandler({ scheme: "shopify", secret: SHOPIFY_SECRET }, () => {
      throw new RangeError("handler bug");
    });
    await expect(broken(await shopifyRequest(BODY))).rejects.toThrow(RangeError);
    const misconfigured = webhookHandler({ scheme: "shopify", secret: SHOPIFY_SECRET, toleranceSeconds: -1 }, () =>
      Response.json({}),
    );
    await expect(misconfigured(await shopifyRequest(BODY))).rejects.toThrow(RangeError);
  });
});

describe("webhookErrorResponse", () => {
  it("never echoes the error message, only its code", async () => {
    const response = webhookErrorResponse(new WebhookVerificationError("timestamp_too_old", "internal detail"));
    const text = await response.text();
    expect(text).not.toContain("internal detail");
    expect(JSON.parse(text)).toMatchObject({ code: "timestamp_too_old", title: "Webhook timestamp too old" });
  });
});
