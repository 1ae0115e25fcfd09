import { describe, expect, it } from "vitest";
import { signApis } from "../test/apis.js";
import { sign, WebhookVerificationError } from "./index.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = '{"type":"checkout.created"}';
const AT = new Date("2024-02-29T23:59:59.900Z");

describe.each(signApis)("$name", (api) => {
  it("produces the Standard Webhooks headers for the given id and time", async () => {
    const headers = await api.sign({ scheme: "standard", payload: BODY, secret: SECRET, id: "msg_given", timestamp: AT });
    expect(Object.keys(headers).sort()).toEqual(["webhook-id", "webhook-signature", "webhook-timestamp"]);
    expect(headers["webhook-id"]).toBe("msg_given");
    expect(headers["webhook-timestamp"]).toBe("1709251199");
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it("makes up a random msg_ id and uses the clock when none is given", async () => {
    const before = Math.floor(Date.now() / 1000);
    const first = await api.sign({ scheme: "standard", payload: BODY, secret: SECRET });
    const second = await api.sign({ scheme: "standard", payload: BODY, secret: SECRET });
    expect(first["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(first["webhook-id"]).not.toBe(second["webhook-id"]);
    expect(Number(first["webhook-timestamp"])).toBeGreaterThanOrEqual(before);
    expect(Number(first["webhook-timestamp"])).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it("signs once per secret where the scheme carries several signatures", async () => {
    const standard = await api.sign({ scheme: "standard", payload: BODY, secret: [SECRET, "whsec_YW5vdGhlcg=="], timestamp: AT });
    expect(standard["webhook-signature"].split(" ")).toHaveLength(2);
    const stripe = await api.sign({ scheme: "stripe", payload: BODY, secret: ["a", "b", "c"], timestamp: AT });
    expect(stripe["stripe-signature"]).toMatch(/^t=1709251199(,v1=[0-9a-f]{64}){3}$/);
  });

  it.each(["shopify", "woocommerce", "github"] as const)("refuses several secrets for %s, which carries one signature", async (scheme) => {
    await expect(api.sign({ scheme, payload: BODY, secret: ["a", "b"] })).rejects.toThrow(TypeError);
  });

  it("emits each platform's header", async () => {
    const secret = "shared";
    expect(Object.keys(await api.sign({ scheme: "shopify", payload: BODY, secret }))).toEqual(["x-shopify-hmac-sha256"]);
    expect(Object.keys(await api.sign({ scheme: "woocommerce", payload: BODY, secret }))).toEqual(["x-wc-webhook-signature"]);
    expect((await api.sign({ scheme: "github", payload: BODY, secret }))["x-hub-signature-256"]).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("refuses to sign with a whpk_ public key", async () => {
    const publicKey = `whpk_${Buffer.alloc(32, 5).toString("base64")}`;
    await expect(api.sign({ scheme: "standard", payload: BODY, secret: publicKey })).rejects.toMatchObject({
      code: "invalid_secret",
    });
  });

  it("refuses an invalid timestamp and an unknown scheme", async () => {
    await expect(api.sign({ scheme: "standard", payload: BODY, secret: SECRET, timestamp: new Date(Number.NaN) })).rejects.toThrow(
      RangeError,
    );
    await expect(api.sign({ scheme: "nope" as "github", payload: BODY, secret: SECRET })).rejects.toBeInstanceOf(
      WebhookVerificationError,
    );
  });
});

describe("sign", () => {
  it("signs bytes and the same text identically", async () => {
    const options = { scheme: "stripe", secret: "whsec_x", timestamp: AT } as const;
    expect(await sign({ ...options, payload: new TextEncoder().encode(BODY) })).toEqual(await sign({ ...options, payload: BODY }));
  });
});
