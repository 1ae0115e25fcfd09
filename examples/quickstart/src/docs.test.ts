import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// docs/operations.md carries a configuration table generated from the server's zod schema by
// `npm run docs:config`; these tests keep it from drifting away from the schema.
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const script = path.join(repoRoot, "scripts/config-table.mjs");
const operationsDoc = path.join(repoRoot, "docs/operations.md");

let scratch: string | undefined;
afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

function configTable(...args: string[]) {
  const run = spawnSync(process.execPath, [script, ...args], { cwd: repoRoot, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

/** A copy of docs/operations.md in a temporary directory, changed by `edit`. */
function copyOfOperationsDoc(edit: (text: string) => string): string {
  scratch = mkdtempSync(path.join(tmpdir(), "relais-docs-"));
  const copy = path.join(scratch, "operations.md");
  writeFileSync(copy, edit(readFileSync(operationsDoc, "utf8")));
  return copy;
}

describe("docs/operations.md configuration table", () => {
  it("matches the server's config schema (npm run docs:config -- --check)", () => {
    expect(configTable("--check")).toEqual({
      status: 0,
      stdout: expect.stringMatching(/^config-table: docs\/operations\.md is up to date \(\d+ variables\)$/),
      stderr: "",
    });
  });

  it("lists every variable with its default, and LOG_LEVEL with its choices", () => {
    const doc = readFileSync(operationsDoc, "utf8");
    expect(doc).toContain("| `PORT` | `4000` | TCP port the HTTP server listens on (0 picks a free port). |");
    expect(doc).toContain("| `DATABASE_URL` | unset |");
    expect(doc).toContain("| `LOG_LEVEL` | `info` | Least severe level written to the JSON log on stdout. One of `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`. |");
    expect(doc).toContain("| `RELAIS_AGENT_HEARTBEAT_S` | `120` |");
  });

  it("fails the check on a stale table, and rewriting it restores the generated one", () => {
    const stale = copyOfOperationsDoc((text) => text.replace("| `PORT` | `4000` |", "| `PORT` | `8080` |"));

    const check = configTable("--check", "--file", stale);
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/is stale; run `npm run docs:config`$/);

    expect(configTable("--file", stale).status).toBe(0);
    expect(readFileSync(stale, "utf8")).toBe(readFileSync(operationsDoc, "utf8"));
  });

  it("refuses a file without the markers instead of guessing where the table goes", () => {
    const unmarked = copyOfOperationsDoc((text) => text.replace("<!-- config-table:end -->", ""));

    const run = configTable("--check", "--file", unmarked);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/needs the markers <!-- config-table:start --> and <!-- config-table:end -->, in that order$/);
  });
});
