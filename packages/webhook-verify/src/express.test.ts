import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type Express } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookMiddleware } from "./express.js";
import { signSync } from "./node.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = JSON.stringify({ type: "order.created", data: { id: "ord_1", total: 4200 } });

let baseUrl: string;
let close: () => Promise<void>;
const serverErrors: Error[] = [];

function buildApp(): Express {
  const app = express();
  const verified = webhookMiddleware({ scheme: "standard", secret: SECRET, limit: 4096 });
  const echo: express.RequestHandler = (req, res) => {
    const webhook = req.webhook!;
    res.json({ id: webhook.id, event: webhook.ping ? null : webhook.json(), bodyType: typeof req.body });
  };
  app.post("/no-parser", verified, echo);
  app.post("/raw", express.raw({ type: "*/*" }), verified, echo);
  app.post("/text", express.text({ type: "*/*" }), verified, echo);
  app.post("/json-first", express.json(), verified, echo);
  // What Express 4's body parsers leave behind when the content type does not match: `{}`, stream unread.
  const placeholderBody: express.RequestHandler = (req, _res, next) => {
    req.body = {};
    next();
  };
  app.post("/placeholder-body", placeholderBody, verified, echo);
  app.post(
    "/woocommerce",
    webhookMiddleware({ scheme: "woocommerce", secret: "wc-secret" }),
    (req, res) => {
      const webhook = req.webhook!;
      res.json(webhook.ping ? { ping: true, webhookId: webhook.webhookId } : { ping: false });
    },
  );
  const recordError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
    serverErrors.push(error);
    res.status(500).json({ error: error.message });
  };
  app.use(recordError);
  return app;
}

beforeAll(async () => {
  const server = buildApp().listen(0, "127.0.0.1");
  await new Promise<void>((resolve, reject) => server.once("listening", resolve).once("error", reject));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterAll(() => close());

function post(path: string, body: string, headers: Record<string, string>, contentType = "application/json") {
  return fetch(`${baseUrl}${path}`, { method: "POST", body, headers: { "content-type": contentType, ...headers } });
}

describe("webhookMiddleware on a real Express 5 server", () => {
  it.each(["/no-parser", "/raw", "/text"])("verifies the raw body on %s and exposes req.webhook", async (path) => {
    const headers = signSync({ scheme: "standard", payload: BODY, secret: SECRET, id: "msg_express_1" });
    const response = await post(path, BODY, headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: "msg_express_1", event: JSON.parse(BODY) });
  });

  it("leaves req.body alone when it read the stream itself", async () => {
    const headers = signSync({ scheme: "standard", payload: BODY, secret: SECRET });
    const response = await post("/no-parser", BODY, headers);
    expect(await response.json()).toMatchObject({ bodyType: "undefined" });
  });

  it("answers 400 problem+json with the error code for a bad signature", async () => {
    const headers = signSync({ scheme: "standard", payload: BODY, secret: SECRET });
    const response = await post("/raw", BODY.replace("4200", "1"), headers);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toEqual({
      type: "https://relais.dev/problems/invalid_signature",
      title: "Webhook signature invalid",
      status: 400,
      code: "invalid_signature",
    });
  });

  it("answers 400 missing_header when the signature headers are absent", async () => {
    const response = await post("/no-parser", BODY, {});
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "missing_header", status: 400 });
  });

  it("answers 400 timestamp_too_old for an authentic but stale delivery", async () => {
    const headers = signSync({ scheme: "standard", payload: BODY, secret: SECRET, timestamp: new Date(Date.now() - 3_600_000) });
    const response = await post("/no-parser", BODY, headers);
    expect(await response.json()).toMatchObject({ code: "timestamp_too_old" });
  });

  it("refuses, with a clear error, a body express.json() already parsed, instead of verifying a re-serialization", async () => {
    serverErrors.length = 0;
    const headers = signSync({ scheme: "standard", payload: BODY, secret: SECRET });
    const response = await post("/json-first", BODY, headers);
    expect(response.status).toBe(500);
    expect(serverErrors).toHaveLength(1);
    expect(serverErrors[0]).toBeInstanceOf(TypeError);
    expect(serverErrors[0]!.message).toMatch(/already parsed.*before express\.json\(\)/);
  });

  it("reads the stream itself when req.body is only a placeholder and the stream is unread", async () => {
    const headers = signSync({ scheme: "standard", payload: BODY, secret: SECRET, id: "msg_express_3" });
    const response = await post("/placeholder-body", BODY, headers);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: "msg_express_3", bodyType: "object" });
  });

  it("still verifies on a route with express.json() when the content type is not JSON (the stream is untouched)", async () => {
    const headers = signSync({ scheme: "standard", payload: BODY, secret: SECRET, id: "msg_express_2" });
    const response = await post("/json-first", BODY, headers, "application/octet-stream");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: "msg_express_2" });
  });

  it("answers 413 past the byte limit, by Content-Length or while streaming", async () => {
    const large = JSON.stringify({ padding: "x".repeat(5000) });
    const headers = signSync({ scheme: "standard", payload: large, secret: SECRET });
    const declared = await post("/no-parser", large, headers);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ status: 413, code: "payload_too_large" });

    const chunks = [large.slice(0, 2500), large.slice(2500)];
    const streamed = await fetch(`${baseUrl}/no-parser`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("passes WooCommerce's unsigned creation ping through as a typed ping", async () => {
    const response = await post("/woocommerce", "webhook_id=42", {}, "application/x-www-form-urlencoded");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ping: true, webhookId: "42" });
  });

  it("verifies signed WooCommerce deliveries on the same route", async () => {
    const headers = signSync({ scheme: "woocommerce", payload: BODY, secret: "wc-secret" });
    const response = await post("/woocommerce", BODY, { ...headers, "x-wc-webhook-topic": "order.created" });
    expect(await response.json()).toEqual({ ping: false });
    const signature = headers["x-wc-webhook-signature"];
    const forgedSignature = (signature.startsWith("A") ? "B" : "A") + signature.slice(1);
    const forged = await post("/woocommerce", BODY, { "x-wc-webhook-signature": forgedSignature });
    expect(forged.status).toBe(400);
  });
});
