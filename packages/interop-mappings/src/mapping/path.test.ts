import { LosslessNumber } from "lossless-json";
import { describe, expect, it } from "vitest";
import { formatPath, MISSING, parsePath, readPath } from "./path.js";

describe("parsePath", () => {
  it.each([
    ["$", []],
    ["$.id", ["id"]],
    ["$.line_items[0].price_set.shop_money.amount", ["line_items", 0, "price_set", "shop_money", "amount"]],
    ['$["odd key"]', ["odd key"]],
    ["$['x-y'].z", ["x-y", "z"]],
    ['$["a\\"b"]', ['a"b']],
    ["$._links.self", ["_links", "self"]],
    ["$.currencies['1']", ["currencies", "1"]],
  ])("reads %s", (text, segments) => {
    expect(parsePath(text)).toEqual({ root: "payload", segments });
  });

  it("reads delivery and platform references", () => {
    expect(parsePath("@topic")).toEqual({ root: "topic" });
    expect(parsePath("@shop")).toEqual({ root: "shop" });
    expect(parsePath("@header.X-Shopify-Triggered-At")).toEqual({ root: "header", name: "x-shopify-triggered-at" });
    expect(parsePath("@refund_amount")).toEqual({ root: "var", name: "refund_amount" });
  });

  it.each(["id", "$.", "$..a", "$[x]", "$[01", "@", "@Bad", "@header.", "$.a b"])("explains why %j is not a path", (text) => {
    expect(typeof parsePath(text)).toBe("string");
  });
});

describe("formatPath", () => {
  it("writes names with dots and the rest in brackets", () => {
    expect(formatPath(["topics", "orders/paid", "amount", 0, "x_y"])).toBe('$.topics["orders/paid"].amount[0].x_y');
  });
});

describe("readPath", () => {
  const body = { a: { b: [10, { c: "x" }] }, n: null, big: new LosslessNumber("5000000000000000001") };

  it("reads nested values", () => {
    expect(readPath(body, ["a", "b", 1, "c"])).toBe("x");
    expect(readPath(body, ["a", "b", 0])).toBe(10);
  });

  it("tells missing from null", () => {
    expect(readPath(body, ["a", "z"])).toBe(MISSING);
    expect(readPath(body, ["a", "b", 5])).toBe(MISSING);
    expect(readPath(body, ["n"])).toBe(null);
    expect(readPath(body, ["n", "deeper"])).toBe(null);
  });

  it("never reads inherited properties or into scalars", () => {
    expect(readPath(body, ["constructor"])).toBe(MISSING);
    expect(readPath(body, ["a", "b", "length"])).toBe(MISSING);
    expect(readPath(body, ["big", "value"])).toBe(MISSING);
    expect(readPath("text", ["length"])).toBe(MISSING);
  });
});
