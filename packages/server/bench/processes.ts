import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import pg from "pg";

const tsx = createRequire(import.meta.url).resolve("tsx");

/** Only loopback: the bench must never send traffic anywhere else. */
export const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** The server's entry point, run from source by every bench scenario. */
export const SERVER_MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/** A fresh admin key in the server's format, handed to it as RELAIS_BOOTSTRAP_KEY. */
export function benchAdminKey(): string {
  return `rk_test_${randomBytes(32).toString("base64url").replace(/[-_]/g, "0").slice(0, 43)}`;
}

/**
 * Environment of an API server under benchmark: real PostgreSQL, a bootstrap admin key, loopback
 * only. Rate limits stay on (each request still counts in Postgres) but high enough not to trip.
 */
export function benchServerEnv(databaseUrl: string, adminKey: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    RELAIS_MASTER_KEY: randomBytes(32).toString("base64"),
    RELAIS_BOOTSTRAP_KEY: adminKey,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    RELAIS_RATE_LIMIT_KEY_PER_MINUTE: "100000000",
    RELAIS_RATE_LIMIT_IP_PER_MINUTE: "100000000",
  };
}

/** A child process running a TypeScript entry point, with the URL it printed. */
export interface Child {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `file` under tsx and waits for `listening on http://…` on its stdout. */
export async function startChild(file: string, env: Record<string, string>): Promise<Child> {
  // RELAIS_BENCH_CPU_PROF=<dir>: every server process writes a V8 CPU profile there when it exits.
  const profile = process.env.RELAIS_BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.RELAIS_BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", tsx, file], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 60 s`)), 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`${file} exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        // A child frozen with SIGSTOP (the webhooks bench) would not act on SIGTERM until resumed.
        child.kill("SIGCONT");
        child.kill("SIGTERM");
      }),
  };
}

/** Creates a throwaway database on the local PostgreSQL; `drop()` removes it. */
export async function temporaryDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `relais_bench_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
