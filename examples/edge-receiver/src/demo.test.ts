import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// What `npm start` runs: tsx on the demo file.
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const demoFile = fileURLToPath(new URL("./demo.ts", import.meta.url));

describe("npm start", () => {
  it("prints what the worker did with a signed, a tampered and an unsigned delivery", async () => {
    const child = spawn(process.execPath, [tsxCli, demoFile]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

    const [exitCode] = await once(child, "exit");

    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(stdout.trimEnd().split("\n")).toEqual([
      "received evt_demo payment.succeeded (webhook-id msg_demo)",
      "signed delivery → 200",
      "tampered body → 400 invalid_signature",
      "no signature headers → 400 missing_header",
    ]);
  }, 20_000);
});
