import type { LookupAddress } from "node:dns";
import type { ServerResponse } from "node:http";
import type { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { isForbiddenAddress, type AddressPolicy } from "./address-policy.js";
import { sendAttempt } from "./send-attempt.js";
import { createDeliveryAgent, type ResolveHost } from "./ssrf-guard.js";
import { closedPort, startLocalReceiver, type LocalReceiver, type ReceiverHandler } from "./testing/local-receiver.js";

// Every receiver listens on a loopback address; fake hostnames resolve through an injected table.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(handler: ReceiverHandler, host?: string): Promise<LocalReceiver> {
  const started = await startLocalReceiver(handler, host);
  cleanups.push(() => started.close());
  return started;
}

function table(entries: Record<string, string>): ResolveHost {
  return async (hostname) => {
    const address = entries[hostname];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", syscall: "getaddrinfo" });
    return [{ address, family: 4 } satisfies LookupAddress];
  };
}

function agent(options: Parameters<typeof createDeliveryAgent>[0] = { allowPrivate: true }): Agent {
  const created = createDeliveryAgent(options);
  cleanups.push(() => created.close());
  return created;
}

const body = JSON.stringify({ type: "order.created", data: { id: "ord_1" } });
const headers = { "webhook-id": "msg_1", "X-Shop": "42" };
const reply = (status: number, text = "", extra: Record<string, string> = {}) => (_request: unknown, response: ServerResponse) => {
  response.writeHead(status, extra);
  response.end(text);
};

