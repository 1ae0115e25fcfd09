import { describe, expect, it } from "vitest";
import { compilePattern, InvalidPatternError } from "./pattern.js";

describe("compilePattern", () => {
  it("finds a pattern anywhere in a message", () => {
    const matches = compilePattern("SQLSTATE\\[(HY000|08006)\\]");
    expect(matches("PDOException: SQLSTATE[HY000] [2002] Connection refused")).toBe(true);
    expect(matches("all good")).toBe(false);
  });

  it("runs a catastrophic-backtracking pattern in linear time", () => {
    const matches = compilePattern("^(a+)+$");
    // A backtracking engine needs about 2^50000 steps here and this test would never end; RE2
    // answers at once. (No timing assertion: finishing is the point.)
    expect(matches(`${"a".repeat(50_000)}!`)).toBe(false);
    expect(matches("aaaa")).toBe(true);
  });

  it.each([
    ["a backreference", "(a)\\1"],
    ["a lookahead", "foo(?=bar)"],
    ["an unbalanced group", "(unclosed"],
    ["an overlong pattern", "a".repeat(501)],
  ])("refuses %s with InvalidPatternError", (_name, pattern) => {
    expect(() => compilePattern(pattern)).toThrow(InvalidPatternError);
  });
});
