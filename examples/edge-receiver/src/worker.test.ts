import { generateStandardSecret, sign } from "@relais/webhook-verify";
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import worker from "./worker.js";

const env = { RELAIS_WEBHOOK_SECRET: generateStandardSecret() };
const endpoint = "https://receiver.example/webhooks/relais";
const paymentSucceeded = JSON.stringify({ id: "evt_1", object: "event", type: "payment.succeeded", data: { amount: 4200 } });

let consoleLog: MockInstance<typeof console.log>;

beforeEach(() => {
  consoleLog = vi.spyOn(console, "log").mockImplementation(() => undefined);
});

afterEach(() => {
  consoleLog.mockRestore();
});

function delivery(body: string, headers: Record<string, string>): Request {
  return new Request(endpoint, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
}

async function expectProblem(response: Response, code: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(await response.json()).toMatchObject({ status: 400, code });
}

describe("edge receiver", () => {
  it("answers a signed delivery 200 and logs the event", async () => {
    const headers = await sign({ scheme: "standard", payload: paymentSucceeded, secret: env.RELAIS_WEBHOOK_SECRET, id: "msg_1" });

    const response = await worker.fetch(delivery(paymentSucceeded, headers), env);

    expect(response.status).toBe(200);
    expect(consoleLog.mock.calls).toEqual([["received evt_1 payment.succeeded (webhook-id msg_1)"]]);
  });

  it("rejects a tampered body as invalid_signature", async () => {
    const headers = await sign({ scheme: "standard", payload: paymentSucceeded, secret: env.RELAIS_WEBHOOK_SECRET });

    await expectProblem(await worker.fetch(delivery(paymentSucceeded.replace("4200", "1"), headers), env), "invalid_signature");
    expect(consoleLog).not.toHaveBeenCalled();
  });

  it("rejects a delivery without signature headers as missing_header", async () => {
    await expectProblem(await worker.fetch(delivery(paymentSucceeded, {}), env), "missing_header");
    expect(consoleLog).not.toHaveBeenCalled();
  });

  it("answers other methods 405", async () => {
    const response = await worker.fetch(new Request(endpoint), env);

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("fails loudly when the secret binding is missing", async () => {
    await expect(worker.fetch(delivery(paymentSucceeded, {}), { RELAIS_WEBHOOK_SECRET: "" })).rejects.toThrow(
      "RELAIS_WEBHOOK_SECRET is not set",
    );
  });
});
