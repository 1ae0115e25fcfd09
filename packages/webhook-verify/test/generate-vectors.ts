// Writes test/vectors/*.json. Signatures are computed here with node:crypto directly, written
// from each platform's documentation, never with this package: the vectors must be able to
// catch a bug in our own signing code. Run: npx tsx test/generate-vectors.ts
import { createHmac, createPrivateKey, createPublicKey, sign } from "node:crypto";
import { writeFileSync } from "node:fs";
import type { VectorCase, VectorFile } from "./vector-schema.js";

const NOW = 1_700_000_000;
const BODY = JSON.stringify({ type: "order.created", data: { id: "ord_123", amount: 4200, currency: "EUR" } });
const UTF8_BODY = JSON.stringify({ note: "Crème brûlée — 東京 🚚", amount: "12,50 €" });

const hmac = (key: string | Buffer, message: string) => createHmac("sha256", key).update(message, "utf8").digest();

function write(file: VectorFile): void {
  const path = new URL(`./vectors/${file.scheme}.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`${file.scheme}: ${file.cases.length} cases`);
}

function standard(): VectorFile {
  const key = Buffer.from("c3RhbmRhcmQtd2ViaG9va3MtdmVjdG9yLWtleQ==", "base64");
  const secret = `whsec_${key.toString("base64")}`;
  const otherSecret = `whsec_${Buffer.from("another-secret-entirely").toString("base64")}`;
  const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  const v1 = (msgId: string, ts: number, body: string, k: Buffer = key) =>
    `v1,${hmac(k, `${msgId}.${ts}.${body}`).toString("base64")}`;
  const headers = (sig: string, ts = NOW, msgId = id) => ({
    "webhook-id": msgId,
    "webhook-timestamp": String(ts),
    "webhook-signature": sig,
  });
  // Ed25519 from a fixed seed (RFC 8410 PKCS #8 wrapping), so v1a signatures are reproducible.
  const seed = Buffer.alloc(32, 7);
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicRaw = createPublicKey(privateKey).export({ format: "der", type: "spki" }).subarray(-32);
  const v1a = (body: string) => `v1a,${sign(null, Buffer.from(`${id}.${NOW}.${body}`), privateKey).toString("base64")}`;
  const otherPublic = `whpk_${Buffer.alloc(32, 9).toString("base64")}`;
  const ok = { valid: true as const, id, timestamp: NOW };
  const good = v1(id, NOW, BODY);

  const cases: VectorCase[] = [
    { name: "valid v1 signature", payload: BODY, headers: headers(good), secret, now: NOW, expected: ok },
    {
      name: "valid with svix-* header names",
      payload: BODY,
      headers: { "svix-id": id, "svix-timestamp": String(NOW), "svix-signature": good },
      secret,
      now: NOW,
      expected: ok,
    },
    {
      name: "header names in mixed case",
      payload: BODY,
      headers: { "Webhook-Id": id, "WEBHOOK-TIMESTAMP": String(NOW), "Webhook-Signature": good },
      secret,
      now: NOW,
      expected: ok,
    },
    {
      name: "valid non-ASCII UTF-8 body",
      payload: UTF8_BODY,
      headers: headers(v1(id, NOW, UTF8_BODY)),
      secret,
      now: NOW,
      expected: ok,
    },
    {
      name: "multiple signatures, the second one matches",
      payload: BODY,
      headers: headers(`${v1(id, NOW, BODY, Buffer.from("old-key"))} ${good}`),
      secret,
      now: NOW,
      expected: ok,
    },
    {
      name: "unknown signature versions are skipped",
      payload: BODY,
      headers: headers(`v2,c29tZXRoaW5nLWVsc2U= ${good}`),
      secret,
      now: NOW,
      expected: ok,
    },
    {
      name: "rotated secrets: the new secret matches",
      payload: BODY,
      headers: headers(good),
      secret: [otherSecret, secret],
      now: NOW,
      expected: ok,
    },
    {
      name: "v1a Ed25519 signature with the whpk_ public key",
      payload: BODY,
      headers: headers(v1a(BODY)),
      secret: `whpk_${publicRaw.toString("base64")}`,
      now: NOW,
      expected: ok,
    },
    {
      name: "v1a signature with another public key",
      payload: BODY,
      headers: headers(v1a(BODY)),
      secret: otherPublic,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "v1a signature over an altered body",
      payload: `${BODY} `,
      headers: headers(v1a(BODY)),
      secret: `whpk_${publicRaw.toString("base64")}`,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "v1 and v1a together, verified with the HMAC secret",
      payload: BODY,
      headers: headers(`${v1a(BODY)} ${good}`),
      secret,
      now: NOW,
      expected: ok,
    },
    { name: "wrong secret", payload: BODY, headers: headers(good), secret: otherSecret, now: NOW, expected: { valid: false, code: "invalid_signature" } },
    {
      name: "rotated secrets, none matches",
      payload: BODY,
      headers: headers(good),
      secret: [otherSecret, `whsec_${Buffer.from("third").toString("base64")}`],
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    { name: "altered body", payload: BODY.replace("4200", "4201"), headers: headers(good), secret, now: NOW, expected: { valid: false, code: "invalid_signature" } },
    { name: "altered id", payload: BODY, headers: headers(good, NOW, "msg_other"), secret, now: NOW, expected: { valid: false, code: "invalid_signature" } },
    {
      name: "altered timestamp",
      payload: BODY,
      headers: headers(good, NOW + 1),
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "stale timestamp (301 s old)",
      payload: BODY,
      headers: headers(good),
      secret,
      now: NOW + 301,
      expected: { valid: false, code: "timestamp_too_old" },
    },
    { name: "exactly at the tolerance (300 s old)", payload: BODY, headers: headers(good), secret, now: NOW + 300, expected: ok },
    {
      name: "future timestamp (301 s ahead)",
      payload: BODY,
      headers: headers(good),
      secret,
      now: NOW - 301,
      expected: { valid: false, code: "timestamp_in_future" },
    },
    {
      name: "custom tolerance of 10 s, 11 s old",
      payload: BODY,
      headers: headers(good),
      secret,
      now: NOW + 11,
      toleranceSeconds: 10,
      expected: { valid: false, code: "timestamp_too_old" },
    },
    {
      name: "stale timestamp and wrong secret: the signature is reported first",
      payload: BODY,
      headers: headers(good),
      secret: otherSecret,
      now: NOW + 10_000,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "missing webhook-id",
      payload: BODY,
      headers: { "webhook-timestamp": String(NOW), "webhook-signature": good },
      secret,
      now: NOW,
      expected: { valid: false, code: "missing_header" },
    },
    {
      name: "missing webhook-timestamp",
      payload: BODY,
      headers: { "webhook-id": id, "webhook-signature": good },
      secret,
      now: NOW,
      expected: { valid: false, code: "missing_header" },
    },
    {
      name: "missing webhook-signature",
      payload: BODY,
      headers: { "webhook-id": id, "webhook-timestamp": String(NOW) },
      secret,
      now: NOW,
      expected: { valid: false, code: "missing_header" },
    },
    {
      name: "timestamp is not an integer",
      payload: BODY,
      headers: { ...headers(good), "webhook-timestamp": "1700000000.5" },
      secret,
      now: NOW,
      expected: { valid: false, code: "malformed_header" },
    },
    {
      name: "timestamp is an ISO date",
      payload: BODY,
      headers: { ...headers(good), "webhook-timestamp": "2023-11-14T22:13:20Z" },
      secret,
      now: NOW,
      expected: { valid: false, code: "malformed_header" },
    },
    {
      name: "signature header without any version,signature entry",
      payload: BODY,
      headers: headers(good.slice(3)),
      secret,
      now: NOW,
      expected: { valid: false, code: "malformed_header" },
    },
    {
      name: "signature without its base64 padding",
      payload: BODY,
      headers: headers(good.slice(0, -1)),
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "signature that is not base64",
      payload: BODY,
      headers: headers("v1,not*base64*at*all"),
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "signature missing its last base64 character",
      payload: BODY,
      headers: headers(`${good.slice(0, -2)}=`),
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "secret that is not base64",
      payload: BODY,
      headers: headers(good),
      secret: "whsec_not*base64",
      now: NOW,
      expected: { valid: false, code: "invalid_secret" },
    },
  ];
  return { scheme: "standard", description: "Standard Webhooks / Svix: v1 HMAC-SHA256 and v1a Ed25519 over {id}.{timestamp}.{body}", cases };
}

function stripe(): VectorFile {
  const secret = "whsec_test_7c2b1f0e9d8c7b6a5f4e3d2c1b0a9f8e";
  const other = "whsec_test_someone_else";
  const v1 = (ts: number, body: string, key = secret) => hmac(key, `${ts}.${body}`).toString("hex");
  const header = (value: string) => ({ "stripe-signature": value });
  const good = `t=${NOW},v1=${v1(NOW, BODY)}`;
  const ok = { valid: true as const, id: null, timestamp: NOW };
  const cases: VectorCase[] = [
    { name: "valid signature", payload: BODY, headers: header(good), secret, now: NOW, expected: ok },
    { name: "header name in mixed case", payload: BODY, headers: { "Stripe-Signature": good }, secret, now: NOW, expected: ok },
    { name: "valid non-ASCII UTF-8 body", payload: UTF8_BODY, headers: header(`t=${NOW},v1=${v1(NOW, UTF8_BODY)}`), secret, now: NOW, expected: ok },
    {
      name: "several v1 signatures, the last one matches (Stripe's rolling secret)",
      payload: BODY,
      headers: header(`t=${NOW},v1=${v1(NOW, BODY, other)},v1=${v1(NOW, BODY)}`),
      secret,
      now: NOW,
      expected: ok,
    },
    {
      name: "v0 entries are ignored",
      payload: BODY,
      headers: header(`t=${NOW},v1=${v1(NOW, BODY)},v0=${"0".repeat(64)}`),
      secret,
      now: NOW,
      expected: ok,
    },
    { name: "rotated secrets: the new secret matches", payload: BODY, headers: header(good), secret: [other, secret], now: NOW, expected: ok },
    { name: "wrong secret", payload: BODY, headers: header(good), secret: other, now: NOW, expected: { valid: false, code: "invalid_signature" } },
    { name: "altered body", payload: `${BODY}\n`, headers: header(good), secret, now: NOW, expected: { valid: false, code: "invalid_signature" } },
    {
      name: "altered t= timestamp",
      payload: BODY,
      headers: header(`t=${NOW + 1},v1=${v1(NOW, BODY)}`),
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    { name: "stale timestamp (301 s old)", payload: BODY, headers: header(good), secret, now: NOW + 301, expected: { valid: false, code: "timestamp_too_old" } },
    { name: "future timestamp (301 s ahead)", payload: BODY, headers: header(good), secret, now: NOW - 301, expected: { valid: false, code: "timestamp_in_future" } },
    {
      name: "tolerance of 600 s accepts a 500 s old delivery",
      payload: BODY,
      headers: header(good),
      secret,
      now: NOW + 500,
      toleranceSeconds: 600,
      expected: ok,
    },
    { name: "missing Stripe-Signature", payload: BODY, headers: {}, secret, now: NOW, expected: { valid: false, code: "missing_header" } },
    {
      name: "no t= timestamp",
      payload: BODY,
      headers: header(`v1=${v1(NOW, BODY)}`),
      secret,
      now: NOW,
      expected: { valid: false, code: "malformed_header" },
    },
    { name: "no signature at all", payload: BODY, headers: header(`t=${NOW}`), secret, now: NOW, expected: { valid: false, code: "malformed_header" } },
    { name: "garbage header", payload: BODY, headers: header("garbage"), secret, now: NOW, expected: { valid: false, code: "malformed_header" } },
    {
      name: "two t= timestamps",
      payload: BODY,
      headers: header(`t=${NOW},t=${NOW + 5},v1=${v1(NOW, BODY)}`),
      secret,
      now: NOW,
      expected: { valid: false, code: "malformed_header" },
    },
    {
      name: "t= is not a number",
      payload: BODY,
      headers: header(`t=yesterday,v1=${v1(NOW, BODY)}`),
      secret,
      now: NOW,
      expected: { valid: false, code: "malformed_header" },
    },
    {
      name: "only a v0 signature",
      payload: BODY,
      headers: header(`t=${NOW},v0=${v1(NOW, BODY)}`),
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "v1 that is not hex",
      payload: BODY,
      headers: header(`t=${NOW},v1=${"z".repeat(64)}`),
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    { name: "empty secret", payload: BODY, headers: header(good), secret: "", now: NOW, expected: { valid: false, code: "invalid_secret" } },
  ];
  return { scheme: "stripe", description: "Stripe: Stripe-Signature t=…,v1=<hex HMAC-SHA256 of {t}.{body}>", cases };
}

function shopify(): VectorFile {
  const secret = "shpss_0123456789abcdef0123456789abcdef";
  const other = "shpss_ffffffffffffffffffffffffffffffff";
  const signature = (body: string, key = secret) => hmac(key, body).toString("base64");
  const metadata = {
    "X-Shopify-Topic": "orders/create",
    "X-Shopify-Shop-Domain": "example.myshopify.com",
    "X-Shopify-API-Version": "2025-01",
    "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
  };
  const ok = {
    valid: true as const,
    id: metadata["X-Shopify-Webhook-Id"],
    timestamp: null,
    fields: {
      topic: "orders/create",
      shopDomain: "example.myshopify.com",
      apiVersion: "2025-01",
      eventId: metadata["X-Shopify-Event-Id"],
    },
  };
  const cases: VectorCase[] = [
    { name: "valid signature with metadata", payload: BODY, headers: { ...metadata, "X-Shopify-Hmac-Sha256": signature(BODY) }, secret, now: NOW, expected: ok },
    {
      name: "valid unprefixed Shopify-Hmac-Sha256",
      payload: BODY,
      headers: { "shopify-hmac-sha256": signature(BODY), "shopify-topic": "orders/paid" },
      secret,
      now: NOW,
      expected: { valid: true, id: null, timestamp: null, fields: { topic: "orders/paid", shopDomain: null } },
    },
    {
      name: "valid non-ASCII UTF-8 body",
      payload: UTF8_BODY,
      headers: { "X-Shopify-Hmac-Sha256": signature(UTF8_BODY) },
      secret,
      now: NOW,
      expected: { valid: true, id: null, timestamp: null },
    },
    {
      name: "no timestamp: an old delivery is still valid",
      payload: BODY,
      headers: { ...metadata, "X-Shopify-Hmac-Sha256": signature(BODY) },
      secret,
      now: NOW + 10 * 365 * 86_400,
      expected: ok,
    },
    {
      name: "rotated secrets: the new secret matches",
      payload: BODY,
      headers: { ...metadata, "X-Shopify-Hmac-Sha256": signature(BODY) },
      secret: [other, secret],
      now: NOW,
      expected: ok,
    },
    { name: "wrong secret", payload: BODY, headers: { "X-Shopify-Hmac-Sha256": signature(BODY) }, secret: other, now: NOW, expected: { valid: false, code: "invalid_signature" } },
    {
      name: "altered body",
      payload: BODY.replace("EUR", "USD"),
      headers: { "X-Shopify-Hmac-Sha256": signature(BODY) },
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    { name: "missing signature header", payload: BODY, headers: metadata, secret, now: NOW, expected: { valid: false, code: "missing_header" } },
    {
      name: "signature that is not base64",
      payload: BODY,
      headers: { "X-Shopify-Hmac-Sha256": "%%%not-base64%%%" },
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "hex instead of base64",
      payload: BODY,
      headers: { "X-Shopify-Hmac-Sha256": hmac(secret, BODY).toString("hex") },
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
  ];
  return { scheme: "shopify", description: "Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the body", cases };
}

function woocommerce(): VectorFile {
  const secret = "wc-webhook-secret-Kp9!zQ";
  const other = "another-wc-secret";
  const signature = (body: string, key = secret) => hmac(key, body).toString("base64");
  const metadata = {
    "X-WC-Webhook-Source": "https://shop.example.com/",
    "X-WC-Webhook-Topic": "order.created",
    "X-WC-Webhook-Resource": "order",
    "X-WC-Webhook-Event": "created",
    "X-WC-Webhook-ID": "17",
    "X-WC-Webhook-Delivery-ID": "a3f1c2b4d5e6f708",
  };
  const ok = {
    valid: true as const,
    id: "a3f1c2b4d5e6f708",
    timestamp: null,
    fields: {
      ping: false,
      topic: "order.created",
      resource: "order",
      event: "created",
      source: "https://shop.example.com/",
      webhookId: "17",
      deliveryId: "a3f1c2b4d5e6f708",
    },
  };
  const cases: VectorCase[] = [
    { name: "valid signature with metadata", payload: BODY, headers: { ...metadata, "X-WC-Webhook-Signature": signature(BODY) }, secret, now: NOW, expected: ok },
    {
      name: "valid non-ASCII UTF-8 body",
      payload: UTF8_BODY,
      headers: { "x-wc-webhook-signature": signature(UTF8_BODY) },
      secret,
      now: NOW,
      expected: { valid: true, id: null, timestamp: null, fields: { ping: false, topic: null } },
    },
    {
      name: "rotated secrets: the new secret matches",
      payload: BODY,
      headers: { ...metadata, "X-WC-Webhook-Signature": signature(BODY) },
      secret: [other, secret],
      now: NOW,
      expected: ok,
    },
    {
      name: "unsigned creation ping",
      payload: "webhook_id=17",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      secret,
      now: NOW,
      expected: { valid: true, id: null, timestamp: null, fields: { ping: true, webhookId: "17" } },
    },
    {
      name: "ping-shaped body with a wrong signature is verified, not waved through",
      payload: "webhook_id=17",
      headers: { "X-WC-Webhook-Signature": signature("webhook_id=17", other) },
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "unsigned body that is not a ping",
      payload: "webhook_id=17&extra=1",
      headers: {},
      secret,
      now: NOW,
      expected: { valid: false, code: "missing_header" },
    },
    { name: "wrong secret", payload: BODY, headers: { "X-WC-Webhook-Signature": signature(BODY) }, secret: other, now: NOW, expected: { valid: false, code: "invalid_signature" } },
    {
      name: "altered body",
      payload: BODY.replace("ord_123", "ord_124"),
      headers: { "X-WC-Webhook-Signature": signature(BODY) },
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    { name: "missing signature header", payload: BODY, headers: metadata, secret, now: NOW, expected: { valid: false, code: "missing_header" } },
    {
      name: "signature that is not base64",
      payload: BODY,
      headers: { "X-WC-Webhook-Signature": "sig=???" },
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
  ];
  return { scheme: "woocommerce", description: "WooCommerce: X-WC-Webhook-Signature = base64 HMAC-SHA256 of the body; unsigned webhook_id=<id> ping", cases };
}

function github(): VectorFile {
  // GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
  const secret = "It's a Secret to Everybody";
  const documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  const signature = (body: string, key = secret) => `sha256=${hmac(key, body).toString("hex")}`;
  const metadata = { "X-GitHub-Event": "push", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958", "X-GitHub-Hook-ID": "292430182" };
  const ok = {
    valid: true as const,
    id: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    timestamp: null,
    fields: { event: "push", hookId: "292430182" },
  };
  const cases: VectorCase[] = [
    {
      name: "GitHub's documented example",
      payload: "Hello, World!",
      headers: { "X-Hub-Signature-256": documented },
      secret,
      now: NOW,
      expected: { valid: true, id: null, timestamp: null },
    },
    { name: "valid signature with metadata", payload: BODY, headers: { ...metadata, "X-Hub-Signature-256": signature(BODY) }, secret, now: NOW, expected: ok },
    {
      name: "upper-case hex digest",
      payload: BODY,
      headers: { ...metadata, "X-Hub-Signature-256": signature(BODY).toUpperCase().replace("SHA256=", "sha256=") },
      secret,
      now: NOW,
      expected: ok,
    },
    {
      name: "rotated secrets: the new secret matches",
      payload: BODY,
      headers: { ...metadata, "X-Hub-Signature-256": signature(BODY) },
      secret: ["old secret", secret],
      now: NOW,
      expected: ok,
    },
    { name: "wrong secret", payload: BODY, headers: { "X-Hub-Signature-256": signature(BODY) }, secret: "nope", now: NOW, expected: { valid: false, code: "invalid_signature" } },
    {
      name: "altered body",
      payload: BODY.replace("order", "ORDER"),
      headers: { "X-Hub-Signature-256": signature(BODY) },
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
    {
      name: "only the SHA-1 X-Hub-Signature header",
      payload: BODY,
      headers: { "X-Hub-Signature": `sha1=${createHmac("sha1", secret).update(BODY).digest("hex")}` },
      secret,
      now: NOW,
      expected: { valid: false, code: "missing_header" },
    },
    {
      name: "missing sha256= prefix",
      payload: BODY,
      headers: { "X-Hub-Signature-256": hmac(secret, BODY).toString("hex") },
      secret,
      now: NOW,
      expected: { valid: false, code: "malformed_header" },
    },
    {
      name: "digest that is not hex",
      payload: BODY,
      headers: { "X-Hub-Signature-256": `sha256=${"g".repeat(64)}` },
      secret,
      now: NOW,
      expected: { valid: false, code: "invalid_signature" },
    },
  ];
  return { scheme: "github", description: "GitHub: X-Hub-Signature-256 = sha256=<hex HMAC-SHA256 of the body>", cases };
}

for (const file of [standard(), stripe(), shopify(), woocommerce(), github()]) write(file);
