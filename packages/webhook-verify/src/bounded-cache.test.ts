import { expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache.js";

it("forgets the oldest entry once full", () => {
  const cache = new BoundedCache<string, number>(2);
  cache.set("a", 1);
  cache.set("b", 2);
  cache.set("c", 3);
  expect(cache.get("a")).toBeUndefined();
  expect(cache.get("b")).toBe(2);
  expect(cache.get("c")).toBe(3);
});
