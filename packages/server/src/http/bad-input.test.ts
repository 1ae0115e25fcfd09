import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../ids.js";
import { createTestIssuer, type TestIssuer } from "../testing/jwt-issuer.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import type { ProblemDocument } from "./problem.js";

// Every hostile or broken request gets a typed 4xx problem, never a 5xx, and writes nothing.
describe("bad input and hostile credentials", () => {
  let server: TestServer;
  let issuer: TestIssuer;
  let accountId: string;
  let appId: string;
  const keys: Record<string, string> = {};
  const foreign: Record<string, string> = {};
  let before: { apps: number; keys: number; audit: number };

  const counts = async () => {
    const { rows } = await server.db.query<{ apps: number; keys: number; audit: number }>(
      "select (select count(*) from apps)::int as apps, (select count(*) from api_keys)::int as keys, (select count(*) from audit_logs)::int as audit",
    );
    return rows[0] as { apps: number; keys: number; audit: number };
  };
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = () => ({ iss: issuer.issuer, aud: issuer.audience, sub: "mallory", relais_account: accountId, relais_roles: ["owner"] });

  beforeAll(async () => {
    issuer = await createTestIssuer();
    server = await startTestServer({ ...issuer.env, RELAIS_BODY_LIMIT_BYTES: "4096" });
    accountId = (await server.request("GET", "/v1/account")).body.id;
    appId = (await server.request("POST", "/v1/apps", { body: { name: "Target" } })).body.id;
    const mint = async (scopes: string[]) => (await server.request("POST", `/v1/apps/${appId}/keys`, { body: { name: "k", scopes } })).body;

    keys.readOnly = String((await mint(["apps:read"])).secret);
    const expiring = await mint(["apps:read"]);
    keys.expired = String(expiring.secret);
    await server.db.query("update api_keys set expires_at = now() - interval '1 minute' where id = $1", [expiring.id]);
    const revoked = await mint(["apps:read"]);
    keys.revoked = String(revoked.secret);
    await server.request("POST", `/v1/keys/${revoked.id}/revoke`);
    const rotated = await mint(["apps:read"]);
    keys.rotatedAway = String(rotated.secret);
    await server.request("POST", `/v1/keys/${rotated.id}/rotate`, { body: { grace_period_seconds: 0 } });

    const live = await issuer.sign({ relais_account: accountId, relais_roles: ["owner"], relais_livemode: true });
    foreign.liveApp = (await server.request("POST", "/v1/apps", { key: live, body: { name: "Live" } })).body.id;

    // A second tenant with an app and a key of its own.
    const otherAccount = newId("acct");
    await server.db.query("insert into accounts (id, name) values ($1, 'Other tenant')", [otherAccount]);
    const other = await issuer.sign({ relais_account: otherAccount, relais_roles: ["owner"] });
    foreign.app = (await server.request("POST", "/v1/apps", { key: other, body: { name: "Theirs" } })).body.id;
    foreign.key = (await server.request("POST", `/v1/apps/${foreign.app}/keys`, { key: other, body: { name: "t", scopes: ["apps:read"] } })).body.id;
    before = await counts();
  });
  afterAll(() => server.close());

  type Case = [name: string, status: number, code: string, send: () => ReturnType<TestServer["request"]>];
  const post = (body: unknown, headers?: Record<string, string>) => server.request<ProblemDocument>("POST", "/v1/apps", { body, ...(headers ? { headers } : {}) });
  const getApp = (key: string | null, id = appId) => server.request<ProblemDocument>("GET", `/v1/apps/${id}`, { key });

  const cases: Case[] = [
    ["malformed JSON", 400, "invalid_json", () => post('{"name": "x",')],
    ["a JSON string instead of an object", 400, "invalid_json", () => post('"just a string"')],
    ["a JSON array instead of an object", 400, "invalid_request", () => post("[1, 2]")],
    ["a wrong type", 400, "invalid_request", () => post({ name: 42 })],
    ["a missing required field", 400, "invalid_request", () => post({ description: "no name" })],
    ["an unknown field", 400, "invalid_request", () => post({ name: "x", owner: "me" })],
    ["a __proto__ field", 400, "invalid_request", () => post('{"name":"x","__proto__":{"admin":true}}')],
    ["a body over the limit", 413, "payload_too_large", () => post({ name: "x", description: "y".repeat(5000) })],
    ["a form body", 415, "unsupported_media_type", () => post("name=x", { "content-type": "application/x-www-form-urlencoded" })],
    ["a text body", 415, "unsupported_media_type", () => post("name", { "content-type": "text/plain" })],
    ["an unknown query parameter", 400, "invalid_request", () => server.request("GET", "/v1/apps?colour=red")],
    ["a limit out of range", 400, "invalid_request", () => server.request("GET", "/v1/apps?limit=0")],
    ["a repeated query parameter", 400, "invalid_request", () => server.request("GET", "/v1/apps?limit=1&limit=2")],
    ["an oversized id", 400, "invalid_request", () => getApp(keys.readOnly ?? "", `app_${"x".repeat(100)}`)],
    ["a bad Idempotency-Key", 400, "invalid_request", () => post({ name: "x" }, { "idempotency-key": "bad key with spaces" })],
    ["an unknown API route", 404, "not_found", () => server.request("GET", "/v1/nothing-here")],
    ["an unknown route", 404, "not_found", () => server.request("GET", "/admin", { key: null })],
    ["an unknown method on a route", 404, "not_found", () => server.request("PUT", `/v1/apps/${appId}`, { body: { name: "x" } })],
    ["no credentials", 401, "authentication_required", () => getApp(null)],
    ["the Basic scheme", 401, "invalid_credentials", () => server.request("GET", "/v1/apps", { key: null, headers: { authorization: "Basic YTpi" } })],
    ["a garbled key", 401, "invalid_credentials", () => getApp("rk_test_!!!")],
    ["an unknown well-formed key", 401, "invalid_credentials", () => getApp(`rk_test_${"a".repeat(43)}`)],
    ["a live-looking key that does not exist", 401, "invalid_credentials", () => getApp(`rk_live_${"b".repeat(43)}`)],
    ["an expired key", 401, "invalid_credentials", () => getApp(keys.expired ?? "")],
    ["a revoked key", 401, "invalid_credentials", () => getApp(keys.revoked ?? "")],
    ["a rotated key after its grace period", 401, "invalid_credentials", () => getApp(keys.rotatedAway ?? "")],
    ["a key without the scope", 403, "permission_denied", () => server.request("PATCH", `/v1/apps/${appId}`, { key: keys.readOnly ?? "", body: { name: "x" } })],
    ["a key minting a stronger key", 403, "permission_denied", () => server.request("POST", `/v1/apps/${appId}/keys`, { key: keys.readOnly ?? "", body: { name: "x", scopes: ["*"] } })],
    ["a test key on live data", 404, "not_found", () => getApp(server.adminKey, foreign.liveApp)],
    ["another account's app", 404, "not_found", () => getApp(server.adminKey, foreign.app)],
    ["another account's app, patched", 404, "not_found", () => server.request("PATCH", `/v1/apps/${foreign.app}`, { body: { name: "mine" } })],
    ["another account's app, deleted", 404, "not_found", () => server.request("DELETE", `/v1/apps/${foreign.app}`)],
    ["another account's app keys", 404, "not_found", () => server.request("GET", `/v1/apps/${foreign.app}/keys`)],
    ["another account's key, revoked", 404, "not_found", () => server.request("POST", `/v1/keys/${foreign.key}/revoke`)],
    ["another account's key, rotated", 404, "not_found", () => server.request("POST", `/v1/keys/${foreign.key}/rotate`)],
    ["a JWT with alg none", 401, "invalid_credentials", async () => getApp(`${b64({ alg: "none", typ: "JWT" })}.${b64({ ...claims(), exp: Math.floor(Date.now() / 1000) + 300 })}.`)],
    [
      "a JWT signed HS256 with the public key as secret",
      401,
      "invalid_credentials",
      async () => {
        const body = `${b64({ alg: "HS256", typ: "JWT", kid: "rsa-1" })}.${b64({ ...claims(), exp: Math.floor(Date.now() / 1000) + 300 })}`;
        return getApp(`${body}.${createHmac("sha256", issuer.publicKeyPem).update(body).digest("base64url")}`);
      },
    ],
    ["a JWT signed by another key", 401, "invalid_credentials", async () => getApp(await (await createTestIssuer()).sign(claims()))],
    ["an expired JWT", 401, "invalid_credentials", async () => getApp(await issuer.sign(claims(), { expiresIn: Math.floor(Date.now() / 1000) - 60 }))],
    ["a JWT for another audience", 401, "invalid_credentials", async () => getApp(await issuer.sign({ ...claims(), aud: "someone-else" }))],
    ["a JWT from another issuer", 401, "invalid_credentials", async () => getApp(await issuer.sign({ ...claims(), iss: "https://evil.example" }))],
    ["a JWT with a tampered payload", 401, "invalid_credentials", async () => {
      const [header, , signature] = (await issuer.sign({ ...claims(), relais_roles: ["support"] })).split(".");
      return getApp(`${header}.${b64({ ...claims(), exp: Math.floor(Date.now() / 1000) + 300 })}.${signature}`);
    }],
  ];

  it.each(cases)("answers %s with %i %s", async (_name, status, code, send) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = response.body as unknown as ProblemDocument;
    expect(problem).toMatchObject({ status, code, type: `https://relais.dev/problems/${code}` });
    expect(problem.request_id).toBe(response.headers.get("request-id"));
    if (code === "invalid_request" && status === 400) expect(problem.errors?.length).toBeGreaterThan(0);
  });

  it("names each invalid field with a path and a code", async () => {
    const response = await post({ name: 42, environment: "moon", extra: true });
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "body.name", code: "invalid_type" }),
        expect.objectContaining({ path: "body.environment", code: "invalid_value" }),
        { path: "body.extra", code: "unknown_field", message: "is not a known field" },
      ]),
    );
    expect((await post({ description: "x" })).body.errors).toContainEqual({ path: "body.name", code: "required", message: "is required" });
  });

  it("wrote nothing for any of them", async () => {
    expect(await counts()).toEqual(before);
  });
});
