import type { LookupAddress } from "node:dns";
import { request } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isForbiddenAddress, type AddressPolicy } from "./address-policy.js";
import { createDeliveryAgent, createGuardedLookup, SsrfBlockedError, type ResolveHost } from "./ssrf-guard.js";
import { startLocalReceiver, type LocalReceiver } from "./testing/local-receiver.js";

/** A resolver answering from a fixed table, recording the names asked for. */
function fakeResolver(table: Record<string, string[]>): ResolveHost & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

function lookupOnce(
  lookup: ReturnType<typeof createGuardedLookup>,
  hostname: string,
  all: boolean,
): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family: unknown }> {
  return new Promise((resolve) => {
    lookup(hostname, { all }, (error, address, family) => resolve({ error, address, family }));
  });
}

describe("createGuardedLookup", () => {
  const resolver = fakeResolver({
    "public.test": ["203.0.113.0"],
    "mixed.test": ["8.8.8.8", "10.0.0.7"],
    "good.test": ["8.8.8.8", "2606:4700:4700::1111"],
  });
  const lookup = createGuardedLookup(resolver, isForbiddenAddress);

  it("passes every address through when all are allowed", async () => {
    const all = await lookupOnce(lookup, "good.test", true);
    expect(all.error).toBeNull();
    expect(all.address).toEqual([
      { address: "8.8.8.8", family: 4 },
      { address: "2606:4700:4700::1111", family: 6 },
    ]);
    const first = await lookupOnce(lookup, "good.test", false);
    expect([first.address, first.family]).toEqual(["8.8.8.8", 4]);
  });

  it("refuses a host when any resolved address is forbidden, naming it", async () => {
    const { error } = await lookupOnce(lookup, "mixed.test", true);
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect(error).toMatchObject({ code: "forbidden_address", hostname: "mixed.test", address: "10.0.0.7", range: "private" });
    const reserved = await lookupOnce(lookup, "public.test", false);
    expect(reserved.error).toMatchObject({ address: "203.0.113.0", range: "reserved" });
  });

  it("passes resolver errors through unchanged", async () => {
    const { error } = await lookupOnce(lookup, "missing.test", true);
    expect(error).toMatchObject({ code: "ENOTFOUND" });
    expect(error).not.toBeInstanceOf(SsrfBlockedError);
  });
});

describe("createDeliveryAgent against a real local receiver", () => {
  let receiver: LocalReceiver;
  const agents: Array<{ close(): Promise<void> }> = [];
  const agent = (options: Parameters<typeof createDeliveryAgent>[0]) => {
    const created = createDeliveryAgent(options);
    agents.push(created);
    return created;
  };

  beforeEach(async () => {
    receiver = await startLocalReceiver((_request, response) => response.end("ok"));
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((created) => created.close()));
    await receiver.close();
  });

  async function post(url: string, dispatcher: ReturnType<typeof createDeliveryAgent>) {
    const response = await request(url, { dispatcher, method: "POST", body: "{}" });
    return { status: response.statusCode, text: await response.body.text() };
  }

  it("refuses localhost at connect time: the receiver sees no connection", async () => {
    const error = await post(`http://localhost:${receiver.port}/`, agent({ allowPrivate: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect(error).toMatchObject({ code: "forbidden_address", hostname: "localhost", range: "loopback" });
    expect(receiver.connections).toBe(0);
  });

  it("refuses a hostname that resolves to a loopback address", async () => {
    const resolver = fakeResolver({ "hooks.merchant.test": ["127.0.0.1"] });
    const error = await post(`http://hooks.merchant.test:${receiver.port}/`, agent({ allowPrivate: false, lookup: resolver })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "forbidden_address", address: "127.0.0.1" });
    expect(resolver.asked).toEqual(["hooks.merchant.test"]);
    expect(receiver.connections).toBe(0);
  });

  it("refuses IP-literal hosts, which bypass DNS, before connecting", async () => {
    const resolver = fakeResolver({});
    const dispatcher = agent({ allowPrivate: false, lookup: resolver });
    await expect(post(`http://127.0.0.1:${receiver.port}/`, dispatcher)).rejects.toMatchObject({
      code: "forbidden_address",
      address: "127.0.0.1",
    });
    await expect(post(`http://[::ffff:127.0.0.1]:${receiver.port}/`, dispatcher)).rejects.toMatchObject({
      range: "ipv4Mapped:loopback",
    });
    expect(resolver.asked).toEqual([]);
    expect(receiver.connections).toBe(0);
  });

  it("delivers to localhost, IP literals and fake hostnames when private targets are allowed", async () => {
    const resolver = fakeResolver({ "hooks.merchant.test": ["127.0.0.1"] });
    const dispatcher = agent({ allowPrivate: true, lookup: resolver });
    expect(await post(`http://hooks.merchant.test:${receiver.port}/`, dispatcher)).toEqual({ status: 200, text: "ok" });
    expect(await post(`http://127.0.0.1:${receiver.port}/`, dispatcher)).toEqual({ status: 200, text: "ok" });
    expect(await post(`http://localhost:${receiver.port}/`, agent({ allowPrivate: true }))).toEqual({ status: 200, text: "ok" });
    expect(receiver.requests[0]?.headers.host).toBe(`hooks.merchant.test:${receiver.port}`);
  });

  it("checks each new connection, so a host rebound to an internal address is refused", async () => {
    // The test policy admits 127.0.0.1 as if it were public; every other address keeps the default verdict.
    const policy: AddressPolicy = (ip) => (ip === "127.0.0.1" ? { forbidden: false } : isForbiddenAddress(ip));
    const answers = [["127.0.0.1"], ["127.0.0.2"]];
    const rebinding: ResolveHost = async () => (answers.shift() ?? []).map((address) => ({ address, family: 4 }));
    const closing = await startLocalReceiver((_request, response) => {
      response.setHeader("connection", "close");
      response.end("ok");
    });
    try {
      const dispatcher = agent({ allowPrivate: false, lookup: rebinding, addressPolicy: policy });
      const url = `http://rebind.test:${closing.port}/`;
      expect(await post(url, dispatcher)).toEqual({ status: 200, text: "ok" });
      await expect(post(url, dispatcher)).rejects.toMatchObject({ code: "forbidden_address", address: "127.0.0.2" });
      expect(closing.requests).toHaveLength(1);
    } finally {
      await closing.close();
    }
  });
});
