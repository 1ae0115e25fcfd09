import { describe, expect, it } from "vitest";
import { buildRequestHeaders, DELIVERY_USER_AGENT, headersForRedirect, pickResponseHeaders } from "./request-headers.js";

describe("buildRequestHeaders", () => {
  it("lower-cases names, adds defaults and drops headers the HTTP client owns", () => {
    expect(
      buildRequestHeaders({
        "Webhook-Id": "msg_1",
        Host: "evil.test",
        "Content-Length": "1",
        "Transfer-Encoding": "chunked",
        Connection: "keep-alive",
        "X-Shop": "42",
      }),
    ).toEqual({
      "webhook-id": "msg_1",
      "x-shop": "42",
      "content-type": "application/json",
      "user-agent": DELIVERY_USER_AGENT,
    });
  });

  it("keeps a content type and user agent the endpoint sets", () => {
    expect(buildRequestHeaders({ "Content-Type": "application/cloudevents+json", "User-Agent": "Shop/1" })).toEqual({
      "content-type": "application/cloudevents+json",
      "user-agent": "Shop/1",
    });
  });
});

describe("headersForRedirect", () => {
  const headers = { authorization: "Bearer s3cret", cookie: "a=b", "proxy-authorization": "x", "webhook-signature": "v1,abc" };

  it("keeps everything on a same-origin hop and returns a copy", () => {
    const next = headersForRedirect(headers, false);
    expect(next).toEqual(headers);
    expect(next).not.toBe(headers);
  });

  it("drops origin-bound credentials on a cross-origin hop but keeps the signature", () => {
    expect(headersForRedirect(headers, true)).toEqual({ "webhook-signature": "v1,abc" });
  });
});

describe("pickResponseHeaders", () => {
  it("keeps the allow-listed headers, joining repeats and cutting long values", () => {
    expect(
      pickResponseHeaders({
        "content-type": "text/plain",
        "retry-after": "7",
        "set-cookie": ["session=1"],
        "x-request-id": ["a", "b"],
        server: "s".repeat(300),
      }),
    ).toEqual({ "content-type": "text/plain", "retry-after": "7", "x-request-id": "a, b", server: "s".repeat(256) });
  });
});
