// Guards the package's promises that are easy to break by accident: zero runtime dependencies,
// an edge-safe main entry, and an exports map that matches what tsup builds.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import tsupConfig from "../tsup.config.js";

const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  exports: Record<string, unknown>;
  sideEffects: boolean;
  engines: { node: string };
};

const sourceDirectory = new URL("./", import.meta.url);

/** Module specifiers a source file imports or re-exports (type-only imports excluded). */
function runtimeImports(file: URL): string[] {
  const source = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)) {
    if (match[1] === undefined) specifiers.push(match[2]!);
  }
  return specifiers;
}

/** Every source file reachable from `entry` through runtime imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const pending = [new URL(entry, sourceDirectory).href];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const specifiers = runtimeImports(new URL(file));
    graph.set(file, specifiers);
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) pending.push(new URL(specifier.replace(/\.js$/, ".ts"), file).href);
    }
  }
  return graph;
}

describe("package.json", () => {
  it("declares no runtime dependencies of any kind", () => {
    expect(packageJson.dependencies ?? {}).toEqual({});
    expect(packageJson.peerDependencies ?? {}).toEqual({});
    expect(packageJson.optionalDependencies ?? {}).toEqual({});
  });

  it("is side-effect free and requires Node 20", () => {
    expect(packageJson.sideEffects).toBe(false);
    expect(packageJson.engines.node).toBe(">=20");
  });

  it("exports every tsup entry for import and require, types first", () => {
    const config = Array.isArray(tsupConfig) ? tsupConfig[0] : tsupConfig;
    const entries = (config as { entry: string[] }).entry.map((entry) => entry.replace(/^src\/(.*)\.ts$/, "$1"));
    expect(entries.sort()).toEqual(["express", "index", "node", "web"]);
    for (const entry of entries) {
      const subpath = entry === "index" ? "." : `./${entry}`;
      expect(packageJson.exports[subpath], subpath).toEqual({
        import: { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
        require: { types: `./dist/${entry}.d.cts`, default: `./dist/${entry}.cjs` },
      });
    }
  });
});

describe("source imports", () => {
  it("are relative or node: built-ins only, so nothing needs installing at runtime", () => {
    const files = readdirSync(sourceDirectory, { recursive: true, encoding: "utf8" }).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      for (const specifier of runtimeImports(new URL(file, sourceDirectory))) {
        expect(specifier.startsWith(".") || specifier.startsWith("node:"), `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it.each(["index.ts", "web.ts"])("reach no node: module from the edge-safe entry %s", (entry) => {
    const graph = importGraph(entry);
    expect(graph.size).toBeGreaterThan(5);
    for (const [file, specifiers] of graph) {
      expect(specifiers.filter((specifier) => specifier.startsWith("node:")), file).toEqual([]);
    }
  });

  it("do reach node:crypto from the /node entry (the check above can fail)", () => {
    const specifiers = [...importGraph("node.ts").values()].flat();
    expect(specifiers).toContain("node:crypto");
  });
});
