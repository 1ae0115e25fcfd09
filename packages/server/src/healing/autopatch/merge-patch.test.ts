import { describe, expect, it } from "vitest";
import { mergePatch } from "./merge-patch.js";

describe("mergePatch (RFC 7396)", () => {
  it("merges objects deeply, removes members set to null and replaces arrays and scalars", () => {
    const target = { database: { persistent: true, host: "db" }, hooks: ["a", "b"], log_level: "info" };
    expect(mergePatch(target, { database: { persistent: false, retries: 3 }, hooks: ["c"], log_level: null })).toEqual({
      database: { persistent: false, host: "db", retries: 3 },
      hooks: ["c"],
    });
    expect(target.database.persistent).toBe(true);
  });

  it("follows the RFC's examples at the edges", () => {
    expect(mergePatch({ a: "b" }, { a: "c" })).toEqual({ a: "c" });
    expect(mergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch(["a", "b"], ["c", "d"])).toEqual(["c", "d"]);
    expect(mergePatch({ a: "foo" }, "bar")).toBe("bar");
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch([1, 2], { a: "b", c: null })).toEqual({ a: "b" });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});
