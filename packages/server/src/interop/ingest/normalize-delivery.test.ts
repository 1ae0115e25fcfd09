import { normalize } from "@relais/interop-mappings";
import { parse, stringify } from "lossless-json";
import { describe, expect, it } from "vitest";
import { eventJson } from "./normalize-delivery.js";

const order = (prefix = "") =>
  `${prefix}{ "id": 9007199254740993123, "email": "a@example.org", "name": "#1001", "financial_status": "paid", "currency": "EUR",
     "total_price": "12.50", "created_at": "2024-03-10T03:16:05Z", "updated_at": "2024-03-10T03:16:05Z", "note": "é \\" }" }`;

describe("eventJson", () => {
  it.each([
    ["a plain body", order()],
    ["a body with a byte-order mark and spaces", order("\uFEFF  \n")],
  ])("is the event, its raw body exact, for %s", (_name, text) => {
    const body = new TextEncoder().encode(text);
    const event = normalize({ platform: "shopify", topic: "orders/paid", body, shop: "s.myshopify.com" });
    const json = eventJson(event, body);
    // The same document as a lossless serialization of the whole event, ids beyond 2^53 included.
    expect(parse(json)).toEqual(parse(stringify(event) ?? ""));
    expect(json).toContain("9007199254740993123");
  });
});
