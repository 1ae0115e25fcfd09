import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import express, { Router } from "express";
import { problemResponses } from "../../http/openapi.js";
import { requestState } from "../../http/request-state.js";
import { z } from "../../http/zod.js";
import type { IngestService } from "./service.js";

/** OpenAPI tag of the ingest route: platforms call it, not SDK users. */
export const INGEST_TAG = "interop-ingest";

const receiptSchema = z
  .object({
    received: z.literal(true),
    status: z.enum(["ping", "normalized", "failed", "duplicate"]),
    interop_event_id: z.string().optional(),
    event_id: z.string().nullable().optional(),
    duplicate_of: z.string().nullable().optional(),
    error: z.object({ code: z.string(), message: z.string(), path: z.string().nullable() }).nullable().optional(),
  })
  .openapi("InteropIngestReceipt");

/**
 * `POST /v1/interop/ingest/:connector_id`: the URL platforms send webhooks to. It is
 * authenticated by the platform's signature, not an API key, so it is mounted before the API-key
 * authentication of `/v1`, and it reads the body raw (any content type), as the signature needs.
 */
export function createIngestRouter(ingest: IngestService, registry: OpenAPIRegistry, bodyLimitBytes: number): Router {
  const router = Router();
  router.post(
    "/v1/interop/ingest/:connector_id",
    (req, _res, next) => {
      requestState(req).route = "/v1/interop/ingest/:connector_id";
      next();
    },
    express.raw({ type: () => true, limit: bodyLimitBytes }),
    async (req, res) => {
      const body: Uint8Array = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      res.json(await ingest.ingest(String(req.params.connector_id), body, req.headers));
    },
  );
  registry.registerPath({
    method: "post",
    path: "/v1/interop/ingest/{connector_id}",
    operationId: "interopIngest",
    summary: "Receive a platform webhook (Shopify, WooCommerce, or Standard Webhooks from the Relais modules)",
    description:
      "Authenticated by the platform's signature with the connector's secret. Any authentic delivery is stored and answered 200 — " +
      "also when it cannot be normalized (`status: failed`, retry it with POST /v1/interop/events/{id}/retry) — so that platforms " +
      "neither retry nor disable the webhook over a payload problem. 401: signature rejected, nothing stored.",
    tags: [INGEST_TAG],
    security: [],
    request: {
      params: z.object({ connector_id: z.string() }),
      body: { required: true, content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } },
    },
    responses: { 200: { description: "Received", content: { "application/json": { schema: receiptSchema } } }, ...problemResponses() },
  });
  return router;
}
