import { describe, expect, expectTypeOf, it } from "vitest";
import { verifyApis } from "../test/apis.js";
import {
  verify,
  WebhookVerificationError,
  type StandardWebhook,
  type StripeWebhook,
  type VerifiedWebhook,
  type WooCommercePing,
  type WooCommerceWebhook,
} from "./index.js";
import { signSync, verifySync } from "./node.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = JSON.stringify({ type: "refund.issued", data: { amount: 1250, currency: "XOF" } });
const NOW = new Date("2025-03-01T09:30:00Z");
const headers = signSync({ scheme: "standard", payload: BODY, secret: SECRET, id: "msg_verify", timestamp: NOW });
const base = { scheme: "standard", payload: BODY, headers, secret: SECRET, now: NOW } as const;

function sharedCopy(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return shared;
}

async function failure(run: Promise<unknown>): Promise<WebhookVerificationError> {
  const error = await run.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof WebhookVerificationError)) throw new Error(`expected a WebhookVerificationError, got ${String(error)}`);
  return error;
}

describe.each(verifyApis)("$name", (api) => {
  it("returns the id, the signed time and the body, and parses JSON only on request", async () => {
    const webhook = await api.verify(base);
    expect(webhook).toMatchObject({ scheme: "standard", id: "msg_verify", timestamp: NOW, payload: BODY });
    expect(webhook.json()).toEqual(JSON.parse(BODY));
  });

  it("accepts a body that is not JSON; json() then throws and verification does not", async () => {
    const payload = "plain text, not JSON";
    const signed = signSync({ scheme: "standard", payload, secret: SECRET, timestamp: NOW });
    const webhook = await api.verify({ ...base, payload, headers: signed });
    expect(webhook.payload).toBe(payload);
    expect(() => webhook.json()).toThrow(SyntaxError);
  });

  it.each([
    ["a string", BODY],
    ["a Uint8Array", new TextEncoder().encode(BODY)],
    ["a Buffer", Buffer.from(BODY)],
    ["a Buffer slice of a larger pool", Buffer.from(`xx${BODY}yy`).subarray(2, 2 + Buffer.byteLength(BODY))],
    ["an ArrayBuffer", new TextEncoder().encode(BODY).buffer],
    ["a Uint8Array over a SharedArrayBuffer", sharedCopy(new TextEncoder().encode(BODY))],
  ])("accepts the body as %s", async (_kind, payload) => {
    await expect(api.verify({ ...base, payload })).resolves.toMatchObject({ payload: BODY });
  });

  it("accepts a Fetch Headers instance and Node's headers with repeated values", async () => {
    await expect(api.verify({ ...base, headers: new Headers(headers) })).resolves.toMatchObject({ id: "msg_verify" });
    const rotated = signSync({ scheme: "standard", payload: BODY, secret: [SECRET, "whsec_b2xkLXNlY3JldA=="], id: "msg_verify", timestamp: NOW });
    const [first, second] = rotated["webhook-signature"].split(" ");
    const repeated = { ...rotated, "webhook-signature": [second!, first!] };
    await expect(api.verify({ ...base, headers: repeated })).resolves.toMatchObject({ id: "msg_verify" });
    const fetchHeaders = new Headers({ "webhook-id": "msg_verify", "webhook-timestamp": rotated["webhook-timestamp"] });
    fetchHeaders.append("webhook-signature", second!);
    fetchHeaders.append("webhook-signature", first!);
    await expect(api.verify({ ...base, headers: fetchHeaders })).resolves.toMatchObject({ id: "msg_verify" });
  });

  it("disables the timestamp check with toleranceSeconds: Infinity", async () => {
    const decadeLater = new Date(NOW.getTime() + 10 * 365 * 86_400_000);
    expect((await failure(api.verify({ ...base, now: decadeLater }))).code).toBe("timestamp_too_old");
    await expect(api.verify({ ...base, now: decadeLater, toleranceSeconds: Infinity })).resolves.toBeDefined();
  });

  it("checks against the real clock when no now is given", async () => {
    const fresh = signSync({ scheme: "standard", payload: BODY, secret: SECRET });
    await expect(api.verify({ scheme: "standard", payload: BODY, headers: fresh, secret: SECRET })).resolves.toBeDefined();
    expect((await failure(api.verify({ ...base, now: undefined }))).code).toBe("timestamp_too_old");
  });

  it("refuses unknown schemes with unsupported_scheme", async () => {
    const error = await failure(api.verify({ ...base, scheme: "paypal" as "standard" }));
    expect(error.code).toBe("unsupported_scheme");
    expect(error.message).toContain("paypal");
  });

  it("refuses a whsk_ secret key: receivers verify with the public key", async () => {
    const secretKey = `whsk_${Buffer.alloc(64, 3).toString("base64")}`;
    expect((await failure(api.verify({ ...base, secret: secretKey }))).code).toBe("invalid_secret");
  });

  it("reports a bad secret even when the request is garbage, so misconfiguration shows at once", async () => {
    expect((await failure(api.verify({ ...base, headers: {}, secret: "whsec_%%%" }))).code).toBe("invalid_secret");
  });

  it("never includes a secret in an error message", async () => {
    const secrets = [SECRET, "whsec_c2VjcmV0LXNoaGg=", "plain-text-secret-value"];
    const attempts = [
      () => api.verify({ ...base, secret: secrets[1]! }),
      () => api.verify({ ...base, secret: ["whsec_%%%", SECRET] }),
      () => api.verify({ ...base, headers: {} }),
      () => api.verify({ ...base, now: new Date(0) }),
      () => api.verify({ scheme: "github", payload: BODY, headers: { "x-hub-signature-256": "sha256=00" }, secret: secrets[2]! }),
    ];
    for (const attempt of attempts) {
      const { message } = await failure(attempt());
      for (const secret of [...secrets, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]) expect(message).not.toContain(secret);
    }
  });

  it("refuses a parsed body with a TypeError that explains the raw-body rule", async () => {
    const parsed = JSON.parse(BODY) as unknown as string;
    await expect(api.verify({ ...base, payload: parsed })).rejects.toThrow(/raw body.*got Object/);
  });

  it("refuses invalid options with RangeError or TypeError, not a verification error", async () => {
    await expect(api.verify({ ...base, toleranceSeconds: -5 })).rejects.toThrow(RangeError);
    await expect(api.verify({ ...base, now: new Date("not a date") })).rejects.toThrow(RangeError);
    await expect(api.verify({ ...base, headers: null as unknown as Headers })).rejects.toThrow(TypeError);
  });
});

