import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { type Request, type RequestHandler, Router } from "express";
import type { Database } from "../db/database.js";
import { jsonBody } from "../http/body.js";
import { problemResponses } from "../http/openapi.js";
import { invalidRequest } from "../http/problem.js";
import { requestState } from "../http/request-state.js";
import { z } from "../http/zod.js";
import { ackCommand } from "./command-results.js";
import type { EnrolmentService } from "./enrolment-service.js";
import { agentUnauthenticated, type HeartbeatService } from "./heartbeat-service.js";
import { findInstanceBySecret } from "./instance-store.js";
import type { AgentCredentialHasher } from "./secrets.js";
import { ackParams, ackRequest, ackResponse, enrolRequest, enrolResponse, heartbeatRequest, heartbeatResponse } from "./wire.js";

/** OpenAPI tag of the agent-credential routes: they belong to `@relais/plugin-agent`, not the SDK. */
export const AGENT_TAG = "agent";

/** What the agent routes need. */
export interface AgentRouteDependencies {
  db: Database;
  registry: OpenAPIRegistry;
  enrolment: EnrolmentService;
  heartbeats: HeartbeatService;
  hasher: AgentCredentialHasher;
  /** Largest agent request body; larger ones get 413 `payload_too_large`. */
  bodyLimitBytes: number;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, location: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw invalidRequest(location, result.error);
  return result.data;
}

function agentSecret(req: Request): string {
  const match = /^Bearer (ags_[A-Za-z0-9_-]{1,100})$/.exec(req.get("authorization")?.trim() ?? "");
  if (!match?.[1]) throw agentUnauthenticated();
  return match[1];
}

function meta(req: Request) {
  return { requestId: requestState(req).requestId, ip: req.ip ?? null };
}

/**
 * `/v1/agent/*`: the control plane as agents see it (docs/agent-protocol.md). These routes use
 * agent credentials (`ags_…` secrets, or an enrolment token), not API keys, so the router is
 * mounted before the API-key authentication of `/v1`, with its own body limit. They are documented in the OpenAPI
 * document under the `agent` tag with their own security scheme.
 */
export function createAgentRouter(deps: AgentRouteDependencies): Router {
  const router = Router();
  // Parsed here with the agent limit, so the rest of /v1 keeps its own.
  const parseJson = jsonBody(deps.bodyLimitBytes);
  const named =
    (route: string, handler: RequestHandler): RequestHandler =>
    (req, res, next) => {
      requestState(req).route = route;
      return handler(req, res, next);
    };

  router.post(
    "/v1/agent/enrol",
    ...parseJson,
    named("/v1/agent/enrol", async (req, res) => {
      const body = parse(enrolRequest, req.body, "body");
      const result = await deps.enrolment.enrol(body, req.get("idempotency-key"), meta(req));
      if (result.replayed) res.setHeader("Idempotent-Replayed", "true");
      res.status(201).json(result.body);
    }),
  );
  router.post(
    "/v1/agent/heartbeat",
    ...parseJson,
    named("/v1/agent/heartbeat", async (req, res) => {
      const secret = agentSecret(req);
      const body = parse(heartbeatRequest, req.body, "body");
      res.json(await deps.heartbeats.heartbeat(secret, body, meta(req)));
    }),
  );
  router.post(
    "/v1/agent/commands/:id/ack",
    ...parseJson,
    named("/v1/agent/commands/:id/ack", async (req, res) => {
      const secret = agentSecret(req);
      const params = parse(ackParams, req.params, "params");
      const body = parse(ackRequest, req.body, "body");
      const instance = await findInstanceBySecret(deps.db, deps.hasher.hash(secret));
      if (!instance) throw agentUnauthenticated();
      res.json(await ackCommand(deps.db, instance, params.id, body, meta(req)));
    }),
  );
  document(deps.registry);
  return router;
}

function document(registry: OpenAPIRegistry): void {
  registry.registerComponent("securitySchemes", "agentSecret", {
    type: "http",
    scheme: "bearer",
    description: "An agent secret (`ags_…`) issued by `POST /v1/agent/enrol`.",
  });
  const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
  const common = { tags: [AGENT_TAG], responses: problemResponses() };
  registry.registerPath({
    method: "post",
    path: "/v1/agent/enrol",
    operationId: "agentEnrol",
    summary: "Exchange an enrolment token for agent credentials (plugin agents only)",
    tags: [AGENT_TAG],
    security: [],
    request: {
      headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
      body: { required: true, ...json(enrolRequest) },
    },
    responses: { 201: { description: "Enrolled", ...json(enrolResponse) }, ...common.responses },
  });
  registry.registerPath({
    method: "post",
    path: "/v1/agent/heartbeat",
    operationId: "agentHeartbeat",
    summary: "Report health and state; receive signed commands (plugin agents only)",
    tags: [AGENT_TAG],
    security: [{ agentSecret: [] }],
    request: { body: { required: true, ...json(heartbeatRequest) } },
    responses: { 200: { description: "Accepted", ...json(heartbeatResponse) }, ...common.responses },
  });
  registry.registerPath({
    method: "post",
    path: "/v1/agent/commands/{id}/ack",
    operationId: "agentAckCommand",
    summary: "Acknowledge a command's final status (plugin agents only)",
    tags: [AGENT_TAG],
    security: [{ agentSecret: [] }],
    request: { params: z.object({ id: z.string() }), body: { required: true, ...json(ackRequest) } },
    responses: { 200: { description: "Recorded", ...json(ackResponse) }, ...common.responses },
  });
}
