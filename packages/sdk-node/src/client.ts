import type { Dispatcher } from "undici";
import { APIClient, type Logger } from "./core/api-client.js";
import type { Fetch } from "./core/transport.js";
import { AccountResource } from "./resources/account.js";
import { ApiKeys } from "./resources/api-keys.js";
import { Apps } from "./resources/apps.js";
import { AuditLogs } from "./resources/audit-logs.js";
import { Events } from "./resources/events.js";
import { EventTypes } from "./resources/event-types.js";
import { WebhookEndpoints } from "./resources/webhook-endpoints.js";
import { WebhookMessages } from "./resources/webhook-messages.js";
import { AutopatchAttempts, Autopatches } from "./resources/autopatches.js";
import { Healing, HealingRules, OpsPolicies } from "./resources/healing.js";
import { Incidents } from "./resources/incidents.js";
import { Interop } from "./resources/interop.js";
import { Plugins } from "./resources/plugins.js";
import { Webhooks } from "./resources/webhooks.js";

/** Where a local `relais-server` listens by default. */
const DEFAULT_BASE_URL = "http://127.0.0.1:4000";

/** Options of `new Relais()`; every one is optional. */
export interface ClientOptions {
  /** API key (`rk_test_…` / `rk_live_…`). Default: `process.env.RELAIS_API_KEY`. */
  apiKey?: string;
  /** Default: `process.env.RELAIS_BASE_URL`, then `http://127.0.0.1:4000`. */
  baseUrl?: string;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Milliseconds each attempt may take, body included. Default 60 000. */
  timeout?: number;
  /** Receives retry and response logs (never secrets). */
  logger?: Logger;
  /** Sends requests with this `fetch` instead of undici (edge runtimes, tests). */
  fetch?: Fetch;
  /** undici dispatcher (Agent, ProxyAgent, MockAgent) instead of the built-in keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
}

/**
 * The Relais API client.
 *
 * @example
 * import { Relais } from "@relais/sdk-node";
 *
 * const relais = new Relais(); // reads RELAIS_API_KEY and RELAIS_BASE_URL
 * const app = await relais.apps.create({ name: "Storefront" });
 * const { secret } = await relais.apiKeys.create(app.id, { name: "checkout" });
 * for await (const entry of relais.auditLogs.list({ target_id: app.id })) console.log(entry.action);
 *
 * // In a webhook handler, with the raw body:
 * const event = await relais.webhooks.constructEvent(rawBody, req.headers, process.env.RELAIS_WEBHOOK_SECRET!);
 */
export class Relais extends APIClient {
  /** The account behind the API key: `GET /v1/account`. */
  readonly account: AccountResource = new AccountResource(this);
  /** Apps: `POST/GET /v1/apps`, `GET/PATCH/DELETE /v1/apps/:id`. */
  readonly apps: Apps = new Apps(this);
  /** API keys of an app: create, list, rotate, revoke. */
  readonly apiKeys: ApiKeys = new ApiKeys(this);
  /** The account's audit trail. */
  readonly auditLogs: AuditLogs = new AuditLogs(this);
  /** Plugin instances (enrolled agents), their signed commands and enrolment tokens. */
  readonly plugins: Plugins = new Plugins(this);
  /** Incidents the plugin control plane opened (read-only). */
  readonly incidents: Incidents = new Incidents(this);
  /** Self-healing KPIs: incidents, time to detect, time to resolve, decisions, autopatch success and rollback rates. */
  readonly healing: Healing = new Healing(this);
  /** Self-healing rules: which incidents get which fix. */
  readonly healingRules: HealingRules = new HealingRules(this);
  /** The ops policy: what self-healing may apply without a person. */
  readonly opsPolicy: OpsPolicies = new OpsPolicies(this);
  /** Autopatches: fixes rolled out in watched waves (canary first), approvals, abort. */
  readonly autopatches: Autopatches = new Autopatches(this);
  /** The immutable record of each instance's autopatch attempt. */
  readonly autopatchAttempts: AutopatchAttempts = new AutopatchAttempts(this);
  /** Interop: connectors (platform ingest URLs), mappings, inbound events and their statistics. */
  readonly interop: Interop = new Interop(this);
  /** Event types: `GET/POST /v1/event_types`. */
  readonly eventTypes: EventTypes = new EventTypes(this);
  /** Events: publish, retrieve, list. */
  readonly events: Events = new Events(this);
  /** Webhook endpoints: CRUD, rotate_secret, enable, replay, test. */
  readonly webhookEndpoints: WebhookEndpoints = new WebhookEndpoints(this);
  /** Webhook messages (deliveries) with their attempts, and retry. */
  readonly webhookMessages: WebhookMessages = new WebhookMessages(this);
  /** Verifies webhook deliveries and parses their events (no HTTP call). */
  readonly webhooks: Webhooks = new Webhooks();

  constructor({ apiKey = readEnv("RELAIS_API_KEY"), baseUrl = readEnv("RELAIS_BASE_URL"), ...rest }: ClientOptions = {}) {
    super({ ...rest, apiKey: apiKey ?? "", baseUrl: baseUrl ?? DEFAULT_BASE_URL });
  }
}

/** Reads a variable where `process` exists; fetch-only runtimes have no environment. */
function readEnv(name: string): string | undefined {
  const value = typeof process === "undefined" ? undefined : process.env[name];
  return value === "" ? undefined : value;
}
