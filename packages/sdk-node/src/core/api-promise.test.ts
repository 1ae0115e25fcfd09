import { describe, expect, it } from "vitest";
import { mockApis } from "../testing/mock-api.js";
import { APIPromise } from "./api-promise.js";
import { NotFoundError } from "./errors.js";

const app = { id: "app_1", object: "app", name: "Shop" };

describe.each(mockApis)("APIPromise over $transport", ({ create }) => {
  it("resolves to the parsed body when awaited", async () => {
    const api = create();
    api.reply(200, app);
    const call = api.client().apps.retrieve("app_1");
    expect(call).toBeInstanceOf(APIPromise);
    expect(call).toBeInstanceOf(Promise);
    await expect(call).resolves.toEqual(app);
  });

  it("gives data, status, headers and requestId with withResponse()", async () => {
    const api = create();
    api.reply(201, app, { "request-id": "req_42", "idempotent-replayed": "true" });
    const { data, response, requestId } = await api.client().apps.create({ name: "Shop" }).withResponse();
    expect(data).toEqual(app);
    expect(requestId).toBe("req_42");
    expect(response.status).toBe(201);
    expect(response.headers.get("idempotent-replayed")).toBe("true");
  });

  it("gives a Web Response with the unparsed body from asResponse()", async () => {
    const api = create();
    api.reply(200, app, { "request-id": "req_raw" });
    const response = await api.client().apps.retrieve("app_1").asResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get("request-id")).toBe("req_raw");
    expect(await response.json()).toEqual(app);
  });

  it("resolves an empty 204 body to undefined, and asResponse() to a bodiless Response", async () => {
    const api = create();
    api.reply(204).reply(204);
    const client = api.client();
    await expect(client.apps.del("app_1")).resolves.toBeUndefined();
    const response = await client.apps.del("app_1").asResponse();
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it("rejects withResponse(), catch() and finally() chains with the API error", async () => {
    const api = create();
    api.reply(404, { code: "not_found", detail: "gone" }).reply(404, { code: "not_found" }).reply(404, {});
    const client = api.client();
    await expect(client.apps.retrieve("a").withResponse()).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.apps.retrieve("b").catch((e: unknown) => e)).resolves.toBeInstanceOf(NotFoundError);
    let finallyRan = false;
    await expect(
      client.apps.retrieve("c").finally(() => {
        finallyRan = true;
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(finallyRan).toBe(true);
  });
});