describe("verify", () => {
  it("reports failures as rejections, never as synchronous throws", () => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = verify({ ...base, scheme: "nope" as "standard" });
    }).not.toThrow();
    return expect(promise).rejects.toBeInstanceOf(WebhookVerificationError);
  });
});

describe("result types", () => {
  it("narrow by scheme and, for WooCommerce, by ping", async () => {
    expectTypeOf(verifySync(base)).toEqualTypeOf<StandardWebhook>();
    expectTypeOf<ReturnType<typeof verifySync<"stripe">>>().toEqualTypeOf<StripeWebhook>();
    expectTypeOf(await verify(base)).toEqualTypeOf<StandardWebhook>();

    const ping = verifySync({ scheme: "woocommerce", payload: "webhook_id=9", headers: {}, secret: "s" });
    expectTypeOf(ping).toEqualTypeOf<WooCommerceWebhook | WooCommercePing>();
    // @ts-expect-error a WooCommerce result may be the unsigned ping, which has no json()
    expect(() => ping.json()).toThrow(TypeError);
    if (ping.ping) {
      expectTypeOf(ping).toEqualTypeOf<WooCommercePing>();
      expect(ping.webhookId).toBe("9");
    } else {
      expectTypeOf(ping).toEqualTypeOf<WooCommerceWebhook>();
    }

    const any = verifySync(base) as VerifiedWebhook;
    expectTypeOf(any.id).toEqualTypeOf<string | undefined>();
    if (!any.ping) expectTypeOf(any.json<{ type: string }>()).toEqualTypeOf<{ type: string }>();
    if (any.scheme === "shopify") expectTypeOf(any.topic).toEqualTypeOf<string | undefined>();
  });
});
