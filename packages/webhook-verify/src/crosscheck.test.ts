// Cross-checks with the libraries this package replaces: what they sign, we verify; what we
// sign, they verify.
import { Webhook as StandardWebhooks } from "standardwebhooks";
import Stripe from "stripe";
import { Webhook as Svix } from "svix";
import { describe, expect, it } from "vitest";
import { signApis, verifyApis } from "../test/apis.js";
import { generateStandardSecret } from "./index.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STRIPE_SECRET = "whsec_7mWq0cTzR1b4sVnKpYx2Lg9e";
const BODY = JSON.stringify({ type: "invoice.paid", data: { id: "in_1", total: 1999, note: "façade ✓" } });

describe.each(signApis)("what $name produces", ({ sign: signWith }) => {
  it("verifies with standardwebhooks", async () => {
    const headers = await signWith({ scheme: "standard", payload: BODY, secret: SECRET });
    expect(new StandardWebhooks(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it("verifies with standardwebhooks from a Buffer body", async () => {
    const payload = Buffer.from(BODY);
    const headers = await signWith({ scheme: "standard", payload, secret: SECRET });
    expect(new StandardWebhooks(SECRET).verify(payload, headers)).toEqual(JSON.parse(BODY));
  });

  it("verifies with standardwebhooks for a raw-bytes secret", async () => {
    const key = new TextEncoder().encode("raw key bytes, no base64");
    const headers = await signWith({ scheme: "standard", payload: BODY, secret: key });
    expect(new StandardWebhooks(key, { format: "raw" }).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it("verifies with standardwebhooks for each secret of a rotation", async () => {
    const next = generateStandardSecret();
    const headers = await signWith({ scheme: "standard", payload: BODY, secret: [SECRET, next] });
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new StandardWebhooks(SECRET).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(new StandardWebhooks(next).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(() => new StandardWebhooks(generateStandardSecret()).verify(BODY, headers)).toThrow();
  });

  it("verifies with svix's Webhook, under webhook-* and svix-* names", async () => {
    const headers = await signWith({ scheme: "standard", payload: BODY, secret: SECRET, id: "msg_svix_1" });
    const svix = new Svix(SECRET);
    expect(svix.verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(
      svix.verify(BODY, {
        "svix-id": headers["webhook-id"],
        "svix-timestamp": headers["webhook-timestamp"],
        "svix-signature": headers["webhook-signature"],
      }),
    ).toEqual(JSON.parse(BODY));
    expect(() => svix.verify(`${BODY} `, headers)).toThrow();
  });

  it("verifies with stripe's webhooks.constructEvent", async () => {
    const headers = await signWith({ scheme: "stripe", payload: BODY, secret: STRIPE_SECRET });
    expect(Stripe.webhooks.constructEvent(BODY, headers["stripe-signature"], STRIPE_SECRET)).toEqual(JSON.parse(BODY));
    expect(() => Stripe.webhooks.constructEvent(BODY, headers["stripe-signature"], "whsec_other")).toThrow();
  });

  it("verifies with stripe for each secret of a rotation", async () => {
    const headers = await signWith({ scheme: "stripe", payload: BODY, secret: ["whsec_old", STRIPE_SECRET] });
    for (const secret of ["whsec_old", STRIPE_SECRET]) {
      expect(Stripe.webhooks.constructEvent(BODY, headers["stripe-signature"], secret)).toEqual(JSON.parse(BODY));
    }
  });
});

describe.each(verifyApis)("$name accepts", (api) => {
  it("standardwebhooks' sign()", async () => {
    const timestamp = new Date();
    const signature = new StandardWebhooks(SECRET).sign("msg_sw_1", timestamp, BODY);
    const headers = {
      "webhook-id": "msg_sw_1",
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": signature,
    };
    const webhook = await api.verify({ scheme: "standard", payload: BODY, headers, secret: SECRET });
    expect(webhook.id).toBe("msg_sw_1");
    expect(webhook.json()).toEqual(JSON.parse(BODY));
  });

  it("svix's sign(), sent under svix-* names", async () => {
    const timestamp = new Date();
    const headers = {
      "svix-id": "msg_svix_2",
      "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "svix-signature": new Svix(SECRET).sign("msg_svix_2", timestamp, BODY),
    };
    const webhook = await api.verify({ scheme: "standard", payload: Buffer.from(BODY), headers, secret: SECRET });
    expect(webhook.id).toBe("msg_svix_2");
    await expect(
      api.verify({ scheme: "standard", payload: BODY, headers, secret: generateStandardSecret() }),
    ).rejects.toMatchObject({ code: "invalid_signature" });
  });

  it("stripe's webhooks.generateTestHeaderString()", async () => {
    const header = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: STRIPE_SECRET });
    const webhook = await api.verify({
      scheme: "stripe",
      payload: BODY,
      headers: { "Stripe-Signature": header },
      secret: STRIPE_SECRET,
    });
    expect(webhook.json()).toEqual(JSON.parse(BODY));
    await expect(
      api.verify({ scheme: "stripe", payload: BODY, headers: { "Stripe-Signature": header }, secret: "whsec_other" }),
    ).rejects.toMatchObject({ code: "invalid_signature" });
  });

  it("stripe's header with an explicit timestamp, checked against our tolerance", async () => {
    const timestamp = 1_700_000_000;
    const header = Stripe.webhooks.generateTestHeaderString({ payload: BODY, secret: STRIPE_SECRET, timestamp });
    const options = { scheme: "stripe", payload: BODY, headers: { "stripe-signature": header }, secret: STRIPE_SECRET } as const;
    const webhook = await api.verify({ ...options, now: new Date((timestamp + 60) * 1000) });
    expect(webhook.timestamp.getTime()).toBe(timestamp * 1000);
    await expect(api.verify({ ...options, now: new Date((timestamp + 301) * 1000) })).rejects.toMatchObject({
      code: "timestamp_too_old",
    });
  });
});
