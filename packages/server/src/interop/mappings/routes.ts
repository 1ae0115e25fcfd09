import type { ApiRouter } from "../../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../../http/pagination.js";
import { z } from "../../http/zod.js";
import type { MappingService } from "./service.js";
import type { MappingRow } from "./store.js";

/** The API representation of a mapping at one version. */
export const mappingSchema = z
  .object({
    id: z.string().openapi({ example: "map_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("interop_mapping"),
    livemode: z.boolean(),
    name: z.string(),
    platform: z.string(),
    version: z.number().int().openapi({ description: "1 for the first document; each PUT saves the next." }),
    mapping: z.record(z.string(), z.unknown()).openapi({ description: "The mapping document (see @relais/interop-mappings' mapping.schema.json)." }),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time", description: "When this version was saved." }),
  })
  .openapi("InteropMapping");

function present(row: MappingRow): z.input<typeof mappingSchema> {
  return {
    id: row.id,
    object: "interop_mapping",
    livemode: row.livemode,
    name: row.name,
    platform: row.platform,
    version: row.version,
    mapping: row.document,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const documentBody = z
  .strictObject({
    mapping: z
      .record(z.string(), z.unknown())
      .openapi({ description: "A mapping document: `{ version: 1, platform, name?, topic?, shop?, topics: { … } }`." }),
  })
  .openapi("InteropMappingRequest");
const params = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The mapping id." } }) });
const list = z
  .object({ object: z.literal("list"), data: z.array(mappingSchema), has_more: z.boolean() })
  .openapi("InteropMappingList");

/** `POST/GET /v1/interop/mappings`, `GET/PUT /v1/interop/mappings/:id`. */
export function registerMappingRoutes(api: ApiRouter, mappings: MappingService): void {
  const tag = "Interop";
  api.route({
    method: "post",
    path: "/v1/interop/mappings",
    operationId: "createInteropMapping",
    summary: "Save a mapping document (validated first) as version 1",
    tag,
    scope: "interop:write",
    body: documentBody,
    status: 201,
    response: mappingSchema,
    handler: async ({ body, auth, request }) => present(await mappings.create({ auth, request }, body.mapping)),
  });
  api.route({
    method: "get",
    path: "/v1/interop/mappings",
    operationId: "listInteropMappings",
    summary: "List mappings at their current version, newest first",
    tag,
    scope: "interop:read",
    query: z.strictObject(paginationQuery),
    response: list,
    async handler({ query, auth }) {
      const page = pageRequest(query);
      return toListResponse(await mappings.list(auth, page), page, present);
    },
  });
  api.route({
    method: "get",
    path: "/v1/interop/mappings/:id",
    operationId: "getInteropMapping",
    summary: "Get a mapping at its current version, or at ?version=",
    tag,
    scope: "interop:read",
    params,
    query: z.strictObject({ version: z.coerce.number().int().min(1).optional().openapi({ description: "An earlier version." }) }),
    response: mappingSchema,
    handler: async ({ params: { id }, query, auth }) => present(await mappings.get(auth, id, query.version)),
  });
  api.route({
    method: "put",
    path: "/v1/interop/mappings/:id",
    operationId: "replaceInteropMapping",
    summary: "Save a new version of a mapping; connectors using it switch to it at once",
    tag,
    scope: "interop:write",
    params,
    body: documentBody,
    response: mappingSchema,
    handler: async ({ params: { id }, body, auth, request }) => present(await mappings.replace({ auth, request }, id, body.mapping)),
  });
}