describe("sendAttempt", () => {
  it("reports a 2xx as succeeded, sending the body, method and headers given", async () => {
    const target = await receiver(reply(200, "thanks", { "content-type": "text/plain", "x-request-id": "req_9", "set-cookie": "s=1" }));
    const result = await sendAttempt({ dispatcher: agent(), url: `${target.origin}/hooks`, body, headers });
    expect(result).toMatchObject({
      outcome: "succeeded",
      statusCode: 200,
      responseExcerpt: "thanks",
      responseTruncated: false,
      responseHeaders: { "x-request-id": "req_9", "content-type": "text/plain" },
      finalUrl: `${target.origin}/hooks`,
      redirects: 0,
    });
    expect(result.errorClass).toBeUndefined();
    expect(result.responseHeaders).not.toHaveProperty("set-cookie");
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [received] = target.requests;
    expect(received).toMatchObject({ method: "POST", path: "/hooks" });
    expect(received?.body.toString()).toBe(body);
    expect(received?.headers).toMatchObject({ "webhook-id": "msg_1", "x-shop": "42", "content-type": "application/json" });
  });

  it("reuses a pooled keep-alive connection across attempts", async () => {
    const target = await receiver(reply(204));
    const dispatcher = agent({ allowPrivate: true, connections: 1 });
    for (let i = 0; i < 5; i += 1) {
      expect((await sendAttempt({ dispatcher, url: target.origin, body, headers })).outcome).toBe("succeeded");
    }
    expect(target.connections).toBe(1);
  });

  it("reports a 500 as an http_error failure with the response excerpt", async () => {
    const target = await receiver(reply(500, "database down"));
    expect(await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers })).toMatchObject({
      outcome: "failed",
      statusCode: 500,
      errorClass: "http_error",
      error: "endpoint answered 500",
      responseExcerpt: "database down",
    });
  });

  it("reports 410 as gone", async () => {
    const target = await receiver(reply(410, "unsubscribed"));
    const result = await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers });
    expect(result).toMatchObject({ outcome: "gone", statusCode: 410, responseExcerpt: "unsubscribed" });
    expect(result.errorClass).toBeUndefined();
  });

  it("parses Retry-After seconds on 429", async () => {
    const target = await receiver(reply(429, "", { "retry-after": "7" }));
    expect(await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers })).toMatchObject({
      outcome: "failed",
      statusCode: 429,
      errorClass: "http_error",
      retryAfterMs: 7000,
    });
  });

  it("parses an HTTP-date Retry-After on 503 against the injected clock", async () => {
    const target = await receiver(reply(503, "", { "retry-after": "Sat, 01 Mar 2025 12:02:00 GMT" }));
    const now = () => Date.parse("2025-03-01T12:00:00Z");
    expect(await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers, now })).toMatchObject({
      statusCode: 503,
      retryAfterMs: 120_000,
    });
  });

  it("ignores Retry-After on other statuses", async () => {
    const target = await receiver(reply(500, "", { "retry-after": "7" }));
    const result = await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers });
    expect(result.retryAfterMs).toBeUndefined();
    expect(result.responseHeaders["retry-after"]).toBe("7");
  });

  it("reports a receiver that never answers as a timeout", async () => {
    const target = await receiver(() => undefined);
    const result = await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers, timeoutMs: 200 });
    expect(result).toMatchObject({ outcome: "failed", errorClass: "timeout" });
    expect(result.statusCode).toBeUndefined();
    expect(target.requests).toHaveLength(1);
  });

  it("lets the status decide when the body is still trickling at the deadline", async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      response.write("partial");
    });
    expect(await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers, timeoutMs: 1_000 })).toMatchObject({
      outcome: "succeeded",
      statusCode: 200,
      responseExcerpt: "partial",
      responseTruncated: true,
    });
  });

  it("reads only the excerpt of a 10 MB response", async () => {
    const target = await receiver(reply(200, "a".repeat(10 * 1024 * 1024)));
    const result = await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers });
    expect(result).toMatchObject({ outcome: "succeeded", responseTruncated: true });
    expect(Buffer.byteLength(result.responseExcerpt)).toBe(4096);
  });

  it("stops reading an endless response at the configured excerpt size", async () => {
    const target = await receiver((_request, response) => {
      response.writeHead(500);
      const pump = () => {
        while (!response.destroyed && response.write(Buffer.alloc(16 * 1024, "x")));
        if (!response.destroyed) response.once("drain", pump);
      };
      pump();
    });
    const result = await sendAttempt({ dispatcher: agent(), url: target.origin, body, headers, responseExcerptBytes: 100 });
    expect(result).toMatchObject({ outcome: "failed", statusCode: 500, responseExcerpt: "x".repeat(100), responseTruncated: true });
  });

  it("reports a closed port as connection_refused", async () => {
    const port = await closedPort();
    expect(await sendAttempt({ dispatcher: agent(), url: `http://127.0.0.1:${port}/`, body, headers })).toMatchObject({
      outcome: "failed",
      errorClass: "connection_refused",
      error: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("reports an unresolvable host as dns", async () => {
    const dispatcher = agent({ allowPrivate: true, lookup: table({}) });
    expect(await sendAttempt({ dispatcher, url: "http://nowhere.test/", body, headers })).toMatchObject({
      outcome: "failed",
      errorClass: "dns",
    });
  });

  it("reports a failed TLS handshake as tls", async () => {
    const plain = await receiver(reply(200));
    expect(await sendAttempt({ dispatcher: agent(), url: `https://127.0.0.1:${plain.port}/`, body, headers })).toMatchObject({
      outcome: "failed",
      errorClass: "tls",
    });
  });

  it("reports a refused address as forbidden_address without reaching the receiver", async () => {
    const target = await receiver(reply(200));
    const fakeDns = agent({ allowPrivate: false, lookup: table({ "hooks.merchant.test": "127.0.0.1" }) });
    const realDns = agent({ allowPrivate: false });
    for (const [dispatcher, url] of [
      [fakeDns, `http://hooks.merchant.test:${target.port}/`],
      [realDns, `http://localhost:${target.port}/`],
      [realDns, target.origin],
    ] as const) {
      expect(await sendAttempt({ dispatcher, url, body, headers }), url).toMatchObject({
        outcome: "failed",
        errorClass: "forbidden_address",
        error: expect.stringContaining("forbidden range"),
      });
    }
    expect(target.connections).toBe(0);
  });
});

describe("sendAttempt redirects", () => {
  /** A receiver whose /hop/N answers `status` towards /hop/N+1 until N reaches `hops`, then 200. */
  async function chain(hops: number, status = 307): Promise<LocalReceiver> {
    return receiver((request, response) => {
      const hop = Number(request.path.split("/")[2] ?? "0");
      if (hop >= hops) return reply(200, `arrived after ${hop}`)(request, response);
      response.writeHead(status, { location: `/hop/${hop + 1}` });
      response.end();
    });
  }

  it("follows up to 3 redirects with 307 and 308, re-posting the same body", async () => {
    for (const status of [307, 308]) {
      const target = await chain(3, status);
      const result = await sendAttempt({ dispatcher: agent(), url: `${target.origin}/hop/0`, body, headers });
      expect(result).toMatchObject({
        outcome: "succeeded",
        responseExcerpt: "arrived after 3",
        redirects: 3,
        finalUrl: `${target.origin}/hop/3`,
      });
      expect(target.requests.map((r) => [r.method, r.path, r.body.toString(), r.headers["webhook-id"]])).toEqual(
        [0, 1, 2, 3].map((hop) => ["POST", `/hop/${hop}`, body, "msg_1"]),
      );
    }
  });

  it("fails a chain of 4 redirects with redirect_limit", async () => {
    const target = await chain(4);
    expect(await sendAttempt({ dispatcher: agent(), url: `${target.origin}/hop/0`, body, headers })).toMatchObject({
      outcome: "failed",
      statusCode: 307,
      errorClass: "redirect_limit",
      redirects: 3,
    });
    expect(target.requests).toHaveLength(4);
  });

  it("treats 302 as a failure and does not follow it", async () => {
    const target = await chain(1, 302);
    expect(await sendAttempt({ dispatcher: agent(), url: `${target.origin}/hop/0`, body, headers })).toMatchObject({
      outcome: "failed",
      statusCode: 302,
      errorClass: "redirect",
      redirects: 0,
      responseHeaders: { location: "/hop/1" },
    });
    expect(target.requests).toHaveLength(1);
  });

  it("keeps the signature but drops Authorization on a cross-origin hop", async () => {
    const target = await receiver((request, response) => {
      if (request.path === "/start") {
        response.writeHead(307, { location: `http://b.test:${target.port}/end` });
        return response.end();
      }
      reply(200)(request, response);
    });
    const dispatcher = agent({ allowPrivate: true, lookup: table({ "a.test": "127.0.0.1", "b.test": "127.0.0.1" }) });
    const result = await sendAttempt({
      dispatcher,
      url: `http://a.test:${target.port}/start`,
      body,
      headers: { ...headers, authorization: "Bearer endpoint-token", "webhook-signature": "v1,abc" },
    });
    expect(result.outcome).toBe("succeeded");
    const [first, second] = target.requests;
    expect(first?.headers.authorization).toBe("Bearer endpoint-token");
    expect(second?.headers).toMatchObject({ host: `b.test:${target.port}`, "webhook-signature": "v1,abc", "x-shop": "42" });
    expect(second?.headers.authorization).toBeUndefined();
  });

  describe("each hop is checked by the guarded agent", () => {
    // 127.0.0.1 stands in for a public address; 127.0.0.2 keeps the default (forbidden) verdict.
    const firstHopOnly: AddressPolicy = (ip) => (ip === "127.0.0.1" ? { forbidden: false } : isForbiddenAddress(ip));
    const lookup = table({ "hooks.merchant.test": "127.0.0.1", "internal.test": "127.0.0.2" });

    async function redirectingTo(location: (internalPort: number) => string) {
      const internal = await receiver(reply(200, "internal secrets"), "127.0.0.2");
      const entry = await receiver((_request, response) => {
        response.writeHead(307, { location: location(internal.port) });
        response.end();
      });
      return { internal, url: `http://hooks.merchant.test:${entry.port}/` };
    }

    it.each([
      ["a hostname resolving to it", (port: number) => `http://internal.test:${port}/`],
      ["an IP literal", (port: number) => `http://127.0.0.2:${port}/`],
    ])("refuses a 307 to an internal address given as %s", async (_name, location) => {
      const { internal, url } = await redirectingTo(location);
      const dispatcher = agent({ allowPrivate: false, lookup, addressPolicy: firstHopOnly });
      expect(await sendAttempt({ dispatcher, url, body, headers })).toMatchObject({
        outcome: "failed",
        errorClass: "forbidden_address",
        redirects: 1,
        finalUrl: location(internal.port),
        error: expect.stringContaining("127.0.0.2"),
      });
      expect(internal.connections).toBe(0);
    });

    it("reaches the same internal receiver when the policy admits it (control)", async () => {
      const { internal, url } = await redirectingTo((port) => `http://internal.test:${port}/`);
      const dispatcher = agent({ allowPrivate: true, lookup });
      expect(await sendAttempt({ dispatcher, url, body, headers })).toMatchObject({
        outcome: "succeeded",
        responseExcerpt: "internal secrets",
      });
      expect(internal.requests.map((r) => r.body.toString())).toEqual([body]);
    });
  });
});
