import { signSync } from "@relais/webhook-verify/node";
import { describe, expect, it } from "vitest";
import { verifyAndNormalizeSync } from "./node.js";

describe("@relais/interop-mappings/node", () => {
  const body = JSON.stringify({ entity_id: 12, increment_id: "12", status: "pending", grand_total: 36.39, order_currency_code: "USD", created_at: "2024-05-20 18:42:07" });
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  it("verifies synchronously with an explicit scheme, then normalizes", () => {
    const headers = signSync({ scheme: "standard", payload: body, secret });
    const event = verifyAndNormalizeSync({ platform: "magento", topic: "sales_order_place_after", scheme: "standard", body, headers, secret });
    expect(event).toMatchObject({ type: "order.created", amount: { value: 3639, currency: "USD" } });
  });

  it("throws the verifier's error for a wrong secret", () => {
    const headers = signSync({ scheme: "standard", payload: body, secret });
    const other = "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    expect(() =>
      verifyAndNormalizeSync({ platform: "magento", topic: "sales_order_place_after", scheme: "standard", body, headers, secret: other }),
    ).toThrow(expect.objectContaining({ code: "invalid_signature" }));
  });
});
