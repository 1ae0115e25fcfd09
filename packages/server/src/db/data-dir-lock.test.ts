import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireDataDirLock } from "./data-dir-lock.js";
import { DatabaseUnavailableError } from "./database.js";

describe("acquireDataDirLock", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "relais-lock-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes this process's pid and removes it on release", async () => {
    const release = await acquireDataDirLock(dir);
    expect(await readFile(path.join(dir, "relais.pid"), "utf8")).toBe(String(process.pid));
    await release();
    await expect(readFile(path.join(dir, "relais.pid"), "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("refuses a directory another live process holds", async () => {
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      await writeFile(path.join(dir, "relais.pid"), String(sleeper.pid));
      const attempt = acquireDataDirLock(dir);
      await expect(attempt).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(acquireDataDirLock(dir)).rejects.toThrow(`in use by another Relais server (pid ${sleeper.pid})`);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.once("exit", resolve));
    await writeFile(path.join(dir, "relais.pid"), String(gone.pid));
    const release = await acquireDataDirLock(dir);
    expect(await readFile(path.join(dir, "relais.pid"), "utf8")).toBe(String(process.pid));
    await release();
  });

  it("refuses to open the same directory twice in one process", async () => {
    const release = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(/already open in this process/);
    await release();
  });
});
