import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// What `npm start` runs: tsx on the example file.
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const exampleFile = fileURLToPath(new URL("./shopify-to-relais.ts", import.meta.url));

describe("npm start", () => {
  it("turns one signed Shopify order, sent twice, into one verified payment.succeeded", async () => {
    const { RELAIS_BASE_URL: _url, RELAIS_API_KEY: _key, ...env } = process.env;
    const child = spawn(process.execPath, [tsxCli, exampleFile], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [exitCode] = (await once(child, "exit")) as [number | null];
    const lines = stdout.trimEnd().split("\n");

    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(lines).toHaveLength(9);
    const ingestUrl = /^created Shopify connector (con_[0-9a-z]{26}): point the store's webhooks at (http:\/\/127\.0\.0\.1:\d+\/v1\/interop\/ingest\/\1)$/.exec(lines[1] ?? "");
    expect(ingestUrl).not.toBeNull();
    const eventId = /^Shopify sent orders\/paid #1042: HTTP 200, normalized as (evt_[0-9a-z]{26})$/.exec(lines.find((line) => line.startsWith("Shopify sent")) ?? "")?.[1];
    expect(eventId).toBeDefined();
    expect(lines).toContain("Shopify retried it: HTTP 200, duplicate");
    // Exactly one delivery reached the receiver, verified (the receiver logs only verified ones).
    expect(lines.filter((line) => line.startsWith("receiver: received"))).toEqual([
      expect.stringMatching(new RegExp(`^receiver: received ${eventId} payment\\.succeeded \\(webhook-id msg_[0-9a-z]{26}\\)$`)),
    ]);
    expect(lines.at(-3)).toBe("normalized: order 5000001042 (#1042) from relais-demo.myshopify.com, amount 5985 EUR in minor units");
    expect(lines.at(-2)).toBe("interop stats: 1 normalized, 1 duplicate, 0 failed");
    expect(lines.at(-1)).toBe("done: one Shopify order, one normalized payment.succeeded delivered and verified");
  });
});
