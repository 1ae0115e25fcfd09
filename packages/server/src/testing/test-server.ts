import { pino } from "pino";
import { loadConfig } from "../config.js";
import { startServer, type RunningServer, type StartOptions } from "../server.js";
import { createTestDatabase } from "./test-database.js";

/** A fixed master key for tests, so sealed values are reproducible within a run. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString("base64");

/** An API object as tests see it: an id, an `object` type, and any other fields. */
export interface ApiObject {
  id: string;
  object: string;
  [field: string]: unknown;
}

/** A response as {@link TestServer.request} returns it: status, headers, parsed JSON (or text). */
export interface TestResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Options of one {@link TestServer.request}. */
export interface TestRequestOptions {
  /** JSON-encoded unless a string (sent as is, for malformed-body tests). */
  body?: unknown;
  /** Bearer credential; defaults to the admin key, `null` sends none. */
  key?: string | null;
  headers?: Record<string, string>;
}

/** A real Relais server on 127.0.0.1 with its own database, for integration tests. */
export interface TestServer {
  url: string;
  /** The admin key (scope `*`, test mode) created by the first start. */
  adminKey: string;
  db: RunningServer["db"];
  /** A URL another process can use to reach the same database; undefined on in-memory PGlite. */
  databaseUrl: string | undefined;
  request<T = ApiObject>(method: string, path: string, options?: TestRequestOptions): Promise<TestResponse<T>>;
  /** Stops the server and removes its database. */
  close(): Promise<void>;
}

/**
 * Starts a server for tests: an isolated database (PostgreSQL when `DATABASE_URL` is set, else
 * in-memory PGlite), port 0 on 127.0.0.1, a fixed master key, silent logs. `overrides` are
 * environment variables, e.g. `{ RELAIS_RATE_LIMIT_KEY_PER_MINUTE: "5" }`.
 *
 * @example
 * const server = await startTestServer();
 * const created = await server.request("POST", "/v1/apps", { body: { name: "Shop" } });
 * await server.close();
 */
export async function startTestServer(
  overrides: Record<string, string> = {},
  options: Pick<StartOptions, "webhookDelivery"> = {},
): Promise<TestServer> {
  const test = await createTestDatabase();
  // Tests deliver webhooks to receivers on 127.0.0.1; a test about the SSRF guard turns this off.
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    RELAIS_MASTER_KEY: TEST_MASTER_KEY,
    RELAIS_WEBHOOK_ALLOW_PRIVATE: "true",
    ...overrides,
  });
  let server: RunningServer;
  try {
    server = await startServer(config, { ...options, db: test.db, logger: pino({ level: overrides.LOG_LEVEL ?? "silent" }) });
  } catch (error) {
    await test.dispose();
    throw error;
  }
  const adminKey = server.adminKey ?? config.bootstrapKey;
  if (!adminKey) throw new Error("the test database was not empty, so no admin key was created");
  return {
    url: server.url,
    adminKey,
    db: server.db,
    databaseUrl: test.url,
    async request<T>(method: string, path: string, options: TestRequestOptions = {}): Promise<TestResponse<T>> {
      const headers: Record<string, string> = { ...options.headers };
      const key = options.key === undefined ? adminKey : options.key;
      if (key !== null) headers.authorization ??= `Bearer ${key}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      const response = await fetch(`${server.url}${path}`, { method, headers, body });
      const text = await response.text();
      const type = response.headers.get("content-type") ?? "";
      const parsed: unknown = type.includes("json") && text !== "" ? JSON.parse(text) : text;
      return { status: response.status, headers: response.headers, body: parsed as T };
    },
    async close() {
      await server.close();
      await test.dispose();
    },
  };
}
