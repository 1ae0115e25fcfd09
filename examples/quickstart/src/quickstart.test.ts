import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Relais } from "@relais/sdk-node";
import { loadConfig, startServer } from "@relais/server";
import { describe, expect, it } from "vitest";

// What `npm start` runs: tsx on the quickstart file.
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const quickstartFile = fileURLToPath(new URL("./quickstart.ts", import.meta.url));

async function runQuickstart(env: Record<string, string>): Promise<{ exitCode: number | null; stdout: string[]; stderr: string }> {
  const { RELAIS_BASE_URL: _url, RELAIS_API_KEY: _key, ...inherited } = process.env;
  const child = spawn(process.execPath, [tsxCli, quickstartFile], { env: { ...inherited, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [exitCode] = (await once(child, "exit")) as [number | null];
  return { exitCode, stdout: stdout.trimEnd().split("\n"), stderr };
}

describe("npm start", () => {
  it("starts a server and a receiver, and ends with a delivered, verified payment.succeeded", async () => {
    const { exitCode, stdout, stderr } = await runQuickstart({});

    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(stdout).toHaveLength(9);
    const [server, receiver, app, key, endpoint, published, received, recorded, done] = stdout as [string, ...string[]];
    expect(server).toMatch(/^Relais server started in this process at http:\/\/127\.0\.0\.1:\d+ \(in-memory database\)$/);
    const receiverUrl = /^receiver listening at (http:\/\/127\.0\.0\.1:\d+\/webhooks\/relais)$/.exec(receiver ?? "")?.[1];
    expect(receiverUrl).toBeDefined();
    expect(app).toMatch(/^created app app_[0-9a-z]{26} \(Quickstart shop\)$/);
    expect(key).toMatch(/^created API key key_[0-9a-z]{26} for the app, scopes webhooks:write events:write \(secret rk_test_\w{4}…, shown once\)$/);
    expect(endpoint).toMatch(new RegExp(`^created webhook endpoint we_[0-9a-z]{26} for payment\\.\\* → ${receiverUrl} \\(signing secret whsec_.{6}…\\)$`));
    const eventId = /^published event (evt_[0-9a-z]{26}) payment\.succeeded \{"amount":\{"value":4200,"currency":"EUR"\},"order_id":"1001"\}$/.exec(
      published ?? "",
    )?.[1];
    expect(eventId).toBeDefined();
    const messageId = new RegExp(`^receiver: received ${eventId} payment\\.succeeded \\(webhook-id (msg_[0-9a-z]{26})\\)$`).exec(received ?? "")?.[1];
    expect(messageId).toBeDefined();
    expect(recorded).toBe(`Relais recorded delivery ${messageId} as succeeded: attempt 1, HTTP 204`);
    expect(done).toBe("done: the event was delivered, its signature verified and the receiver logged it");
  });

  it("uses the server named by RELAIS_BASE_URL and RELAIS_API_KEY, and deletes its endpoint afterwards", async () => {
    const server = await startServer(
      loadConfig({ DATABASE_URL: "memory://", PORT: "0", RELAIS_WEBHOOK_ALLOW_PRIVATE: "true", LOG_LEVEL: "silent" }),
    );
    try {
      const { exitCode, stdout, stderr } = await runQuickstart({ RELAIS_BASE_URL: server.url, RELAIS_API_KEY: server.adminKey ?? "" });

      expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
      expect(stdout[0]).toBe(`using the Relais server at ${server.url} (RELAIS_BASE_URL)`);
      expect(stdout.at(-2)).toMatch(/^Relais recorded delivery msg_[0-9a-z]{26} as succeeded: attempt 1, HTTP 204$/);
      const admin = new Relais({ baseUrl: server.url, apiKey: server.adminKey ?? "" });
      const [app] = (await admin.apps.list()).data;
      expect(app?.name).toBe("Quickstart shop");
      expect((await admin.webhookEndpoints.list()).data).toEqual([]);
      expect((await admin.events.list()).data.map((event) => event.type)).toEqual(["payment.succeeded"]);
    } finally {
      await server.close();
    }
  });

  it("exits 1 and says what to change when the server refuses a loopback receiver", async () => {
    const server = await startServer(loadConfig({ DATABASE_URL: "memory://", PORT: "0", LOG_LEVEL: "silent" }));
    try {
      const { exitCode, stdout, stderr } = await runQuickstart({ RELAIS_BASE_URL: server.url, RELAIS_API_KEY: server.adminKey ?? "" });

      expect(exitCode).toBe(1);
      expect(stderr.trimEnd()).toMatch(
        /^quickstart failed: insecure_scheme: the server refuses http:\/\/127\.0\.0\.1:\d+\/webhooks\/relais; start it with RELAIS_WEBHOOK_ALLOW_PRIVATE=true to try the quickstart against it$/,
      );
      expect(stdout.some((line) => line.startsWith("created webhook endpoint"))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
