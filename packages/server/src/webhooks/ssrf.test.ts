import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListResponse } from "../http/pagination.js";
import type { ProblemDocument } from "../http/problem.js";
import { type ApiObject, startTestServer, type TestServer } from "../testing/test-server.js";
import { isForbiddenAddress } from "./delivery/index.js";
import { reply, type ScriptedReceiver, startScriptedReceiver } from "./testing/receiver.js";

type Message = ApiObject & { status: string; attempts: Array<Record<string, unknown>> };

// Allow-private is off here. Test hosts resolve through an injected lookup: `internal.test` to a
// private address, `receiver.test` to the loopback receiver, which the address policy admits as
// the one stand-in for a public host.
describe("webhook SSRF guard with RELAIS_WEBHOOK_ALLOW_PRIVATE off", () => {
  let server: TestServer;
  let receiver: ScriptedReceiver;
  beforeAll(async () => {
    receiver = await startScriptedReceiver();
    server = await startTestServer(
      { RELAIS_WEBHOOK_ALLOW_PRIVATE: "false", RELAIS_WEBHOOK_TIMEOUT_MS: "2000", RELAIS_WORKER_POLL_MS: "200" },
      {
        webhookDelivery: {
          lookup: async (hostname) => [{ address: hostname === "internal.test" ? "10.1.2.3" : "127.0.0.1", family: 4 }],
          addressPolicy: (ip) => (ip === "127.0.0.1" ? { forbidden: false } : isForbiddenAddress(ip)),
        },
      },
    );
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it.each([
    ["http://hooks.example.com/", "insecure_scheme"],
    ["https://127.0.0.1/", "forbidden_address"],
    ["https://10.0.0.8/", "forbidden_address"],
    ["https://172.16.4.1/", "forbidden_address"],
    ["https://192.168.1.10/", "forbidden_address"],
    ["https://169.254.169.254/latest/meta-data/", "forbidden_address"],
    ["https://100.64.0.1/", "forbidden_address"],
    ["https://[::1]/", "forbidden_address"],
    ["https://[fd00::1]/", "forbidden_address"],
    ["https://[::ffff:127.0.0.1]/", "forbidden_address"],
    ["https://224.0.0.1/", "forbidden_address"],
    ["https://0.0.0.0/", "forbidden_address"],
    ["https://localhost/", "forbidden_address"],
    ["https://user:pass@hooks.example.com/", "invalid_url"],
  ])("refuses to create an endpoint for %s (%s)", async (url, code) => {
    const refused = await server.request<ProblemDocument>("POST", "/v1/webhook_endpoints", { body: { url } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code, title: "Invalid webhook URL" });
    expect(refused.body.errors?.[0]).toMatchObject({ path: "body.url", code });
  });

  async function deliverOnce(url: string, type: string, storedUrl?: string): Promise<Message> {
    const created = await server.request("POST", "/v1/webhook_endpoints", { body: { url, event_types: [type], retry_schedule: [60_000] } });
    expect(created.status).toBe(201);
    if (storedUrl) await server.db.query("update webhook_endpoints set url = $1 where id = $2", [storedUrl, created.body.id]);
    await server.request("POST", "/v1/events", { body: { type, data: {} } });
    const messages = async () =>
      (await server.request<ListResponse<Message>>("GET", `/v1/webhook_messages?endpoint_id=${created.body.id}`)).body.data;
    await expect.poll(async () => (await messages()).length).toBe(1);
    const id = (await messages())[0]!.id;
    const message = async () => (await server.request<Message>("GET", `/v1/webhook_messages/${id}`)).body;
    await expect.poll(async () => (await message()).attempts.length).toBe(1);
    return message();
  }

  it("refuses at connect time a hostname that resolves to a private address", async () => {
    const message = await deliverOnce("https://internal.test/hook", "order.created");
    expect(message.attempts[0]).toMatchObject({ outcome: "failed", error_class: "forbidden_address", status_code: null });
    expect(String(message.attempts[0]?.error)).toContain("10.1.2.3");
  });

  it("refuses a redirect to a private address", async () => {
    receiver.script("/redirect", (_request, _index, response) => reply(response, 307, { location: "http://10.0.0.1/steal" }));
    // The https-only rule is a create-time check (tested above); the receiver speaks plain http,
    // so the endpoint is pointed at it directly in the database for this connect-time test.
    const message = await deliverOnce("https://receiver.test/redirect", "order.updated", `http://receiver.test:${receiver.port}/redirect`);
    expect(receiver.received("/redirect")).toHaveLength(1);
    expect(message.attempts[0]).toMatchObject({ outcome: "failed", error_class: "forbidden_address", status_code: null });
    expect(String(message.attempts[0]?.error)).toContain("10.0.0.1");
  });
});
