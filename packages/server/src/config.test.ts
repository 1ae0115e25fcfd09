import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

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
    });
  });

  it("parses the values it is given", () => {
    const config = loadConfig({
      PORT: "8080",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/relais",
      LOG_LEVEL: "debug",
      RELAIS_ROLE: "worker",
      UNRELATED: "ignored",
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: "postgres://postgres@127.0.0.1:5432/relais",
      logLevel: "debug",
      role: "worker",
    });
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

  it("names every bad variable at once", () => {
    expect(() => loadConfig({ PORT: "x", LOG_LEVEL: "y" })).toThrow(/PORT .*; LOG_LEVEL /);
  });
});
