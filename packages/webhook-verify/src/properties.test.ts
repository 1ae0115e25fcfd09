import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifyApis } from "../test/apis.js";
import { encodeBase64 } from "./encoding.js";
import { sign, WEBHOOK_SCHEMES, WebhookVerificationError, type WebhookScheme } from "./index.js";
import { signSync } from "./node.js";

const NOW = new Date("2025-06-01T12:00:00Z");

const scheme = fc.constantFrom<WebhookScheme>(...WEBHOOK_SCHEMES);
const body = fc.uint8Array({ minLength: 1, maxLength: 2048 });
const keyBytes = fc.uint8Array({ minLength: 1, maxLength: 64 });

/** A secret in the form the scheme expects: whsec_ base64 for Standard Webhooks, text otherwise. */
function secretFor(target: WebhookScheme, key: Uint8Array): string {
  return target === "standard" ? `whsec_${encodeBase64(key)}` : `secret-${encodeBase64(key)}`;
}

function withoutTrailingZeros(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, end);
}

describe.each(verifyApis)("$name", (api) => {
  it("verifies whatever sign and signSync produce, for random bodies and secrets", async () => {
    await fc.assert(
      fc.asyncProperty(scheme, body, keyBytes, fc.boolean(), async (target, payload, key, synchronous) => {
        const secret = secretFor(target, key);
        const options = { scheme: target, payload, secret, timestamp: NOW };
        const headers = synchronous ? signSync(options) : await sign(options);
        const webhook = await api.verify({ scheme: target, payload, headers, secret, now: NOW });
        expect(webhook.scheme).toBe(target);
        expect(webhook.payload).toBe(new TextDecoder().decode(payload));
      }),
      { numRuns: 150 },
    );
  });

  it("verifies with raw-bytes secrets too", async () => {
    await fc.assert(
      fc.asyncProperty(scheme, body, keyBytes, async (target, payload, secret) => {
        const headers = signSync({ scheme: target, payload, secret, timestamp: NOW });
        await expect(api.verify({ scheme: target, payload, headers, secret, now: NOW })).resolves.toBeDefined();
      }),
      { numRuns: 100 },
    );
  });

  it("rejects any single-byte change of the body", async () => {
    await fc.assert(
      fc.asyncProperty(
        scheme,
        body,
        keyBytes,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (target, payload, key, position, delta) => {
          const secret = secretFor(target, key);
          const headers = signSync({ scheme: target, payload, secret, timestamp: NOW });
          const altered = payload.slice();
          const index = position % altered.length;
          altered[index] = (altered[index]! + delta) & 0xff;
          const error = await api.verify({ scheme: target, payload: altered, headers, secret, now: NOW }).then(
            () => undefined,
            (rejection: unknown) => rejection,
          );
          expect(error).toBeInstanceOf(WebhookVerificationError);
          expect((error as WebhookVerificationError).code).toBe("invalid_signature");
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects a signature made with any other secret", async () => {
    await fc.assert(
      fc.asyncProperty(scheme, body, keyBytes, keyBytes, async (target, payload, key, otherKey) => {
        // HMAC zero-pads short keys, so keys differing only in trailing zero bytes are the same key.
        fc.pre(encodeBase64(withoutTrailingZeros(key)) !== encodeBase64(withoutTrailingZeros(otherKey)));
        const headers = signSync({ scheme: target, payload, secret: secretFor(target, otherKey), timestamp: NOW });
        await expect(
          api.verify({ scheme: target, payload, headers, secret: secretFor(target, key), now: NOW }),
        ).rejects.toMatchObject({ code: "invalid_signature" });
      }),
      { numRuns: 100 },
    );
  });
});

it("sign and signSync produce identical headers", async () => {
  await fc.assert(
    fc.asyncProperty(scheme, fc.string({ maxLength: 512 }), keyBytes, async (target, payload, key) => {
      const options = { scheme: target, payload, secret: secretFor(target, key), id: "msg_fixed", timestamp: NOW };
      expect(await sign(options)).toEqual(signSync(options));
    }),
    { numRuns: 150 },
  );
});
