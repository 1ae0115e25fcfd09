import { spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// The CLI runs from source through tsx, so these tests need no build.
const mainFile = fileURLToPath(new URL("./main.ts", import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve("tsx");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startCli(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", tsxLoader, mainFile], {
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Run>((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
  const listening = async (): Promise<string> => {
    await expect.poll(() => stdout, { timeout: 30_000 }).toMatch(/listening on (http:\S+)/);
    return /listening on (http:\S+)/.exec(stdout)?.[1] ?? "";
  };
  return { child, exited, listening, output: () => ({ stdout, stderr }) };
}

describe("relais-server command", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "relais-cli-"));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it("uses RELAIS_BOOTSTRAP_KEY on a first start in memory and does not print it", async () => {
    const bootstrapKey = `rk_test_${"Zz09".repeat(10)}`;
    const run = startCli({ PORT: "0", DATABASE_URL: "memory://", RELAIS_BOOTSTRAP_KEY: bootstrapKey });
    const url = await run.listening();
    expect(run.output().stdout).not.toContain("Admin API key");
    expect(run.output().stdout + run.output().stderr).not.toContain(bootstrapKey);
    const account = await fetch(`${url}/v1/account`, { headers: { authorization: `Bearer ${bootstrapKey}` } });
    expect(account.status).toBe(200);
    run.child.kill("SIGTERM");
    expect((await run.exited).code).toBe(0);
  });

  it.each([
    [{ PORT: "abc" }, /^relais-server: invalid configuration: PORT must be a port number \(got "abc"\)\n$/],
    [{ LOG_LEVEL: "loud" }, /^relais-server: invalid configuration: LOG_LEVEL must be one of/],
    [
      { DATABASE_URL: "postgres://postgres:hunter2@127.0.0.1:1/relais" },
      /^relais-server: invalid configuration: RELAIS_MASTER_KEY is required with a PostgreSQL DATABASE_URL/,
    ],
    [
      { DATABASE_URL: "postgres://postgres:hunter2@127.0.0.1:1/relais", RELAIS_MASTER_KEY: Buffer.alloc(32, 1).toString("base64") },
      /^relais-server: cannot connect to DATABASE_URL \(postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/relais\): .*ECONNREFUSED.*\n$/,
    ],
  ])("stops on bad configuration %j with one line and exit code 1", async (env, message) => {
    const run = await startCli({ RELAIS_DATA_DIR: dataDir, ...env }).exited;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain("hunter2");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("serves on the embedded database, refuses a second server on the same data dir, and exits 0 on SIGTERM", async () => {
    const first = startCli({ PORT: "0", RELAIS_DATA_DIR: dataDir });
    const url = await first.listening();
    expect(first.output().stdout).toContain(`embedded PostgreSQL (PGlite) in ${dataDir}`);
    const adminKey = /Admin API key \(shown once\): (rk_test_[0-9A-Za-z]{43})\n/.exec(first.output().stdout)?.[1];
    expect(adminKey).toBeDefined();
    // The generated master key sits in the data dir, readable by its owner only.
    expect((await stat(path.join(dataDir, "master.key"))).mode & 0o777).toBe(0o600);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/ready`)).status).toBe(200);

    const second = await startCli({ PORT: "0", RELAIS_DATA_DIR: dataDir }).exited;
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`^relais-server: the data directory .* is in use by another Relais server \\(pid \\d+\\)`),
    );

    first.child.kill("SIGTERM");
    const run = await first.exited;
    expect(run.code).toBe(0);

    // The lock is released on shutdown: the same directory opens again, with its data.
    const again = startCli({ PORT: "0", RELAIS_DATA_DIR: dataDir });
    const againUrl = await again.listening();
    expect((await fetch(`${againUrl}/ready`)).status).toBe(200);
    expect(again.output().stdout).not.toContain("Admin API key");
    // Same master key from the file, so the stored key hash still matches.
    const account = await fetch(`${againUrl}/v1/account`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(account.status).toBe(200);
    again.child.kill("SIGTERM");
    expect((await again.exited).code).toBe(0);
  });
});
