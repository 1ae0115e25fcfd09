import { stat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAgent } from "./agent.js";
import { AgentError } from "./errors.js";
import type { EnrolResponse } from "./protocol.js";
import { createHarness, nextEvent, PLUGIN, type Harness } from "./testing/agent-harness.js";

describe("enrolment", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it("enrols with the token, persists the credentials 0600, and heartbeats with them", async () => {
    const agent = h.agent();
    const enrolled = nextEvent(agent, "enrolled");
    const heartbeat = nextEvent(agent, "heartbeat");
    await agent.start();
    const { instanceUid } = await enrolled;
    await heartbeat;

    expect(h.stub.enrolments).toHaveLength(1);
    expect(h.stub.enrolments[0]?.body).toMatchObject({ plugin: PLUGIN });
    expect(h.stub.enrolments[0]?.body.instance_uid).toBeUndefined();
    expect(agent.instanceUid).toBe(instanceUid);

    const state = await h.readState();
    expect(state).toMatchObject({
      instanceUid,
      credentials: { agentSecret: expect.stringMatching(/^ags_/), commandSigningKey: h.stub.keys.publicJwk },
    });
    expect((await stat(path.join(h.stateDir, "state.json"))).mode & 0o777).toBe(0o600);

    const [first] = h.stub.heartbeats;
    expect(first?.authorization).toBe(`Bearer ${(state.credentials as { agentSecret: string }).agentSecret}`);
    expect(first?.body).toMatchObject({ instance_uid: instanceUid, sequence_num: 1, plugin: PLUGIN });
    expect(first?.body.full_state).toBeDefined();
  });

  it("retries a failed enrolment with the same idempotency key", async () => {
    h.stub.failNext("enrol", { status: 503, code: "service_unavailable", retryAfter: "5" });
    const agent = h.agent();
    const failure = nextEvent(agent, "error");
    await agent.start();
    expect(await failure).toMatchObject({ phase: "enrol", retryInMs: 5_000 });

    const enrolled = nextEvent(agent, "enrolled");
    await vi.advanceTimersByTimeAsync(5_000);
    await enrolled;
    const [first, second] = h.stub.requests.filter((request) => request.route === "enrol");
    expect(first?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
  });

  it("stops when the token is refused instead of retrying forever", async () => {
    const agent = h.agent({ enrolmentToken: "aet_unknown" });
    const failure = nextEvent(agent, "error");
    await agent.start();
    const { error, phase, retryInMs } = await failure;
    expect(phase).toBe("enrol");
    expect(retryInMs).toBeUndefined();
    expect(error.code).toBe("enrolment_failed");
    expect(error.message).toContain("invalid_enrolment_token");
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(h.stub.requests).toHaveLength(1);
  });

  it("uses explicit credentials without enrolling", async () => {
    // The plugin enrolled by itself and kept the credentials in its own database.
    const response = await fetch(`${h.stub.url}/v1/agent/enrol`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: h.stub.createEnrolmentToken(), plugin: PLUGIN }),
    });
    const enrolment = (await response.json()) as EnrolResponse;
    const agent = h.agent({
      enrolmentToken: undefined,
      credentials: {
        instanceUid: enrolment.instance_uid,
        agentSecret: enrolment.agent_secret,
        commandSigningKey: enrolment.command_signing_key,
      },
    });
    const heartbeat = nextEvent(agent, "heartbeat");
    await agent.start();
    await heartbeat;
    expect(h.stub.enrolments).toHaveLength(1);
    expect(h.stub.heartbeats[0]?.body.instance_uid).toBe(enrolment.instance_uid);
    expect(await h.readState()).toMatchObject({ instanceUid: enrolment.instance_uid });
  });

  it("refuses to start with neither credentials nor a token", async () => {
    const agent = h.agent({ enrolmentToken: undefined });
    await expect(agent.start()).rejects.toMatchObject({ code: "invalid_options" });
  });

  it("rejects unusable options at creation", () => {
    const base = { serverUrl: h.stub.url, plugin: PLUGIN, enrolmentToken: "t" };
    expect(() => createAgent({ ...base, serverUrl: "ftp://example" })).toThrow(AgentError);
    expect(() => createAgent({ ...base, plugin: { ...PLUGIN, version: "" } })).toThrow(/plugin.version/);
    expect(() => createAgent({ ...base, handlers: { custom: { update: () => {} } } })).toThrow(/shadows/);
    expect(() => createAgent({ ...base, handlers: { custom: { "Bad Name": () => {} } } })).toThrow(/must match/);
    expect(() =>
      createAgent({ ...base, credentials: { instanceUid: "i", agentSecret: "s", commandSigningKey: h.stub.keys.publicJwk } }),
    ).toThrow(/not both/);
  });
});
