import { describe, expect, it } from "vitest";
import { emptyState, loadState, pruneCommands, saveState, type CommandRecord } from "./agent-state.js";
import { createMemoryStore } from "./document-store.js";

const key = { kty: "OKP", crv: "Ed25519", x: "JwWccAhSd0EOejunEvdUDGRFbTGLRfQNhFv0tvY8M-E" } as const;

function record(overrides: Partial<CommandRecord>): CommandRecord {
  return { id: "cmd_1", type: "config", status: "applied", expiresAt: "2025-06-01T13:00:00Z", acked: true, ...overrides };
}

describe("loadState", () => {
  it("starts empty, with the initial config, when nothing was saved", async () => {
    expect(await loadState(createMemoryStore(), { mode: "live" })).toEqual(emptyState({ mode: "live" }));
  });

  it("round-trips what saveState wrote", async () => {
    const store = createMemoryStore();
    const state = {
      ...emptyState(),
      instanceUid: "plg_1",
      credentials: { agentSecret: "ags_1", commandSigningKey: key },
      sequenceNum: 7,
      commands: [record({ acked: false })],
    };
    await saveState(store, state);
    expect(await loadState(store, {})).toEqual(state);
  });

  it("settles commands that were running when the last process died", async () => {
    const store = createMemoryStore();
    await saveState(store, {
      ...emptyState(),
      commands: [
        record({ id: "cmd_update", type: "update", status: "running", acked: false }),
        record({ id: "cmd_restart", type: "restart", status: "running", acked: false }),
      ],
    });
    const [update, restart] = (await loadState(store, {})).commands;
    expect(update).toMatchObject({ status: "failed", error: { code: "interrupted" }, acked: false });
    expect(restart).toMatchObject({ status: "applied", details: { completed_by: "process_restart" }, acked: false });
  });

  it("refuses a document it did not write rather than forgetting executed commands", async () => {
    const store = createMemoryStore();
    await store.write("state", { version: 99 });
    await expect(loadState(store, {})).rejects.toMatchObject({ code: "state_error" });
  });
});

describe("pruneCommands", () => {
  const now = Date.parse("2025-06-01T15:00:00Z");

  it("keeps unacked records whatever their age", () => {
    const old = record({ acked: false, expiresAt: "2020-01-01T00:00:00Z" });
    expect(pruneCommands([old], now)).toEqual([old]);
  });

  it("drops acked records an hour after their command expired", () => {
    const gone = record({ id: "gone", expiresAt: "2025-06-01T13:59:59Z" });
    const skewWindow = record({ id: "skew", expiresAt: "2025-06-01T14:30:00Z" });
    const live = record({ id: "live", expiresAt: "2025-06-02T00:00:00Z" });
    expect(pruneCommands([gone, skewWindow, live], now).map((r) => r.id)).toEqual(["skew", "live"]);
  });

  it("caps the history by dropping the oldest acked records first", () => {
    const records = Array.from({ length: 1_005 }, (_, i) =>
      record({ id: `cmd_${i}`, acked: i !== 0, expiresAt: "2030-01-01T00:00:00Z" }),
    );
    const kept = pruneCommands(records, now);
    expect(kept).toHaveLength(1_000);
    expect(kept[0]?.id).toBe("cmd_0");
    expect(kept[1]?.id).toBe("cmd_6");
  });
});
