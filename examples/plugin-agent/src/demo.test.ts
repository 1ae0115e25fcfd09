import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// What `npm start` runs: tsx on the demo file.
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const demoFile = fileURLToPath(new URL("./demo.ts", import.meta.url));

const id = (prefix: string): string => `${prefix}_[0-9a-z]{26}`;

describe("npm start", () => {
  it("enrols the plugin, shows its telemetry on the server, applies one config and rolls back a bad one", async () => {
    const child = spawn(process.execPath, [tsxCli, demoFile]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));

    const [exitCode] = await once(child, "exit");

    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    const lines = stdout.trimEnd().split("\n");
    const good = '{"log_level":"debug","sync_interval_minutes":5,"webhook_timeout_s":10}';
    const expected = [
      /^Relais server started in this process at http:\/\/127\.0\.0\.1:\d+ \(in-memory database, heartbeats every 1 s\)$/,
      new RegExp(`^created app ${id("app")} and enrolment token ${id("enr")} \\(aet_.{8}…, max 1 use\\)$`),
      new RegExp(`^plugin relais-woocommerce 1\\.4\\.2 enrolled as (${id("plg")})$`),
      /^plugin synced orders 1001, 1002 and 1003 \(the webhook for 1003 timed out\)$/,
      new RegExp(
        `^server sees ${id("plg")} active, healthy=true, counters \\{"orders_synced":3,"webhook_failures":1\\}, webhook fail rate 0\\.33, errors \\["order 1003: webhook delivery timed out"\\]$`,
      ),
      new RegExp(`^sent config command (${id("cmd")}) \\{"log_level":"debug","sync_interval_minutes":5,"webhook_timeout_s":10\\} \\(status pending\\)$`),
      `plugin: settings saved: ${good}`,
      new RegExp(`^plugin applied ${id("cmd")}; its settings are now \\{"log_level":"debug","sync_interval_minutes":5,"webhook_timeout_s":10\\}$`),
      new RegExp(`^server: ${id("cmd")} applied, effective config \\{.*"log_level":"debug".*\\} \\(hash [0-9a-f]{12}…\\)$`),
      new RegExp(`^sent config command ${id("cmd")} \\{"log_level":"verbose"\\}$`),
      /^plugin: settings restored from snapshot \S+$/,
      new RegExp(`^plugin refused ${id("cmd")}: log_level must be one of error, warn, info, debug; settings still \\{"log_level":"debug","sync_interval_minutes":5,"webhook_timeout_s":10\\}$`),
      new RegExp(`^server: ${id("cmd")} failed \\(handler_failed\\), rolled_back=true$`),
      "done: the plugin reported telemetry, applied the server's config and rolled back a bad one",
    ];
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, index) => {
      const want = expected[index];
      if (typeof want === "string") expect(line).toBe(want);
      else expect(line).toMatch(want!);
    });

    // The ids on the lines belong together: one plugin, and the applied command is the one sent.
    const pluginId = new RegExp(id("plg")).exec(lines[2]!)![0];
    expect(lines[4]).toContain(pluginId);
    const [goodCommand, badCommand] = [lines[5], lines[9]].map((line) => new RegExp(id("cmd")).exec(line!)![0]);
    expect(lines[7]).toContain(goodCommand);
    expect(lines[8]).toContain(goodCommand);
    expect(lines[11]).toContain(badCommand);
    expect(lines[12]).toContain(badCommand);
    expect(goodCommand).not.toBe(badCommand);
  });
});
