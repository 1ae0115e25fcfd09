import * as fs from "node:fs/promises";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryStore, openFileStore } from "./document-store.js";

describe("openFileStore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = path.join(await mkdtemp(path.join(tmpdir(), "relais-agent-store-")), "state");
  });
  afterEach(async () => {
    await rm(path.dirname(dir), { recursive: true, force: true });
  });

  it("round-trips documents and reads a missing one as undefined", async () => {
    const store = await openFileStore(dir);
    expect(await store.read("state")).toBeUndefined();
    await store.write("state", { sequenceNum: 3, nested: { ok: true } });
    expect(await store.read("state")).toEqual({ sequenceNum: 3, nested: { ok: true } });
    expect(await (await openFileStore(dir)).read("state")).toEqual({ sequenceNum: 3, nested: { ok: true } });
  });

  it("keeps the directory 0700 and the files 0600", async () => {
    const store = await openFileStore(dir);
    await store.write("state", { secret: "ags_123" });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, "state.json"))).mode & 0o777).toBe(0o600);
  });

  it("leaves the old document readable when the process dies between write and rename", async () => {
    await (await openFileStore(dir)).write("state", { sequenceNum: 1 });
    const crashingFs = {
      ...fs,
      rename: async () => {
        throw new Error("simulated crash before rename");
      },
    };
    const crashing = await openFileStore(dir, crashingFs);
    await expect(crashing.write("state", { sequenceNum: 2 })).rejects.toThrow("simulated crash");

    // The new content reached disk only in a temporary file, which the next process removes.
    const leftovers = (await readdir(dir)).filter((name) => name.endsWith(".tmp"));
    expect(leftovers).toHaveLength(1);
    const reopened = await openFileStore(dir);
    expect(await reopened.read("state")).toEqual({ sequenceNum: 1 });
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("applies concurrent writes in call order", async () => {
    const store = await openFileStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.write("state", { n: i })));
    expect(await store.read("state")).toEqual({ n: 19 });
  });

  it("reports a torn document instead of guessing", async () => {
    const store = await openFileStore(dir);
    await writeFile(path.join(dir, "state.json"), '{"sequenceNum": 1', { mode: 0o600 });
    await expect(store.read("state")).rejects.toThrow(SyntaxError);
  });

  it("refuses document names that could escape the directory", async () => {
    const store = await openFileStore(dir);
    await expect(store.write("../evil", {})).rejects.toThrow(TypeError);
  });
});

describe("createMemoryStore", () => {
  it("keeps copies, not references", async () => {
    const store = createMemoryStore();
    const value = { list: [1] };
    await store.write("state", value);
    value.list.push(2);
    expect(await store.read("state")).toEqual({ list: [1] });
  });
});
