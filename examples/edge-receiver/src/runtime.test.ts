import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Edge runtimes have no `node:` modules. Tests run on Node only, so they are not checked.
const sourceDir = dirname(fileURLToPath(import.meta.url));
const sourceFiles = readdirSync(sourceDir).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
const webEntries = ["@relais/webhook-verify", "@relais/webhook-verify/web"];

/** The module specifiers of `import … from "x"`, `export … from "x"`, `import "x"` and `import("x")`. */
function importedSpecifiers(code: string): string[] {
  return [...code.matchAll(/\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((match) => match[1]!);
}

describe("edge receiver runtime", () => {
  it("imports no node: module, and only the Web Crypto entries of webhook-verify", () => {
    expect(sourceFiles).toEqual(expect.arrayContaining(["worker.ts", "demo.ts"]));
    for (const file of sourceFiles) {
      const specifiers = importedSpecifiers(readFileSync(join(sourceDir, file), "utf8"));
      expect(specifiers.filter((specifier) => specifier.startsWith("node:")), file).toEqual([]);
      expect(specifiers.filter((specifier) => !specifier.startsWith(".") && !webEntries.includes(specifier)), file).toEqual([]);
    }
  });

  it("loads no node: module through those entries either", () => {
    // Follow the ESM build of each entry through its chunks, as a bundler would.
    const packageJsonPath = createRequire(import.meta.url).resolve("@relais/webhook-verify/package.json");
    const { exports } = JSON.parse(readFileSync(packageJsonPath, "utf8")) as {
      exports: Record<string, { import: { default: string } }>;
    };
    const pending = [".", "./web"].map((entry) => join(dirname(packageJsonPath), exports[entry]!.import.default));
    const visited = new Set<string>();
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (visited.has(file)) continue;
      visited.add(file);
      for (const specifier of importedSpecifiers(readFileSync(file, "utf8"))) {
        expect(specifier.startsWith("."), `${file} imports ${specifier}`).toBe(true);
        pending.push(join(dirname(file), specifier));
      }
    }
    expect(visited.size).toBeGreaterThan(2);
  });
});
