import { describe, expectTypeOf, it } from "vitest";
import {
  APIPromise,
  Page,
  PagePromise,
  Relais,
  type ApiKey,
  type ApiKeyWithSecret,
  type App,
  type AuditLog,
  type DeletedApp,
  type WebhookEvent,
  type WithResponse,
} from "./index.js";

const client = new Relais({ apiKey: "rk_test_types" });

describe("resource signatures", () => {
  it("apps.retrieve returns APIPromise<App> and awaits to App", () => {
    expectTypeOf(client.apps.retrieve).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(client.apps.retrieve("app_1")).toEqualTypeOf<APIPromise<App>>();
    expectTypeOf<Awaited<ReturnType<typeof client.apps.retrieve>>>().toEqualTypeOf<App>();
  });

  it("apps.create requires a name and keeps snake_case response fields", () => {
    expectTypeOf(client.apps.create).parameter(0).toHaveProperty("name").toEqualTypeOf<string>();
    // @ts-expect-error name is required
    void client.apps.create({ description: "no name" });
    expectTypeOf<App>().toHaveProperty("created_at").toEqualTypeOf<string>();
    expectTypeOf<App["object"]>().toEqualTypeOf<"app">();
    expectTypeOf(client.apps.del("app_1")).toEqualTypeOf<APIPromise<DeletedApp>>();
  });

  it("list is a PagePromise: awaitable to a Page and async-iterable of items", () => {
    const list = client.apps.list({ limit: 10 });
    expectTypeOf(list).toEqualTypeOf<PagePromise<App>>();
    expectTypeOf(list).toMatchTypeOf<AsyncIterable<App>>();
    expectTypeOf<Awaited<typeof list>>().toEqualTypeOf<Page<App>>();
    expectTypeOf<Page<App>["data"]>().toEqualTypeOf<App[]>();
    expectTypeOf(client.apiKeys.list("app_1")).toMatchTypeOf<AsyncIterable<ApiKey>>();
    expectTypeOf(client.auditLogs.list({ action: "app.created" })).toMatchTypeOf<AsyncIterable<AuditLog>>();
    // @ts-expect-error unknown filter
    void client.auditLogs.list({ actor: "key_1" });
  });

  it("withResponse() types the data", () => {
    expectTypeOf(client.apiKeys.create("app_1", { name: "ci", scopes: ["*"] }).withResponse()).toEqualTypeOf<Promise<WithResponse<ApiKeyWithSecret>>>();
    expectTypeOf<ApiKeyWithSecret["secret"]>().toEqualTypeOf<string>();
  });

  it("webhooks.constructEvent narrows to the event union it is given", () => {
    type Paid = WebhookEvent<"payment.succeeded", { amount: number }>;
    type Refunded = WebhookEvent<"refund.issued", { refund_id: string }>;
    const event = client.webhooks.constructEvent<Paid | Refunded>("{}", {}, "whsec_x");
    expectTypeOf(event).toEqualTypeOf<Promise<Paid | Refunded>>();
    expectTypeOf(client.webhooks.constructEvent("{}", {}, "whsec_x")).toEqualTypeOf<Promise<WebhookEvent>>();
  });
});
