import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSchemas } from "../scripts/render-schema.js";

describe("committed JSON Schema files", () => {
  it.each(Object.entries(renderSchemas()))("%s matches the zod schema (run `npm run schema` if not)", (file, content) => {
    expect(readFileSync(new URL(`../${file}`, import.meta.url), "utf8")).toBe(content);
  });

  it("is exported by package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      exports: Record<string, unknown>;
      files: string[];
    };
    for (const file of Object.keys(renderSchemas())) {
      expect(pkg.exports[`./${file}`]).toBe(`./${file}`);
      expect(pkg.files).toContain(file);
    }
  });
});
