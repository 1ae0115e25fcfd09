import { PLATFORMS } from "@relais/interop-mappings";
import type { ApiRouter } from "../../http/api-router.js";
import { pageRequest, paginationQuery, toListResponse } from "../../http/pagination.js";
import { z } from "../../http/zod.js";
import { signatureScheme } from "./secret.js";
import type { ConnectorService } from "./service.js";
import type { ConnectorRow } from "./store.js";

const platforms = [...PLATFORMS, "custom"] as const;

/** The API representation of a connector; the platform secret is never part of it. */
export const connectorSchema = z
  .object({
    id: z.string().openapi({ example: "con_01j9zk4m5q8h2c7x3v6t0b1n4r" }),
    object: z.literal("interop_connector"),
    livemode: z.boolean(),
    app_id: z.string().nullable(),
    platform: z.enum(platforms),
    shop: z.string(),
    description: z.string().nullable(),
    mapping_id: z.string().nullable(),
    enabled: z.boolean(),
    signature_scheme: z.string().openapi({ description: "How deliveries must be signed: shopify, woocommerce or standard (Standard Webhooks)." }),
    ingest_url: z.string().openapi({ description: "Where the platform sends its webhooks, unchanged." }),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("InteropConnector");

/** A connector with the secret Relais generated for it; only a create without `secret` returns one. */
export const connectorWithSecretSchema = connectorSchema
  .extend({ secret: z.string().optional().openapi({ description: "Generated `whsec_` secret for Standard Webhooks sources; shown once." }) })
  .openapi("InteropConnectorCreated");

/** Converts a stored connector to its API representation; `base` is the server's public origin. */
export function presentConnector(row: ConnectorRow, base: string): z.input<typeof connectorSchema> {
  return {
    id: row.id,
    object: "interop_connector",
    livemode: row.livemode,
    app_id: row.app_id,
    platform: row.platform as (typeof platforms)[number],
    shop: row.shop,
    description: row.description,
    mapping_id: row.mapping_id,
    enabled: row.enabled,
    signature_scheme: signatureScheme(row.platform as (typeof platforms)[number]),
    ingest_url: `${base}/v1/interop/ingest/${row.id}`,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const fields = {
  shop: z.string().trim().min(1).max(255).openapi({
    description: "The shop: the myshopify.com domain, the WooCommerce site URL, or your identifier. Deliveries naming another shop fail.",
  }),
  secret: z.string().min(1).max(512).openapi({
    description: "The platform's webhook signing secret (write-only). Optional for prestashop, magento and custom: Relais generates a whsec_ one.",
  }),
  description: z.string().max(1000).nullable(),
  mapping_id: z.string().max(64).nullable().openapi({ description: "A mapping overriding the built-in one; required for custom." }),
  enabled: z.boolean().openapi({ description: "A disabled connector answers 403 and the platform retries later." }),
};

const createBody = z
  .strictObject({
    platform: z.enum(platforms),
    shop: fields.shop,
    secret: fields.secret.optional(),
    app_id: z.string().max(64).optional().openapi({ description: "Publish events as this app's (app-bound keys: their own)." }),
    description: fields.description.default(null),
    mapping_id: fields.mapping_id.default(null),
    enabled: fields.enabled.default(true),
  })
  .openapi("CreateInteropConnectorRequest");

const updateBody = z
  .strictObject({
    shop: fields.shop.optional(),
    secret: fields.secret.optional().openapi({ description: "A new platform secret; the previous one keeps verifying for 24 h." }),
    description: fields.description.optional(),
    mapping_id: fields.mapping_id.optional(),
    enabled: fields.enabled.optional(),
  })
  .openapi("UpdateInteropConnectorRequest");

const params = z.strictObject({ id: z.string().max(64).openapi({ param: { description: "The connector id." } }) });
const deleted = z
  .object({ id: z.string(), object: z.literal("interop_connector"), deleted: z.literal(true) })
  .openapi("DeletedInteropConnector");
const list = z
  .object({ object: z.literal("list"), data: z.array(connectorSchema), has_more: z.boolean() })
  .openapi("InteropConnectorList");

/** `POST/GET /v1/interop/connectors`, `GET/PATCH/DELETE /v1/interop/connectors/:id`. */
export function registerConnectorRoutes(api: ApiRouter, connectors: ConnectorService, publicUrl: string | undefined): void {
  const tag = "Interop";
  const base = (origin: string) => publicUrl ?? origin;
  api.route({
    method: "post",
    path: "/v1/interop/connectors",
    operationId: "createInteropConnector",
    summary: "Create a connector: the ingest URL a platform sends its webhooks to",
    tag,
    scope: "interop:write",
    body: createBody,
    status: 201,
    response: connectorWithSecretSchema,
    async handler({ body, auth, request, origin }) {
      const created = await connectors.create({ auth, request }, body);
      return { ...presentConnector(created, base(origin)), ...(created.secret === undefined ? {} : { secret: created.secret }) };
    },
  });
  api.route({
    method: "get",
    path: "/v1/interop/connectors",
    operationId: "listInteropConnectors",
    summary: "List connectors, newest first",
    tag,
    scope: "interop:read",
    query: z.strictObject(paginationQuery),
    response: list,
    async handler({ query, auth, origin }) {
      const page = pageRequest(query);
      return toListResponse(await connectors.list(auth, page), page, (row) => presentConnector(row, base(origin)));
    },
  });
  api.route({
    method: "get",
    path: "/v1/interop/connectors/:id",
    operationId: "getInteropConnector",
    summary: "Get a connector",
    tag,
    scope: "interop:read",
    params,
    response: connectorSchema,
    handler: async ({ params: { id }, auth, origin }) => presentConnector(await connectors.get(auth, id), base(origin)),
  });
  api.route({
    method: "patch",
    path: "/v1/interop/connectors/:id",
    operationId: "updateInteropConnector",
    summary: "Update a connector (shop, secret, mapping, enabled)",
    tag,
    scope: "interop:write",
    params,
    body: updateBody,
    response: connectorSchema,
    handler: async ({ params: { id }, body, auth, request, origin }) =>
      presentConnector(await connectors.update({ auth, request }, id, body), base(origin)),
  });
  api.route({
    method: "delete",
    path: "/v1/interop/connectors/:id",
    operationId: "deleteInteropConnector",
    summary: "Delete a connector; its ingest URL answers 404, its inbound events stay readable",
    tag,
    scope: "interop:write",
    params,
    response: deleted,
    async handler({ params: { id }, auth, request }) {
      await connectors.delete({ auth, request }, id);
      return { id, object: "interop_connector", deleted: true } as const;
    },
  });
}
