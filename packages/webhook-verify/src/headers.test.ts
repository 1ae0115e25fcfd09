import { describe, expect, it } from "vitest";
import { readFirstHeader, readHeader } from "./headers.js";

describe("readHeader", () => {
  it("reads a Fetch Headers instance case-insensitively", () => {
    const headers = new Headers({ "Webhook-Id": "msg_1" });
    expect(readHeader(headers, "webhook-id")).toBe("msg_1");
    expect(readHeader(headers, "webhook-timestamp")).toBeUndefined();
  });

  it("reads Node's lower-cased IncomingHttpHeaders, joining repeated values with ', '", () => {
    const headers = { "webhook-signature": ["v1,a", "v1,b"], host: "example.com" };
    expect(readHeader(headers, "webhook-signature")).toBe("v1,a, v1,b");
    expect(readHeader(headers, "host")).toBe("example.com");
  });

  it("finds keys of a plain object in any case", () => {
    expect(readHeader({ "X-Shopify-Hmac-Sha256": "abc" }, "x-shopify-hmac-sha256")).toBe("abc");
    expect(readHeader({ "STRIPE-SIGNATURE": "t=1" }, "stripe-signature")).toBe("t=1");
  });

  it("treats an undefined value as absent", () => {
    expect(readHeader({ "webhook-id": undefined, "Webhook-Id": "msg_2" }, "webhook-id")).toBe("msg_2");
  });

  it("ignores inherited properties, so a polluted prototype cannot supply a header", () => {
    const headers = Object.create({ "webhook-id": "from the prototype" }) as Record<string, string>;
    expect(readHeader(headers, "webhook-id")).toBeUndefined();
  });
});

describe("readFirstHeader", () => {
  it("returns the first name present, in the order given", () => {
    const headers = { "svix-id": "svix", "webhook-id": "standard" };
    expect(readFirstHeader(headers, ["webhook-id", "svix-id"])).toBe("standard");
    expect(readFirstHeader({ "svix-id": "svix" }, ["webhook-id", "svix-id"])).toBe("svix");
    expect(readFirstHeader({}, ["webhook-id", "svix-id"])).toBeUndefined();
  });
});
