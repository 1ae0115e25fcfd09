// Runs every workspace package's `bench` script in turn (`npm run bench` at the root).
// A package without one says so; a failing benchmark makes the whole run fail.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const root = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const packages = root.workspaces.filter((w) => w.startsWith("packages/"));
let failed = 0;
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(new URL(`../${dir}/package.json`, import.meta.url), "utf8"));
  if (!pkg.scripts?.bench) {
    console.log(`\n${pkg.name}: no benchmarks`);
    continue;
  }
  console.log(`\n${pkg.name}: npm run bench`);
  const run = spawnSync("npm", ["run", "bench", "--silent", "-w", pkg.name, "--", ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
