import { describe, expect, it } from "vitest";
import { headerReader } from "./headers.js";

describe("headerReader", () => {
  it("reads plain objects in any letter case", () => {
    const read = headerReader({ "X-Shopify-Topic": "orders/paid", "x-wc-webhook-source": "https://shop.example/" });
    expect(read("x-shopify-topic")).toBe("orders/paid");
    expect(read("x-wc-webhook-source")).toBe("https://shop.example/");
    expect(read("x-missing")).toBeUndefined();
  });

  it("takes the first of repeated headers and skips undefined ones", () => {
    const read = headerReader({ "x-a": ["1", "2"], "x-b": undefined });
    expect(read("x-a")).toBe("1");
    expect(read("x-b")).toBeUndefined();
  });

  it("reads Fetch Headers", () => {
    const read = headerReader(new Headers({ "X-Shopify-Shop-Domain": "demo.myshopify.com" }));
    expect(read("x-shopify-shop-domain")).toBe("demo.myshopify.com");
    expect(read("x-missing")).toBeUndefined();
  });

  it("reads nothing without headers", () => {
    expect(headerReader(undefined)("x-shopify-topic")).toBeUndefined();
  });
});
