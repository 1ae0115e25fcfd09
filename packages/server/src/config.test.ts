import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const MASTER_KEY = Buffer.alloc(32, 3).toString("base64");
const ADMIN_KEY = `rk_live_${"A1b2C3d4E5".repeat(4)}`;
const jwks = JSON.stringify({
  keys: [generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" })],
});

describe("loadConfig", () => {
  it("applies the documented defaults to an empty environment", () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      dataDir: "./.relais",
      logLevel: "info",
      role: "all",
      shutdownTimeoutMs: 30_000,
      masterKey: undefined,
      bootstrapKey: undefined,
      jwt: undefined,
      corsOrigins: [],
      bodyLimitBytes: 1_048_576,
      rateLimits: { keyPerMinute: 1_000, ipPerMinute: 2_000 },
      keyCacheTtlMs: 5_000,
      trustProxyHops: 0,
      webhooks: {
        allowPrivate: false,
        timeoutMs: 15_000,
        workerConcurrency: 200,
        pollMs: 1_000,
        eventRetentionDays: 90,
        endpointQuota: 20,
        replayRatePerSecond: 10,
        failureWindowHours: 120,
        maxConsecutiveDead: 10,
      },
      agents: { heartbeatIntervalS: 120, bodyLimitBytes: 1_048_576, monitorIntervalS: 30, autopatchIntervalS: 5 },
      interop: { publicUrl: undefined, bodyLimitBytes: 5_242_880, connectorCacheMs: 5_000 },
      decisionService: undefined,
    });
  });

  it("parses the values it is given", () => {
    const config = loadConfig({
      PORT: "8080",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/relais",
      LOG_LEVEL: "debug",
      RELAIS_ROLE: "worker",
      RELAIS_MASTER_KEY: MASTER_KEY,
      RELAIS_BOOTSTRAP_KEY: ADMIN_KEY,
      RELAIS_CORS_ORIGINS: "https://console.example.com, http://localhost:3000",
      RELAIS_BODY_LIMIT_BYTES: "2048",
      RELAIS_RATE_LIMIT_KEY_PER_MINUTE: "60",
      RELAIS_RATE_LIMIT_IP_PER_MINUTE: "120",
      RELAIS_KEY_CACHE_TTL_MS: "0",
      RELAIS_TRUST_PROXY: "1",
      UNRELATED: "ignored",
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: "postgres://postgres@127.0.0.1:5432/relais",
      logLevel: "debug",
      role: "worker",
      bootstrapKey: ADMIN_KEY,
      corsOrigins: ["https://console.example.com", "http://localhost:3000"],
      bodyLimitBytes: 2048,
      rateLimits: { keyPerMinute: 60, ipPerMinute: 120 },
      keyCacheTtlMs: 0,
      trustProxyHops: 1,
    });
    expect(config.masterKey).toEqual(Buffer.alloc(32, 3));
  });

  it("reads a JWT setup from a static JWKS or a JWKS URL", () => {
    const fromJwks = loadConfig({ RELAIS_JWT_JWKS: jwks, RELAIS_JWT_ISSUER: "https://id.example.com", RELAIS_JWT_AUDIENCE: "relais" });
    expect(fromJwks.jwt).toMatchObject({
      issuer: "https://id.example.com",
      audience: "relais",
      roleClaim: "relais_roles",
      accountClaim: "relais_account",
      livemodeClaim: "relais_livemode",
      keys: { jwks: JSON.parse(jwks) },
    });
    const fromUrl = loadConfig({
      RELAIS_JWT_JWKS_URL: "https://id.example.com/.well-known/jwks.json",
      RELAIS_JWT_ISSUER: "https://id.example.com",
      RELAIS_JWT_AUDIENCE: "relais",
      RELAIS_JWT_ROLE_CLAIM: "roles",
    });
    expect(fromUrl.jwt).toMatchObject({ keys: { url: "https://id.example.com/.well-known/jwks.json" }, roleClaim: "roles" });
  });

  it("treats an empty variable as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "" })).toMatchObject({ port: 4000, databaseUrl: undefined });
  });

  it.each([
    ["PORT", "abc", /PORT must be a port number \(got "abc"\)/],
    ["PORT", "70000", /PORT must be between 0 and 65535/],
    ["PORT", "80.5", /PORT must be a whole number/],
    ["DATABASE_URL", "mysql://x", /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL must be one of fatal, error/],
    ["RELAIS_ROLE", "boss", /RELAIS_ROLE must be one of all, api, worker/],
    ["RELAIS_MASTER_KEY", Buffer.alloc(16).toString("base64"), /RELAIS_MASTER_KEY must be 32 bytes in base64 .*\(got \[redacted\]\)/],
    ["RELAIS_MASTER_KEY", "not base64!", /RELAIS_MASTER_KEY must be 32 bytes in base64/],
    ["RELAIS_BOOTSTRAP_KEY", "rk_test_short", /RELAIS_BOOTSTRAP_KEY must look like rk_test_… or rk_live_…/],
    ["RELAIS_JWT_JWKS", "{nope", /RELAIS_JWT_JWKS must be JSON/],
    ["RELAIS_JWT_JWKS", '{"keys":[]}', /RELAIS_JWT_JWKS must be a JWKS/],
    ["RELAIS_JWT_JWKS_URL", "ftp://id.example.com/jwks", /RELAIS_JWT_JWKS_URL must be an http\(s\) URL/],
    ["RELAIS_CORS_ORIGINS", "https://ok.example.com,https://bad.example.com/path", /RELAIS_CORS_ORIGINS must be a comma-separated list of origins/],
    ["RELAIS_BODY_LIMIT_BYTES", "0", /RELAIS_BODY_LIMIT_BYTES must be at least 1/],
    ["RELAIS_RATE_LIMIT_KEY_PER_MINUTE", "many", /RELAIS_RATE_LIMIT_KEY_PER_MINUTE must be a number of requests/],
    ["RELAIS_KEY_CACHE_TTL_MS", "600000", /RELAIS_KEY_CACHE_TTL_MS/],
  ])("rejects %s=%s with a message naming the variable", (name, value, message) => {
    const attempt = () => loadConfig({ [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).variables).toEqual([name]);
    }
  });

  it("never echoes a secret it rejects", () => {
    expect(() => loadConfig({ RELAIS_BOOTSTRAP_KEY: "rk_test_leaky-secret" })).toThrow(/got \[redacted\]/);
    expect(() => loadConfig({ RELAIS_BOOTSTRAP_KEY: "rk_test_leaky-secret" })).not.toThrow(/leaky/);
  });

  it("names every bad variable at once", () => {
    expect(() => loadConfig({ PORT: "x", LOG_LEVEL: "y" })).toThrow(/PORT .*; LOG_LEVEL /);
  });

  it("refuses a PostgreSQL database without a master key, naming RELAIS_MASTER_KEY", () => {
    const attempt = () => loadConfig({ DATABASE_URL: "postgres://postgres@127.0.0.1/relais" });
    expect(attempt).toThrow(/RELAIS_MASTER_KEY is required with a PostgreSQL DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: "memory://" })).not.toThrow();
  });

  it("requires an issuer and an audience with a JWKS, and only one JWKS source", () => {
    expect(() => loadConfig({ RELAIS_JWT_JWKS: jwks })).toThrow(/RELAIS_JWT_ISSUER is required .*; RELAIS_JWT_AUDIENCE is required/);
    expect(() =>
      loadConfig({
        RELAIS_JWT_JWKS: jwks,
        RELAIS_JWT_JWKS_URL: "https://id.example.com/jwks",
        RELAIS_JWT_ISSUER: "i",
        RELAIS_JWT_AUDIENCE: "a",
      }),
    ).toThrow(/RELAIS_JWT_JWKS cannot be set together with RELAIS_JWT_JWKS_URL/);
  });
});
