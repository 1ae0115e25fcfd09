import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProblemDocument } from "../../http/problem.js";
import { type ApiObject, startTestServer, type TestServer } from "../../testing/test-server.js";

// Concurrent publishes share statements (PublishBatch): every caller must still get its own
// answer — created, replayed or refused — and the outbox exactly the messages of what was created.

describe("concurrent publishes", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    for (const url of ["http://127.0.0.1:9/a", "http://127.0.0.1:9/b"]) {
      expect((await server.request("POST", "/v1/webhook_endpoints", { body: { url, event_types: ["order.*"] } })).status).toBe(201);
    }
  });
  afterAll(() => server.close());

  it("gives each publish of a burst its own answer, with mixed outcomes in the same batches", async () => {
    const bodies = [
      ...Array.from({ length: 60 }, (_, n) => ({ type: "order.created", data: { n } })),
      { type: "order.nonexistent", data: { n: 60 } },
      { type: "order.created", data: { n: 61 }, idempotency_key: "same-key" },
      { type: "order.created", data: { n: 62 }, idempotency_key: "same-key" },
      { type: "payment.succeeded", data: { n: 63 } },
      { type: "order.created", data: { n: 64, text: "bad \u0000 byte" } },
    ];
    const answers = await Promise.all(bodies.map((body) => server.request<ApiObject & ProblemDocument & { data: { n: number } }>("POST", "/v1/events", { body })));

    for (const [index, answer] of answers.slice(0, 60).entries()) {
      expect(answer.status).toBe(201);
      expect(answer.body.data).toEqual({ n: index });
    }
    expect(answers[60]).toMatchObject({ status: 400, body: { code: "unknown_event_type" } });
    // The same key twice: one event, and both callers are answered with it.
    const [first, second] = [answers[61], answers[62]];
    expect([first?.status, second?.status]).toEqual([201, 201]);
    expect(first?.body.id).toBe(second?.body.id);
    expect(answers[63]?.status).toBe(201);
    // A value PostgreSQL refuses fails its own publish only.
    expect(answers[64]).toMatchObject({ status: 400, body: { code: "invalid_request" } });

    const { rows } = await server.db.query<{ events: number; messages: number }>(
      `select (select count(*) from events where type <> 'webhook_endpoint.disabled')::int as events,
              (select count(*) from webhook_messages)::int as messages`,
    );
    // 60 + the keyed one + payment.succeeded; order.* endpoints get the 61 order events, twice.
    expect(rows[0]).toEqual({ events: 62, messages: 122 });
  });
});
