import { beforeEach, describe, expect, it, vi } from "vitest";
import { configHash } from "./canonical-json.js";
import { runCommand, supportedCommandTypes, type RunEnvironment } from "./command-runner.js";
import { createMemoryStore } from "./document-store.js";
import type { JsonObject } from "./json.js";
import type { SignedCommand } from "./protocol.js";
import { openSnapshotStore, type SnapshotStore } from "./snapshots.js";
import type { AgentHandlers } from "./types.js";

function command(type: string, params: JsonObject = {}, id = `cmd_${type}`): SignedCommand {
  return { id, type, params, issued_at: "2025-06-01T12:00:00Z", expires_at: "2025-06-01T13:00:00Z", signature: "verified" };
}

describe("runCommand", () => {
  let snapshots: SnapshotStore;
  let env: (handlers: AgentHandlers, effectiveConfig?: JsonObject) => RunEnvironment;
  beforeEach(async () => {
    snapshots = await openSnapshotStore(createMemoryStore());
    env = (handlers, effectiveConfig = { level: "old" }) => ({
      handlers,
      snapshots,
      effectiveConfig,
      pluginVersion: "1.0.0",
      instanceUid: "plg_1",
      signal: new AbortController().signal,
      healthCheckTimeoutMs: 1_000,
    });
  });

  it("applies a config after snapshotting what it replaces", async () => {
    const order: string[] = [];
    const handlers: AgentHandlers = {
      snapshot: (kind) => {
        order.push(`snapshot:${kind}`);
        return { settings: "old" };
      },
      restore: vi.fn(),
      config: (params, ctx) => {
        order.push(`config:${JSON.stringify(params.config)}`);
        expect(ctx.snapshot).toMatchObject({ kind: "config", commandId: "cmd_config", data: { settings: "old" } });
      },
      healthCheck: () => {
        order.push("healthCheck");
        return true;
      },
    };
    const outcome = await runCommand(command("config", { config: { level: "new" } }), env(handlers));
    expect(order).toEqual(["snapshot:config", 'config:{"level":"new"}', "healthCheck"]);
    const hash = await configHash({ level: "new" });
    expect(outcome).toEqual({
      status: "applied",
      details: { effective_config_hash: hash },
      effectiveConfig: { level: "new" },
      configStatus: { offered_hash: hash, status: "applied" },
    });
    expect(handlers.restore).not.toHaveBeenCalled();
    expect(snapshots.latest()).toMatchObject({ commandId: "cmd_config", previousEffectiveConfig: { level: "old" } });
  });

  it("reports the config the handler says took effect, against the offered hash", async () => {
    const outcome = await runCommand(
      command("config", { config: { level: "new" } }),
      env({ config: () => ({ effectiveConfig: { level: "new", local: true }, details: { merged: true } }) }),
    );
    expect(outcome.effectiveConfig).toEqual({ level: "new", local: true });
    expect(outcome.details).toEqual({ merged: true, effective_config_hash: await configHash({ level: "new", local: true }) });
    expect(outcome.configStatus?.offered_hash).toBe(await configHash({ level: "new" }));
  });

  it("fails a config without a config object, without calling the handler", async () => {
    const config = vi.fn();
    const outcome = await runCommand(command("config", { config: [1, 2] }), env({ config }));
    expect(outcome).toMatchObject({ status: "failed", error: { code: "invalid_params" }, configStatus: { status: "failed" } });
    expect(config).not.toHaveBeenCalled();
  });

  it("restores the snapshot when the health check fails after an update", async () => {
    const restore = vi.fn();
    const outcome = await runCommand(
      command("update", { version: "2.0.0" }),
      env({
        snapshot: () => ({ version: "1.0.0" }),
        restore,
        update: () => ({ details: { installed: "2.0.0" } }),
        healthCheck: () => ({ healthy: false, details: { http: 500 } }),
      }),
    );
    expect(restore).toHaveBeenCalledWith(expect.objectContaining({ kind: "update", data: { version: "1.0.0" } }));
    expect(outcome).toMatchObject({
      status: "failed",
      error: { code: "health_check_failed" },
      details: { rolled_back: true, health: { http: 500 } },
      rolledBack: { reason: "health_check_failed" },
    });
    expect(outcome.effectiveConfig).toBeUndefined();
    expect(snapshots.latest()).toBeNull();
  });

  it("restores the snapshot when the handler throws", async () => {
    const restore = vi.fn();
    const outcome = await runCommand(
      command("update"),
      env({
        snapshot: () => "v1",
        restore,
        update: () => {
          throw new Error("download failed");
        },
      }),
    );
    expect(restore).toHaveBeenCalledOnce();
    expect(outcome).toMatchObject({
      status: "failed",
      error: { code: "handler_failed", message: "download failed" },
      details: { rolled_back: true },
    });
  });

  it("does not apply when the snapshot cannot be taken", async () => {
    const update = vi.fn();
    const outcome = await runCommand(
      command("update"),
      env({
        snapshot: () => {
          throw new Error("disk full");
        },
        restore: vi.fn(),
        update,
      }),
    );
    expect(update).not.toHaveBeenCalled();
    expect(outcome).toMatchObject({ status: "failed", error: { code: "snapshot_failed", message: "disk full" } });
  });

  it("says when the local rollback itself failed", async () => {
    const outcome = await runCommand(
      command("update"),
      env({
        snapshot: () => "v1",
        restore: () => {
          throw new Error("backup missing");
        },
        update: () => {},
        healthCheck: () => false,
      }),
    );
    expect(outcome.details).toMatchObject({ rolled_back: false, rollback_error: "backup missing" });
    expect(outcome.rolledBack).toBeUndefined();
  });

  it("fails without rolling back when the plugin has no snapshot handlers", async () => {
    const outcome = await runCommand(command("update"), env({ update: () => {}, healthCheck: () => false }));
    expect(outcome).toMatchObject({ status: "failed", details: { rolled_back: false } });
  });

  it("rolls back to the latest snapshot, then the one before", async () => {
    const restored: string[] = [];
    const handlers: AgentHandlers = {
      snapshot: () => `before ${restored.length}`,
      restore: (snapshot) => {
        restored.push(snapshot.commandId);
      },
      config: () => {},
    };
    await runCommand(command("config", { config: { v: 2 } }, "cmd_a"), env(handlers, { v: 1 }));
    await runCommand(command("config", { config: { v: 3 } }, "cmd_b"), env(handlers, { v: 2 }));

    const first = await runCommand(command("rollback", {}, "cmd_r1"), env(handlers, { v: 3 }));
    expect(first).toMatchObject({
      status: "applied",
      details: { restored_command_id: "cmd_b" },
      effectiveConfig: { v: 2 },
      rolledBack: { reason: "rollback_command" },
    });
    const second = await runCommand(command("rollback", {}, "cmd_r2"), env(handlers, { v: 2 }));
    expect(second.effectiveConfig).toEqual({ v: 1 });
    expect(restored).toEqual(["cmd_b", "cmd_a"]);

    const third = await runCommand(command("rollback", {}, "cmd_r3"), env(handlers, { v: 1 }));
    expect(third).toMatchObject({ status: "failed", error: { code: "no_snapshot" } });
  });

  it("reports the version an update installed, and the version before it after a rollback or a failed health check", async () => {
    let version = "1.0.0";
    let healthy = true;
    const handlers: AgentHandlers = {
      snapshot: () => ({ version }),
      restore: (snapshot) => {
        version = String((snapshot.data as JsonObject).version);
      },
      update: (params) => {
        version = String(params.version);
        return { pluginVersion: version };
      },
      healthCheck: () => healthy,
    };
    const updated = await runCommand(command("update", { version: "1.1.0" }, "cmd_up"), env(handlers));
    expect(updated).toMatchObject({ status: "applied", pluginVersion: "1.1.0", details: { plugin_version: "1.1.0" } });
    const rolledBack = await runCommand(command("rollback"), { ...env(handlers), pluginVersion: "1.1.0" });
    expect(rolledBack).toMatchObject({ status: "applied", pluginVersion: "1.0.0" });
    expect(version).toBe("1.0.0");

    healthy = false;
    const broken = await runCommand(command("update", { version: "2.0.0" }, "cmd_broken"), env(handlers));
    expect(broken).toMatchObject({ status: "failed", pluginVersion: "1.0.0", details: { rolled_back: true } });
    // Handlers that do not report a version leave it alone.
    const silent = await runCommand(command("update", { version: "3.0.0" }, "cmd_silent"), env({ update: () => undefined }));
    expect(silent.pluginVersion).toBeUndefined();
  });

  it("lets a rollback handler replace the default restore", async () => {
    const restore = vi.fn();
    const rollback = vi.fn();
    const handlers: AgentHandlers = { snapshot: () => "v1", restore, update: () => {}, rollback };
    await runCommand(command("update"), env(handlers));
    const outcome = await runCommand(command("rollback", { to: "1.0.0" }), env(handlers));
    expect(rollback).toHaveBeenCalledWith({ to: "1.0.0" }, expect.objectContaining({ snapshot: expect.objectContaining({ data: "v1" }) }));
    expect(restore).not.toHaveBeenCalled();
    expect(outcome.status).toBe("applied");
  });

  it("runs restart and custom handlers with their params", async () => {
    const flush = vi.fn(() => ({ details: { flushed: 12 } }));
    const outcome = await runCommand(command("cache.flush", { scope: "all" }), env({ custom: { "cache.flush": flush } }));
    expect(flush).toHaveBeenCalledWith({ scope: "all" }, expect.objectContaining({ instanceUid: "plg_1", snapshot: null }));
    expect(outcome).toEqual({ status: "applied", details: { flushed: 12 } });
    const restart = await runCommand(command("restart"), env({ restart: () => Promise.reject(new Error("busy")) }));
    expect(restart).toMatchObject({ status: "failed", error: { code: "handler_failed", message: "busy" } });
  });
});

describe("supportedCommandTypes", () => {
  it("lists built-ins with a handler, rollback when restore exists, and custom types", () => {
    expect(supportedCommandTypes({})).toEqual([]);
    expect(supportedCommandTypes({ config: () => {}, restore: () => {}, custom: { "cache.flush": () => {} } })).toEqual([
      "cache.flush",
      "config",
      "rollback",
    ]);
  });
});
