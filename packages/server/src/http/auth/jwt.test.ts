import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListResponse } from "../pagination.js";
import type { ProblemDocument } from "../problem.js";
import { createTestIssuer, type TestIssuer } from "../../testing/jwt-issuer.js";
import { type ApiObject, startTestServer, type TestServer } from "../../testing/test-server.js";

describe("JWT authentication", () => {
  let issuer: TestIssuer;
  let server: TestServer;
  let accountId: string;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    server = await startTestServer(issuer.env);
    accountId = (await server.request("GET", "/v1/account")).body.id;
  });
  afterAll(() => server.close());

  const as = async (roles: string | string[], extra: Record<string, unknown> = {}, alg: "RS256" | "ES256" = "RS256") =>
    issuer.sign({ relais_account: accountId, relais_roles: roles, ...extra }, { alg });

  it("accepts RS256 and ES256 tokens and maps roles to scopes", async () => {
    for (const alg of ["RS256", "ES256"] as const) {
      const token = await as("developer", {}, alg);
      const created = await server.request("POST", "/v1/apps", { key: token, body: { name: `by ${alg}` } });
      expect(created.status).toBe(201);
    }
    const accountant = await as("accountant");
    expect((await server.request("GET", "/v1/apps", { key: accountant })).status).toBe(200);
    expect((await server.request("GET", "/v1/audit_logs", { key: accountant })).status).toBe(200);
    const denied = await server.request<ProblemDocument>("POST", "/v1/apps", { key: accountant, body: { name: "x" } });
    expect(denied.status).toBe(403);
    expect((await server.request("GET", "/v1/apps", { key: await as("no-such-role") })).status).toBe(403);
  });

  it("records the token's subject as the actor", async () => {
    const token = await issuer.sign({ sub: "alice", relais_account: accountId, relais_roles: ["owner"] });
    const { body: app } = await server.request("POST", "/v1/apps", { key: token, body: { name: "by alice" } });
    const audit = await server.request<ListResponse<ApiObject>>("GET", `/v1/audit_logs?target_id=${app.id}`);
    expect(audit.body.data[0]?.actor).toEqual({ type: "user", id: "alice" });
  });

  it("reads livemode from its claim, and test and live data never mix", async () => {
    const live = await as("owner", { relais_livemode: true });
    const { body: liveApp } = await server.request("POST", "/v1/apps", { key: live, body: { name: "Live shop" } });
    expect(liveApp.livemode).toBe(true);
    const { body: liveKey } = await server.request("POST", `/v1/apps/${liveApp.id}/keys`, { key: live, body: { name: "live", scopes: ["apps:read"] } });
    expect(String(liveKey.secret)).toMatch(/^rk_live_/);

    const { body: testApp } = await server.request("POST", "/v1/apps", { body: { name: "Test shop" } });
    // The test-mode admin key cannot see live rows, and a live key cannot see test rows.
    expect((await server.request("GET", `/v1/apps/${liveApp.id}`)).status).toBe(404);
    expect((await server.request("GET", `/v1/apps/${testApp.id}`, { key: String(liveKey.secret) })).status).toBe(404);
    expect((await server.request("GET", `/v1/apps/${liveApp.id}`, { key: String(liveKey.secret) })).status).toBe(200);
    const testList = await server.request<ListResponse<ApiObject>>("GET", "/v1/apps?limit=100");
    expect(testList.body.data.map((app) => app.id)).not.toContain(liveApp.id);
    const liveAudit = await server.request<ListResponse<ApiObject>>("GET", "/v1/audit_logs?limit=100", { key: live });
    expect(liveAudit.body.data.every((entry) => entry.livemode === true)).toBe(true);
    const testToken = await as("owner");
    expect((await server.request("GET", `/v1/apps/${liveApp.id}`, { key: testToken })).status).toBe(404);
  });

  it("refuses a token naming an unknown account", async () => {
    const token = await issuer.sign({ relais_account: "acct_nope", relais_roles: "owner" });
    const response = await server.request<ProblemDocument>("GET", "/v1/apps", { key: token });
    expect(response.status).toBe(401);
    expect(response.body.detail).toMatch(/relais_account/);
  });
});

describe("JWT authentication with a JWKS URL", () => {
  let issuer: TestIssuer;
  let jwksServer: Server;
  let server: TestServer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    jwksServer = createServer((_req, res) => res.setHeader("content-type", "application/json").end(JSON.stringify(issuer.jwks)));
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    const { port } = jwksServer.address() as AddressInfo;
    server = await startTestServer({
      RELAIS_JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      RELAIS_JWT_ISSUER: issuer.issuer,
      RELAIS_JWT_AUDIENCE: issuer.audience,
    });
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it("fetches the keys and verifies with them", async () => {
    const { body: account } = await server.request("GET", "/v1/account");
    const token = await issuer.sign({ relais_account: account.id, relais_roles: ["support"] });
    expect((await server.request("GET", "/v1/apps", { key: token })).status).toBe(200);
    const other = await createTestIssuer();
    const forged = await other.sign({ relais_account: account.id, relais_roles: ["owner"] });
    expect((await server.request("GET", "/v1/apps", { key: forged })).status).toBe(401);
  });
});
