import { describe, expect, it } from "vitest";
import { idle, mockApis } from "../testing/mock-api.js";
import { RelaisError } from "./errors.js";
import { Page } from "./pagination.js";

const app = (n: number) => ({ id: `app_${n}`, object: "app", name: `App ${n}` });
const list = (ids: number[], has_more: boolean) => ({ object: "list", data: ids.map(app), has_more });

describe.each(mockApis)("pagination over $transport", ({ create }) => {
  it("walks three pages lazily, fetching each only when iteration reaches it", async () => {
    const api = create();
    api.reply(200, list([1, 2], true)).reply(200, list([3, 4], true)).reply(200, list([5], false));
    const seen: string[] = [];
    const requestsWhenSeen: number[] = [];
    for await (const item of api.client().apps.list({ limit: 2 })) {
      seen.push(item.id);
      requestsWhenSeen.push(api.requests.length);
    }
    expect(seen).toEqual(["app_1", "app_2", "app_3", "app_4", "app_5"]);
    expect(requestsWhenSeen).toEqual([1, 1, 2, 2, 3]);
    expect(api.requests.map((r) => r.path)).toEqual([
      "/v1/apps?limit=2",
      "/v1/apps?limit=2&starting_after=app_2",
      "/v1/apps?limit=2&starting_after=app_4",
    ]);
  });

  it("does not fetch the next page when the loop stops early", async () => {
    const api = create();
    api.reply(200, list([1, 2], true)).reply(200, list([3], false));
    for await (const item of api.client().apps.list()) {
      if (item.id === "app_2") break;
    }
    await idle();
    expect(api.requests).toHaveLength(1);
    expect(api.pendingReplies()).toBe(1);
  });

  it("gives a page object on await, with getNextPage() and hasNextPage()", async () => {
    const api = create();
    api.reply(200, list([1, 2], true)).reply(200, list([3], false));
    const first = await api.client().apps.list({ limit: 2 });
    expect(first).toBeInstanceOf(Page);
    expect(first).toMatchObject({ object: "list", has_more: true, data: [app(1), app(2)] });
    expect(first.hasNextPage()).toBe(true);
    expect(api.requests).toHaveLength(1);

    const second = await first.getNextPage();
    expect(second.data).toEqual([app(3)]);
    expect(second.hasNextPage()).toBe(false);
    expect(() => second.getNextPage()).toThrow(RelaisError);
    expect(api.requests[1]?.path).toBe("/v1/apps?limit=2&starting_after=app_2");
  });

  it("iterates pages with iterPages()", async () => {
    const api = create();
    api.reply(200, list([1], true)).reply(200, list([2], false));
    const sizes: number[] = [];
    for await (const page of (await api.client().apps.list()).iterPages()) sizes.push(page.data.length);
    expect(sizes).toEqual([1, 1]);
  });

  it("stops on an empty page even if has_more is true", async () => {
    const api = create();
    api.reply(200, list([], true));
    const items: unknown[] = [];
    for await (const item of api.client().apps.list()) items.push(item);
    expect(items).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  it("gives the first page's response through withResponse()", async () => {
    const api = create();
    api.reply(200, list([1], false), { "request-id": "req_list" });
    const { data, requestId, response } = await api.client().apps.list().withResponse();
    expect(data.data).toEqual([app(1)]);
    expect(requestId).toBe("req_list");
    expect(response.status).toBe(200);
  });
});
