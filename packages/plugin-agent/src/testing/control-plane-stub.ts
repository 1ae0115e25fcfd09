import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { KeyObject } from "node:crypto";
import type { JsonObject } from "../json.js";
import type { AckRequest, EnrolResponse, HeartbeatRequest, HeartbeatResponse, SignedCommand } from "../protocol.js";
import { generateSigningKeyPair, signCommandPayload, type SigningKeyPair } from "./command-signer.js";

/**
 * A small real control plane for tests: enrol, heartbeat and ack as docs/agent-protocol.md
 * specifies them, on 127.0.0.1 with a real Ed25519 key. It records every request it accepts and
 * can be told to fail, drop connections, revoke, or deliver hand-crafted commands. Unlike a real
 * server it never expires commands (so tests can deliver expired ones), learns command outcomes
 * only from acks, and does not check that a replayed Idempotency-Key comes with the same body.
 */
export interface ControlPlaneStub {
  readonly url: string;
  readonly keys: SigningKeyPair;
  /** Interval sent in every heartbeat response. */
  heartbeatIntervalS: number;
  /** `false` makes the server drop every connection, like a host that went away. */
  reachable: boolean;
  /** Every request that reached a route, including those answered with an injected failure. */
  readonly requests: Array<{ route: Route; body: JsonObject | undefined; idempotencyKey: string | undefined }>;
  readonly enrolments: Array<{ body: JsonObject; idempotencyKey: string | undefined }>;
  readonly heartbeats: Array<{ body: HeartbeatRequest; authorization: string | undefined; reportFullState: boolean }>;
  readonly acks: Array<{ commandId: string; body: AckRequest }>;
  createEnrolmentToken(maxUses?: number): string;
  issueCommand(instanceUid: string, input: CommandInput): SignedCommand;
  /** Status of a command as the server tracks it (`pending`, `delivered`, or the acked status). */
  commandStatus(id: string): string | undefined;
  revoke(instanceUid: string): void;
  requestFullState(instanceUid: string): void;
  /** The next request to `route` gets this failure (`"drop"` closes the connection). */
  failNext(route: Route, failure: Failure): void;
  /** Resolves once `count` requests of `route` were recorded. */
  waitFor(route: Route, count: number): Promise<void>;
  close(): Promise<void>;
}

type Route = "enrol" | "heartbeat" | "ack";
type Failure = "drop" | { status: number; code: string; retryAfter?: string };

/** What a test asks the server to send; the options build forged or broken commands. */
export interface CommandInput {
  type: string;
  params?: JsonObject;
  expiresAt?: string;
  /** Sign with another key (a forgery). */
  signWith?: KeyObject;
  /** Put another instance's uid in the signed payload. */
  signedForInstance?: string;
  /** Alter the command after it was signed (tampering in transit). */
  tamper?: (command: SignedCommand) => SignedCommand;
}

interface Instance {
  secret: string;
  revoked: boolean;
  lastSequenceNum: number | undefined;
  wantFullState: boolean;
}

