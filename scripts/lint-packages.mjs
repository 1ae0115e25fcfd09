// Checks every publishable package the way npm consumers will see it:
// publint (package.json/exports hygiene) and @arethetypeswrong/cli (types resolve for ESM and CJS).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const root = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const packages = root.workspaces.filter((w) => w.startsWith("packages/"));
let failed = 0;
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(new URL(`../${dir}/package.json`, import.meta.url), "utf8"));
  if (pkg.private) continue;
  for (const [cmd, args] of [
    ["publint", ["--strict"]],
    ["attw", ["--pack", ".", "--profile", "node16", "--format", "table-flipped"]],
  ]) {
    console.log(`\n${pkg.name}: ${cmd}`);
    const run = spawnSync("npx", ["--no-install", cmd, ...args], { cwd: dir, stdio: "inherit" });
    if (run.status !== 0) failed += 1;
  }
}
if (failed > 0) {
  console.error(`\nlint: ${failed} check(s) failed`);
  process.exit(1);
}
console.log("\nlint: every package passes publint and attw");
