import type { ApiRouter } from "../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../http/pagination.js";
import { z } from "../http/zod.js";
import { type AppService, METADATA_LIMITS } from "./service.js";
import type { AppRow } from "./store.js";

const environments = ["development", "staging", "production"] as const;

const metadataKey = z.string().min(1).max(METADATA_LIMITS.keyLength);
const metadataValue = z.string().max(METADATA_LIMITS.valueLength);
const tooManyKeys = { error: `can hold at most ${METADATA_LIMITS.keys} keys` };
const metadata = z
  .record(metadataKey, metadataValue)
  .refine((value) => Object.keys(value).length <= METADATA_LIMITS.keys, tooManyKeys)
  .openapi({ description: "Up to 50 string pairs: keys up to 40 characters, values up to 500." });

/** The API representation of an app. */
export const appSchema = z
  .object({
    id: z.string().openapi({ example: "app_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("app"),
    livemode: z.boolean(),
    name: z.string(),
    description: z.string().nullable(),
    environment: z.enum(environments),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("App");

/** Converts a stored app to its API representation. */
export function presentApp(row: AppRow): z.input<typeof appSchema> {
  return {
    id: row.id,
    object: "app",
    livemode: row.livemode,
    name: row.name,
    description: row.description,
    environment: row.environment as (typeof environments)[number],
    metadata: row.metadata,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const createBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(1000).nullable().optional(),
    environment: z.enum(environments).default("development"),
    metadata: metadata.default({}),
  })
  .openapi("CreateAppRequest");

const updateBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(1000).nullable().optional(),
    environment: z.enum(environments).optional(),
    metadata: z
      .record(metadataKey, metadataValue.nullable())
      .refine((value) => Object.keys(value).length <= METADATA_LIMITS.keys, tooManyKeys)
      .optional()
      .openapi({ description: "Merged into the current metadata; a null value removes that key." }),
  })
  .openapi("UpdateAppRequest");

/** Path parameters of routes under one app. */
export const appParams = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The app id." } }) });
const deletedApp = z.object({ id: z.string(), object: z.literal("app"), deleted: z.literal(true) }).openapi("DeletedApp");
const appList = z.object({ object: z.literal("list"), data: z.array(appSchema), has_more: z.boolean() }).openapi("AppList");

/** `POST/GET /v1/apps` and `GET/PATCH/DELETE /v1/apps/:id`. */
export function registerAppRoutes(api: ApiRouter, apps: AppService): void {
  const tag = "Apps";
  api.route({
    method: "post",
    path: "/v1/apps",
    operationId: "createApp",
    summary: "Create an app",
    tag,
    scope: "apps:write",
    body: createBody,
    status: 201,
    response: appSchema,
    handler: async ({ body, auth, request }) =>
      presentApp(await apps.create({ auth, request }, { ...body, description: body.description ?? null })),
  });
  api.route({
    method: "get",
    path: "/v1/apps",
    operationId: "listApps",
    summary: "List apps, newest first",
    tag,
    scope: "apps:read",
    query: z.strictObject(paginationQuery),
    response: appList,
    async handler({ query, auth }) {
      const page = pageRequest(query);
      return toListResponse(await apps.list(auth, page), page, presentApp);
    },
  });
  api.route({
    method: "get",
    path: "/v1/apps/:id",
    operationId: "getApp",
    summary: "Get an app",
    tag,
    scope: "apps:read",
    params: appParams,
    response: appSchema,
    handler: async ({ params, auth }) => presentApp(await apps.get(auth, params.id)),
  });
  api.route({
    method: "patch",
    path: "/v1/apps/:id",
    operationId: "updateApp",
    summary: "Update an app",
    tag,
    scope: "apps:write",
    params: appParams,
    body: updateBody,
    response: appSchema,
    handler: async ({ params, body, auth, request }) => presentApp(await apps.update({ auth, request }, params.id, body)),
  });
  api.route({
    method: "delete",
    path: "/v1/apps/:id",
    operationId: "deleteApp",
    summary: "Delete an app and revoke its keys",
    tag,
    scope: "apps:write",
    params: appParams,
    response: deletedApp,
    async handler({ params, auth, request }) {
      await apps.delete({ auth, request }, params.id);
      return { id: params.id, object: "app", deleted: true } as const;
    },
  });
}
