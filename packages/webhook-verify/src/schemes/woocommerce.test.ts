import { describe, expect, it } from "vitest";
import { verifyApis } from "../../test/apis.js";

const SECRET = "wc_secret";

describe.each(verifyApis)("WooCommerce pings with $name", (api) => {
  it("recognises the unsigned ping from bytes as well as text", async () => {
    const payload = new TextEncoder().encode("webhook_id=1234");
    const result = await api.verify({ scheme: "woocommerce", payload, headers: {}, secret: SECRET });
    expect(result).toEqual({ scheme: "woocommerce", ping: true, id: undefined, timestamp: undefined, webhookId: "1234", payload: "webhook_id=1234" });
  });

  it.each(["webhook_id=", "webhook_id=12a", "webhook_id=1\n", `webhook_id=${"9".repeat(21)}`, '{"webhook_id":1}'])(
    "does not mistake %j for a ping",
    async (payload) => {
      await expect(api.verify({ scheme: "woocommerce", payload, headers: {}, secret: SECRET })).rejects.toMatchObject({
        code: "missing_header",
      });
    },
  );

  it("still refuses an unusable secret before recognising a ping", async () => {
    await expect(api.verify({ scheme: "woocommerce", payload: "webhook_id=1", headers: {}, secret: "" })).rejects.toMatchObject({
      code: "invalid_secret",
    });
  });
});
