import { Validator } from "@seriousme/openapi-schema-validator";
import type { Router } from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../api.js";
import { loadConfig } from "../config.js";
import { deriveServerKeys } from "../crypto/keys.js";
import { startTestServer, TEST_MASTER_KEY, type TestServer } from "../testing/test-server.js";
import { createApp } from "./app.js";
import { toOpenApiPath } from "./api-router.js";
import { SharedRateCounter } from "./rate-counter.js";

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

// Walks Express's own routing table: what the server really serves, not what was documented.
function servedRoutes(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).map((method) => `${method} ${toOpenApiPath(layer.route?.path ?? "")}`);
    return layer.handle?.stack ? servedRoutes(layer.handle.stack) : [];
  });
}

describe("GET /openapi.json", () => {
  let server: TestServer;
  let document: { openapi: string; paths: Record<string, Record<string, unknown>> };
  beforeAll(async () => {
    server = await startTestServer();
    document = (await server.request<typeof document>("GET", "/openapi.json", { key: null })).body;
  });
  afterAll(() => server.close());

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(document.openapi).toBe("3.1.0");
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it("documents every route the server serves, and nothing else", () => {
    const config = loadConfig({ PORT: "0", RELAIS_MASTER_KEY: TEST_MASTER_KEY });
    const logger = pino({ level: "silent" });
    const api = buildApi({ db: server.db, config, keys: deriveServerKeys(Buffer.from(TEST_MASTER_KEY, "base64")), logger });
    const rateCounter = new SharedRateCounter(server.db, logger);
    const app = createApp({ logger, db: server.db, config, api, rateCounter, version: "0.0.0", checkReadiness: async () => ({ ready: true }) });
    void rateCounter.close();
    const served = servedRoutes((app as unknown as { router: Router & { stack: Layer[] } }).router.stack);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(served.length).toBeGreaterThan(10);
    expect(new Set(served)).toEqual(new Set(documented));
  });

  it("describes errors as problem+json and request bodies from the zod schemas", () => {
    const create = document.paths["/v1/apps"]?.post as {
      requestBody: { content: Record<string, { schema: unknown }> };
      responses: Record<string, { content: Record<string, unknown> }>;
    };
    expect(create.requestBody.content["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/CreateAppRequest" });
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "400", "401", "403", "409", "429"]));
    expect(create.responses["400"]?.content).toHaveProperty("application/problem+json");
  });
});
