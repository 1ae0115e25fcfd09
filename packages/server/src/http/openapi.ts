import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { type RequestHandler } from "express";
import { z } from "./zod.js";

/** The problem+json document every error response carries. */
export const problemSchema = z
  .object({
    type: z.string().openapi({ example: "https://relais.dev/problems/not_found" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ description: "Stable machine-readable error code." }),
    request_id: z.string(),
    errors: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problemStatuses: Record<number, string> = {
  400: "Invalid request, malformed JSON or bad parameters",
  401: "Missing or invalid credentials",
  403: "The credential lacks the needed scope",
  404: "No such resource (or it belongs to another account or mode)",
  409: "Conflict, or an idempotency key in use or reused with another request",
  413: "Request body too large",
  415: "Request body is not JSON",
  429: "Rate limit or quota exceeded",
};

/** The error responses every API operation can return, for its OpenAPI entry. */
export function problemResponses() {
  return Object.fromEntries(
    Object.entries(problemStatuses).map(([status, description]) => [
      status,
      { description, content: { "application/problem+json": { schema: problemSchema } } },
    ]),
  );
}

/** A registry with the shared components and the ops endpoints; domains add their operations. */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.register("Problem", problemSchema);
  registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API key (`rk_test_…` / `rk_live_…`) or a JWT signed with RS256/ES256.",
  });
  const text = (description: string) => ({ description, content: { "text/plain": { schema: z.string() } } });
  const json = (description: string, schema: z.ZodType) => ({ description, content: { "application/json": { schema } } });
  const ops = { tags: ["Operations"], security: [] };
  registry.registerPath({ ...ops, method: "get", path: "/health", operationId: "health", summary: "The process is up", responses: { 200: json("Up", z.object({ status: z.literal("ok") })) } });
  registry.registerPath({
    ...ops,
    method: "get",
    path: "/ready",
    operationId: "ready",
    summary: "The database is reachable and migrated",
    responses: {
      200: json("Ready", z.object({ status: z.literal("ready") })),
      503: json("Not ready", z.object({ status: z.literal("not_ready"), reason: z.string() })),
    },
  });
  registry.registerPath({ ...ops, method: "get", path: "/metrics", operationId: "metrics", summary: "Prometheus metrics", responses: { 200: text("Metrics in the Prometheus text format") } });
  registry.registerPath({ ...ops, method: "get", path: "/openapi.json", operationId: "openapi", summary: "This document", responses: { 200: json("OpenAPI 3.1", z.object({}).passthrough()) } });
  return registry;
}

/** Serves the OpenAPI 3.1 document built from `registry`, generated once on first request. */
export function openApiHandler(registry: OpenAPIRegistry, version: string): RequestHandler {
  let document: object | undefined;
  return (_req, res) => {
    document ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
      openapi: "3.1.0",
      info: {
        title: "Relais API",
        version,
        description: "Webhooks, commerce-event interop and a plugin control plane. Errors are RFC 9457 problem+json.",
      },
    });
    res.json(document);
  };
}
