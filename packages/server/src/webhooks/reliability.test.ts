import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, TEST_MASTER_KEY, type TestServer } from "../testing/test-server.js";
import { type ScriptedReceiver, startScriptedReceiver } from "./testing/receiver.js";

const mainFile = fileURLToPath(new URL("../main.ts", import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve("tsx");
const BURST = 200;

// Two processes can share a database only on PostgreSQL: on PGlite (no DATABASE_URL) this is skipped.
describe.runIf(process.env.DATABASE_URL && process.env.DATABASE_URL !== "memory://")("a worker killed with SIGKILL mid-burst", () => {
  let server: TestServer;
  let receiver: ScriptedReceiver;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    // The API process runs no worker: deliveries come only from the spawned worker processes.
    [server, receiver] = await Promise.all([startTestServer({ RELAIS_ROLE: "api" }), startScriptedReceiver()]);
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await server.close();
    await receiver.close();
  });

  async function startWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--import", tsxLoader, mainFile], {
      env: {
        PATH: process.env.PATH ?? "",
        DATABASE_URL: server.databaseUrl ?? "",
        RELAIS_MASTER_KEY: TEST_MASTER_KEY,
        RELAIS_ROLE: "worker",
        RELAIS_WEBHOOK_ALLOW_PRIVATE: "true",
        RELAIS_WEBHOOK_TIMEOUT_MS: "2000",
        RELAIS_WORKER_CONCURRENCY: "20",
        PORT: "0",
        LOG_LEVEL: "error",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    await expect.poll(() => stdout, { timeout: 30_000 }).toMatch(/listening on/);
    return child;
  }

  it("loses nothing: every message is delivered at least once and every recorded attempt is kept", { timeout: 120_000 }, async () => {
    // Slow answers keep attempts in flight when the worker dies: at 20 in flight and 50 ms each,
    // the burst takes at least half a second to deliver.
    receiver.script("/burst", (_request, _index, response) => void setTimeout(() => response.end("ok"), 50));
    const endpoint = await server.request("POST", "/v1/webhook_endpoints", {
      body: { url: receiver.url("/burst"), retry_schedule: [1000] },
    });
    expect(endpoint.status).toBe(201);
    // Published before the worker starts, so it is killed mid-burst however fast publishing is.
    for (let index = 0; index < BURST; index += 1) {
      const published = await server.request("POST", "/v1/events", { body: { type: "order.created", data: { index } } });
      expect(published.status).toBe(201);
    }
    const first = await startWorker();
    await expect.poll(() => receiver.received("/burst").length, { timeout: 30_000 }).toBeGreaterThanOrEqual(40);
    first.kill("SIGKILL");
    await once(first, "exit");
    const receivedBeforeSecond = receiver.received("/burst").length;
    expect(receivedBeforeSecond).toBeLessThan(BURST);

    await startWorker();
    const succeeded = async () => {
      const { rows } = await server.db.query<{ count: number }>("select count(*)::int as count from webhook_messages where status = 'succeeded'");
      return rows[0]?.count;
    };
    await expect.poll(succeeded, { timeout: 60_000 }).toBe(BURST);

    const { rows: messages } = await server.db.query<{ id: string; attempts: number; recorded: number; succeeded: number }>(
      `select m.id, m.attempts,
              (select count(*)::int from webhook_attempts a where a.message_id = m.id) as recorded,
              (select count(*)::int from webhook_attempts a where a.message_id = m.id and a.outcome = 'succeeded') as succeeded
         from webhook_messages m`,
    );
    expect(messages).toHaveLength(BURST);
    const receivedIds = new Set(receiver.received("/burst").map((request) => String(request.headers["webhook-id"])));
    for (const message of messages) {
      expect(receivedIds.has(message.id)).toBe(true);
      expect(message.succeeded).toBe(1);
      expect(message.recorded).toBe(message.attempts);
    }
    // Deliveries the killed worker made but could not record were sent again: at least once.
    expect(receiver.received("/burst").length).toBeGreaterThanOrEqual(BURST);
  });
});
