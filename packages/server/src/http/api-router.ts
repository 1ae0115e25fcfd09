import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { type Request, type RequestHandler, Router } from "express";
import type { AuthContext } from "./auth/context.js";
import { allows, type Scope } from "./auth/scopes.js";
import { ApiError, invalidRequest, permissionDenied } from "./problem.js";
import { requestState } from "./request-state.js";
import { problemResponses } from "./openapi.js";
import { z } from "./zod.js";

type ObjectSchema = z.ZodObject | z.ZodPipe<z.ZodObject>;
const emptyObject = z.strictObject({});
type EmptySchema = typeof emptyObject;

/** Facts about the HTTP request a handler may record (audit rows, logs). */
export interface RequestMeta {
  requestId: string;
  ip: string | null;
}

/** What a handler receives: parsed and typed inputs, the caller, and request facts. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  auth: AuthContext;
  request: RequestMeta;
  /** `scheme://host` as the client addressed this server (honours RELAIS_TRUST_PROXY). */
  origin: string;
}

/** One API operation: its HTTP shape, the scope it needs, its schemas, and its handler. */
export interface RouteSpec<P extends ObjectSchema, Q extends ObjectSchema, B extends ObjectSchema, R extends z.ZodType> {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** Express-style path, e.g. `/v1/apps/:id`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  scope: Scope;
  params?: P;
  query?: Q;
  /** POST, PUT and PATCH only; without it the body must be empty or `{}`. */
  body?: B;
  /** Success status (default 200). */
  status?: number;
  response: R;
  handler(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, location: string): z.output<S> {
  // reportInput lets the error say "required" when the field is absent rather than mistyped.
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw invalidRequest(location, result.error);
  return result.data;
}

function authOf(req: Request): AuthContext {
  const auth = requestState(req).auth;
  if (!auth) throw new ApiError(401, "authentication_required", "Authentication required", "Send an API key or a JWT as a Bearer token");
  return auth;
}

/** `/v1/apps/:id` → `/v1/apps/{id}`. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, "{$1}");
}

/**
 * Where domains declare their operations. Each {@link ApiRouter.route} call serves the route and
 * documents it in the shared OpenAPI registry from the same schemas, so the two cannot drift.
 *
 * @example
 * api.route({ method: "get", path: "/v1/apps/:id", scope: "apps:read", params, response: appSchema,
 *   operationId: "getApp", summary: "Get an app", tag: "Apps",
 *   handler: ({ params, auth }) => apps.get(auth, params.id) });
 */
export class ApiRouter {
  /** The Express router serving every declared operation. */
  readonly router = Router();

  constructor(private readonly registry: OpenAPIRegistry) {}

  route<P extends ObjectSchema = EmptySchema, Q extends ObjectSchema = EmptySchema, B extends ObjectSchema = EmptySchema, R extends z.ZodType = z.ZodType>(
    spec: RouteSpec<P, Q, B, R>,
  ): void {
    const hasBody = spec.method === "post" || spec.method === "put" || spec.method === "patch";
    const bodySchema: ObjectSchema = spec.body ?? emptyObject;
    const querySchema: ObjectSchema = spec.query ?? emptyObject;
    const handler: RequestHandler = async (req, res) => {
      const state = requestState(req);
      state.route = spec.path;
      const auth = authOf(req);
      if (!allows(auth.scopes, spec.scope)) throw permissionDenied(`This operation needs the ${spec.scope} scope`);
      const input = {
        params: (spec.params ? parse(spec.params, req.params, "params") : {}) as z.output<P>,
        query: parse(querySchema, req.query, "query") as z.output<Q>,
        body: (hasBody ? parse(bodySchema, req.body, "body") : {}) as z.output<B>,
        auth,
        request: { requestId: state.requestId, ip: req.ip ?? null },
        origin: `${req.protocol}://${req.get("host") ?? "localhost"}`,
      };
      const result = await spec.handler(input);
      res.status(spec.status ?? 200).json(result);
    };
    this.router[spec.method](spec.path, handler);
    this.registry.registerPath({
      method: spec.method,
      path: toOpenApiPath(spec.path),
      operationId: spec.operationId,
      summary: spec.summary,
      tags: [spec.tag],
      security: [{ bearerAuth: [] }],
      description: `Requires the \`${spec.scope}\` scope.`,
      request: {
        ...(spec.params ? { params: spec.params } : {}),
        ...(spec.query ? { query: spec.query } : {}),
        ...(spec.method === "post" ? { headers: idempotencyHeader } : {}),
        ...(hasBody ? { body: { required: spec.body !== undefined, content: { "application/json": { schema: bodySchema } } } } : {}),
      },
      responses: {
        [spec.status ?? 200]: { description: "Success", content: { "application/json": { schema: spec.response } } },
        ...problemResponses(),
      },
    });
  }
}

const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .max(255)
    .optional()
    .openapi({ description: "Makes the POST safe to retry for 24 h: a replay returns the first response." }),
});
