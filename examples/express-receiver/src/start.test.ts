import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { generateStandardSecret, signSync } from "@relais/webhook-verify/node";
import { afterEach, describe, expect, it } from "vitest";

// What `npm start` runs: tsx on the start file, with the environment as given.
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const startFile = fileURLToPath(new URL("./start.ts", import.meta.url));

let receiver: ChildProcessWithoutNullStreams | undefined;

afterEach(async () => {
  if (receiver && receiver.exitCode === null && receiver.signalCode === null) {
    const exited = once(receiver, "exit");
    receiver.kill();
    await exited;
  }
  receiver = undefined;
});

function start(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const { RELAIS_WEBHOOK_SECRET: _ignored, ...inherited } = process.env;
  receiver = spawn(process.execPath, [tsxCli, startFile], { env: { ...inherited, ...env } });
  return receiver;
}

/** Resolves with the first match of `pattern` in the child's stdout; rejects if it exits first. */
function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        child.stdout.off("data", onData);
        resolve(match);
      }
    };
    child.stdout.on("data", onData);
    child.once("exit", (code) => reject(new Error(`receiver exited (${code}) before printing ${pattern}: ${output}`)));
  });
}

describe("npm start", () => {
  it("refuses to start without RELAIS_WEBHOOK_SECRET and says why", async () => {
    const child = start({ PORT: "0" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

    const [exitCode] = await once(child, "exit");

    expect(exitCode).toBe(1);
    expect(stderr.trim()).toBe("RELAIS_WEBHOOK_SECRET is not set: use the endpoint's signing secret (whsec_…)");
    expect(stdout).toBe("");
  }, 20_000);

  it("listens on PORT and logs a verified delivery", async () => {
    const secret = generateStandardSecret();
    const child = start({ PORT: "0", RELAIS_WEBHOOK_SECRET: secret });
    const [url] = await waitForOutput(child, /http:\/\/localhost:\d+\/webhooks\/relais/);
    const body = JSON.stringify({ id: "evt_7", type: "refund.created" });
    const headers = signSync({ scheme: "standard", payload: body, secret, id: "msg_started" });

    const logged = waitForOutput(child, /received .*\n/);
    const response = await fetch(url, { method: "POST", body, headers });

    expect(response.status).toBe(204);
    expect((await logged)[0]).toBe("received evt_7 refund.created (webhook-id msg_started)\n");
  }, 20_000);
});
