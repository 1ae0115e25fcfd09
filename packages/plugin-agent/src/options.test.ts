import { describe, expect, it } from "vitest";
import { insecureTransportWarning, resolveCapabilities, resolveEnv } from "./options.js";

describe("insecureTransportWarning", () => {
  it("warns about http to anything but loopback", () => {
    expect(insecureTransportWarning("http://relais.example.com")).toContain("not https");
    expect(insecureTransportWarning("https://relais.example.com")).toBeUndefined();
    expect(insecureTransportWarning("http://127.0.0.1:4000")).toBeUndefined();
    expect(insecureTransportWarning("http://localhost:4000")).toBeUndefined();
    expect(insecureTransportWarning("http://[::1]:4000")).toBeUndefined();
  });
});

describe("resolveEnv", () => {
  const plugin = { name: "p", version: "1", platform: "shopify" };

  it("adds the runtime unless told not to, under the plugin's own facts", () => {
    expect(resolveEnv({ serverUrl: "https://x", plugin, telemetry: { env: { os: "custom" } } })).toEqual({
      runtime: "node",
      runtime_version: process.versions.node,
      os: "custom",
      arch: process.arch,
    });
    expect(resolveEnv({ serverUrl: "https://x", plugin, telemetry: { includeRuntime: false, env: { a: 1 } } })).toEqual({ a: 1 });
  });
});

describe("resolveCapabilities", () => {
  it("reports local rollback only with both snapshot and restore", () => {
    expect(resolveCapabilities({ snapshot: () => null })).toEqual({ commands: [], local_rollback: false, health_check: false });
    expect(resolveCapabilities({ snapshot: () => null, restore: () => {}, healthCheck: () => true })).toEqual({
      commands: ["rollback"],
      local_rollback: true,
      health_check: true,
    });
  });
});
