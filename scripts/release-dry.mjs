#!/usr/bin/env node
// `npm run release:dry`: what `changeset publish` would publish, checked without publishing.
// For each public workspace package: `npm publish --dry-run` (after `npm run build`), which
// must pass without npm "correcting" the manifest (it silently dropped our bin entry once);
// a CHANGELOG.md entry for the version (written by `changeset version`); and whether that
// version is already on the registry (then publishing it would fail).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const packagesDir = path.join(root, "packages");

function run(args, cwd) {
  const result = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "notice" } });
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

const problems = [];
const rows = [];
for (const entry of readdirSync(packagesDir).sort()) {
  const dir = path.join(packagesDir, entry);
  const manifestFile = path.join(dir, "package.json");
  if (!existsSync(manifestFile)) continue;
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  if (manifest.private) continue;
  const id = `${manifest.name}@${manifest.version}`;

  const publish = run(["publish", "--dry-run", "--json", "--ignore-scripts"], dir);
  if (publish.status !== 0) problems.push(`${id}: npm publish --dry-run failed:\n${publish.stderr}`);
  const corrected = publish.stderr.split("\n").filter((line) => /auto-corrected|errors corrected|was invalid/.test(line));
  if (corrected.length > 0) problems.push(`${id}: npm would change the manifest on publish (run npm pkg fix):\n${corrected.join("\n")}`);
  let packed = {};
  try {
    const parsed = JSON.parse(publish.stdout.slice(publish.stdout.indexOf("{")));
    packed = parsed[manifest.name] ?? parsed;
  } catch {
    problems.push(`${id}: npm publish --dry-run --json printed no JSON`);
  }

  const changelog = path.join(dir, "CHANGELOG.md");
  if (!existsSync(changelog) || !readFileSync(changelog, "utf8").includes(`## ${manifest.version}\n`)) {
    problems.push(`${id}: CHANGELOG.md has no "## ${manifest.version}" entry; run npx changeset version`);
  }

  const view = run(["view", id, "version", "--json"], dir);
  const onRegistry = view.status === 0 && view.stdout.trim() !== "";
  const registry = onRegistry ? "already published" : /E404|404 Not Found/.test(view.stderr) ? "new" : "registry unreachable";
  if (onRegistry) problems.push(`${id} is already on the registry; bump it with a changeset`);

  rows.push([id, `${((packed.size ?? 0) / 1024).toFixed(1)} kB`, String(packed.entryCount ?? "?"), registry]);
}

console.log("| package | tarball | files | registry |");
console.log("|---|---:|---:|---|");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
if (rows.length === 0) problems.push("no public package found under packages/");
if (problems.length > 0) {
  console.error(`\nrelease:dry found ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(`\nrelease:dry: ${rows.length} packages would publish (npx changeset publish)`);
