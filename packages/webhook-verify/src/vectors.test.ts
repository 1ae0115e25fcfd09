import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { verifyApis } from "../test/apis.js";
import type { VectorFile } from "../test/vector-schema.js";
import { WebhookVerificationError, type VerifiedWebhook } from "./index.js";

const directory = new URL("../test/vectors/", import.meta.url);
const files: VectorFile[] = readdirSync(directory)
  .filter((name) => name.endsWith(".json"))
  .map((name) => JSON.parse(readFileSync(new URL(name, directory), "utf8")) as VectorFile);

describe("committed test vectors", () => {
  it("cover every scheme", () => {
    expect(files.map((file) => file.scheme).sort()).toEqual(["github", "shopify", "standard", "stripe", "woocommerce"]);
  });

  describe.each(verifyApis)("$name", (api) => {
    describe.each(files)("$scheme", (file) => {
      it.each(file.cases)("$name", async (vector) => {
        const outcome = api.verify({
          scheme: file.scheme,
          payload: vector.payload,
          headers: vector.headers,
          secret: vector.secret,
          now: new Date(vector.now * 1000),
          toleranceSeconds: vector.toleranceSeconds,
        });
        const { expected } = vector;
        if (!expected.valid) {
          await expect(outcome).rejects.toSatisfy(
            (error) => error instanceof WebhookVerificationError && error.code === expected.code,
          );
          return;
        }
        const webhook: VerifiedWebhook = await outcome;
        expect(webhook.scheme).toBe(file.scheme);
        expect(webhook.payload).toBe(vector.payload);
        expect(webhook.id ?? null).toBe(expected.id);
        expect(webhook.timestamp === undefined ? null : webhook.timestamp.getTime() / 1000).toBe(expected.timestamp);
        for (const [field, value] of Object.entries(expected.fields ?? {})) {
          expect((webhook as unknown as Record<string, unknown>)[field] ?? null, field).toBe(value);
        }
      });
    });
  });
});