/** Starts the stub on a free port of 127.0.0.1. */
export async function startControlPlaneStub(): Promise<ControlPlaneStub> {
  const keys = generateSigningKeyPair();
  const tokens = new Map<string, number>();
  const instances = new Map<string, Instance>();
  const commands = new Map<string, { instanceUid: string; command: SignedCommand; status: string }>();
  const replays = new Map<string, EnrolResponse>();
  const failures: Record<Route, Failure[]> = { enrol: [], heartbeat: [], ack: [] };
  const waiters: Array<{ route: Route; count: number; resolve: () => void }> = [];

  const record = <T>(route: Route, list: T[], entry: T): void => {
    list.push(entry);
    for (const waiter of waiters.filter((w) => w.route === route && list.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const authenticate = (req: IncomingMessage): [string, Instance] | undefined => {
    const secret = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    for (const [uid, instance] of instances) if (instance.secret === secret && !instance.revoked) return [uid, instance];
    return undefined;
  };

  const enrol = (req: IncomingMessage, res: ServerResponse, body: JsonObject): void => {
    const idempotencyKey = header(req, "idempotency-key");
    record("enrol", stub.enrolments, { body, idempotencyKey });
    const replay = idempotencyKey === undefined ? undefined : replays.get(idempotencyKey);
    if (replay !== undefined) return json(res, 201, replay);
    const token = typeof body.token === "string" ? body.token : "";
    const uses = tokens.get(token) ?? 0;
    if (uses <= 0) return problem(res, 401, "invalid_enrolment_token", "The enrolment token is unknown, expired or used up.");
    tokens.set(token, uses - 1);
    const requested = typeof body.instance_uid === "string" ? body.instance_uid : undefined;
    const uid = requested !== undefined && instances.has(requested) ? requested : `plg_${randomUUID()}`;
    const secret = `ags_${randomUUID()}`;
    instances.set(uid, { secret, revoked: false, lastSequenceNum: undefined, wantFullState: true });
    const response: EnrolResponse = { instance_uid: uid, agent_secret: secret, command_signing_key: keys.publicJwk };
    if (idempotencyKey !== undefined) replays.set(idempotencyKey, response);
    json(res, 201, response);
  };

  const heartbeat = (req: IncomingMessage, res: ServerResponse, body: JsonObject): void => {
    const auth = authenticate(req);
    if (auth === undefined) return problem(res, 401, "authentication_required", "Agent credentials are missing or revoked.");
    const [uid, instance] = auth;
    const request = body as unknown as HeartbeatRequest;
    if (request.instance_uid !== uid) return problem(res, 403, "permission_denied", "instance_uid does not match the credentials.");
    const contiguous = instance.lastSequenceNum !== undefined && request.sequence_num === instance.lastSequenceNum + 1;
    const reportFullState = instance.wantFullState ? request.full_state === undefined : !contiguous && request.full_state === undefined;
    instance.wantFullState = false;
    instance.lastSequenceNum = request.sequence_num;
    record("heartbeat", stub.heartbeats, { body: request, authorization: req.headers.authorization, reportFullState });
    const due = [...commands.values()].filter((c) => c.instanceUid === uid && (c.status === "pending" || c.status === "delivered"));
    for (const entry of due) entry.status = "delivered";
    const response: HeartbeatResponse = {
      next_heartbeat_in_s: stub.heartbeatIntervalS,
      report_full_state: reportFullState,
      commands: due.map((c) => c.command),
    };
    json(res, 200, response);
  };

  const ack = (req: IncomingMessage, res: ServerResponse, commandId: string, body: JsonObject): void => {
    const auth = authenticate(req);
    if (auth === undefined) return problem(res, 401, "authentication_required", "Agent credentials are missing or revoked.");
    const entry = commands.get(commandId);
    if (entry === undefined || entry.instanceUid !== auth[0]) return problem(res, 404, "not_found", "No such command.");
    const status = body.status;
    if (status !== "applied" && status !== "failed" && status !== "rejected") {
      return problem(res, 400, "invalid_request", "status must be applied, failed or rejected.");
    }
    const final = entry.status !== "pending" && entry.status !== "delivered";
    if (final && entry.status !== status) return problem(res, 409, "conflict", `The command is already ${entry.status}.`);
    entry.status = status;
    record("ack", stub.acks, { commandId, body: body as unknown as AckRequest });
    json(res, 200, { id: commandId, status });
  };

  const server = createServer((req, res) => {
    void readJson(req).then((body) => {
      const path = req.url ?? "";
      const ackMatch = /^\/v1\/agent\/commands\/([^/]+)\/ack$/.exec(path);
      const route: Route | undefined =
        path === "/v1/agent/enrol" ? "enrol" : path === "/v1/agent/heartbeat" ? "heartbeat" : ackMatch ? "ack" : undefined;
      if (!stub.reachable) return req.socket.destroy();
      if (req.method !== "POST" || route === undefined) return problem(res, 404, "not_found", `No route for ${req.method} ${path}`);
      stub.requests.push({ route, body, idempotencyKey: header(req, "idempotency-key") });
      const failure = failures[route].shift();
      if (failure === "drop") return req.socket.destroy();
      if (failure !== undefined) {
        if (failure.retryAfter !== undefined) res.setHeader("retry-after", failure.retryAfter);
        return problem(res, failure.status, failure.code, "Injected failure.");
      }
      if (body === undefined) return problem(res, 400, "invalid_request", "The body must be a JSON object.");
      if (route === "enrol") return enrol(req, res, body);
      if (route === "heartbeat") return heartbeat(req, res, body);
      return ack(req, res, decodeURIComponent(ackMatch?.[1] ?? ""), body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const stub: ControlPlaneStub = {
    url: `http://127.0.0.1:${port}`,
    keys,
    heartbeatIntervalS: 60,
    reachable: true,
    requests: [],
    enrolments: [],
    heartbeats: [],
    acks: [],
    createEnrolmentToken(maxUses = 10) {
      const token = `aet_${randomUUID()}`;
      tokens.set(token, maxUses);
      return token;
    },
    issueCommand(instanceUid, input) {
      const issuedAt = new Date();
      const unsigned = {
        id: `cmd_${randomUUID()}`,
        type: input.type,
        params: input.params ?? {},
        issued_at: issuedAt.toISOString(),
        expires_at: input.expiresAt ?? new Date(issuedAt.getTime() + 3_600_000).toISOString(),
      };
      const signature = signCommandPayload(
        { ...unsigned, instance_uid: input.signedForInstance ?? instanceUid },
        input.signWith ?? keys.privateKey,
      );
      const signed: SignedCommand = { ...unsigned, signature };
      const command = input.tamper ? input.tamper(signed) : signed;
      commands.set(command.id, { instanceUid, command, status: "pending" });
      return command;
    },
    commandStatus: (id) => commands.get(id)?.status,
    revoke(instanceUid) {
      const instance = instances.get(instanceUid);
      if (instance !== undefined) instance.revoked = true;
    },
    requestFullState(instanceUid) {
      const instance = instances.get(instanceUid);
      if (instance !== undefined) instance.wantFullState = true;
    },
    failNext(route, failure) {
      failures[route].push(failure);
    },
    waitFor(route, count) {
      const list = route === "enrol" ? stub.enrolments : route === "heartbeat" ? stub.heartbeats : stub.acks;
      if (list.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ route, count, resolve }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return stub;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

async function readJson(req: IncomingMessage): Promise<JsonObject | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomUUID()}` }).end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, code: string, detail: string): void {
  res
    .writeHead(status, { "content-type": "application/problem+json", "request-id": `req_${randomUUID()}` })
    .end(JSON.stringify({ type: `https://relais.dev/problems/${code}`, title: code.replace(/_/g, " "), status, detail, code }));
}
