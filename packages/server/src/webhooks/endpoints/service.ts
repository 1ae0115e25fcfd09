import { type ChangeContext, recordChange } from "../../audit/change.js";
import type { WebhookConfig } from "../../config.js";
import type { Database } from "../../db/database.js";
import type { AuthContext } from "../../http/auth/context.js";
import type { PageRequest } from "../../http/pagination.js";
import { ApiError, notFound } from "../../http/problem.js";
import { newId } from "../../ids.js";
import { MESSAGES_CHANNEL, webhookScope } from "../scope.js";
import { checkEndpointHeaders, checkEndpointUrl, checkRetrySchedule } from "./rules.js";
import { generateSigningSecret, sealSigningSecret } from "./secret.js";
import {
  type EndpointFields,
  type EndpointRow,
  countEndpoints,
  findEndpoint,
  insertEndpoint,
  listEndpoints,
  markEndpointDeleted,
  replaceSecret,
  updateEndpoint,
} from "./store.js";

/** A partial update of an endpoint; absent fields keep their value. */
export type EndpointPatch = Partial<EndpointFields>;

/** An endpoint with its plaintext secret: only a create or a rotation returns one. */
export type EndpointWithSecret = EndpointRow & { secret: string };

/** The rules for webhook endpoints: validation, the quota, secrets, and the audit trail. */
export class EndpointService {
  constructor(
    private readonly db: Database,
    private readonly secretKey: Uint8Array,
    private readonly config: Pick<WebhookConfig, "allowPrivate" | "endpointQuota">,
  ) {}

  private check(fields: EndpointFields): EndpointFields {
    return {
      ...fields,
      url: checkEndpointUrl(fields.url, this.config.allowPrivate),
      headers: checkEndpointHeaders(fields.headers),
      retry_schedule: checkRetrySchedule(fields.retry_schedule),
    };
  }

  async create(context: ChangeContext, input: EndpointFields): Promise<EndpointWithSecret> {
    const scope = webhookScope(context.auth);
    const fields = this.check(input);
    const id = newId("we");
    const secret = generateSigningSecret();
    const created = await this.db.transaction(async (tx) => {
      // Serialises creations per account, so concurrent requests cannot overshoot the quota.
      await tx.query("select pg_advisory_xact_lock(hashtext($1))", [`webhook_endpoints:${scope.accountId}`]);
      if ((await countEndpoints(tx, scope)) >= this.config.endpointQuota) {
        throw new ApiError(409, "endpoint_quota_exceeded", "Endpoint quota exceeded", `At most ${this.config.endpointQuota} webhook endpoints per app or account`);
      }
      const endpoint = await insertEndpoint(tx, {
        id,
        account_id: scope.accountId,
        livemode: scope.livemode,
        app_id: scope.appId,
        secret_sealed: sealSigningSecret(this.secretKey, secret, id),
        ...fields,
      });
      await recordChange(tx, context, { action: "webhook_endpoint.created", targetId: id, before: null, after: endpoint });
      return endpoint;
    });
    return { ...created, secret };
  }

  async get(auth: AuthContext, id: string): Promise<EndpointRow> {
    const endpoint = await findEndpoint(this.db, webhookScope(auth), id);
    if (!endpoint) throw notFound("webhook endpoint", id);
    return endpoint;
  }

  list(auth: AuthContext, page: PageRequest): Promise<EndpointRow[]> {
    return listEndpoints(this.db, webhookScope(auth), page);
  }

  async update(context: ChangeContext, id: string, patch: EndpointPatch): Promise<EndpointRow> {
    return this.change(context, id, "webhook_endpoint.updated", (before) => ({
      url: patch.url ?? before.url,
      description: patch.description === undefined ? before.description : patch.description,
      event_types: patch.event_types ?? before.event_types,
      headers: patch.headers ?? before.headers,
      rate_limit: patch.rate_limit === undefined ? before.rate_limit : patch.rate_limit,
      max_concurrency: patch.max_concurrency ?? before.max_concurrency,
      retry_schedule: patch.retry_schedule === undefined ? before.retry_schedule : patch.retry_schedule,
      enabled: patch.enabled ?? before.enabled,
    }));
  }

  /** Re-enables an endpoint; messages that waited while it was disabled are delivered. */
  enable(context: ChangeContext, id: string): Promise<EndpointRow> {
    return this.change(context, id, "webhook_endpoint.enabled", (before) => ({ ...before, enabled: true }));
  }

  private async change(
    context: ChangeContext,
    id: string,
    action: string,
    next: (before: EndpointRow) => EndpointFields,
  ): Promise<EndpointRow> {
    const scope = webhookScope(context.auth);
    const current = await findEndpoint(this.db, scope, id);
    if (!current) throw notFound("webhook endpoint", id);
    const fields = this.check(next(current));
    return this.db.transaction(async (tx) => {
      const before = await findEndpoint(tx, scope, id, true);
      if (!before) throw notFound("webhook endpoint", id);
      const after = await updateEndpoint(tx, id, fields);
      await recordChange(tx, context, { action, targetId: id, before, after });
      if (after.enabled && !before.enabled) await tx.query("select pg_notify($1, '')", [MESSAGES_CHANNEL]);
      return after;
    });
  }

  async delete(context: ChangeContext, id: string): Promise<void> {
    const scope = webhookScope(context.auth);
    await this.db.transaction(async (tx) => {
      const before = await findEndpoint(tx, scope, id, true);
      if (!before) throw notFound("webhook endpoint", id);
      await markEndpointDeleted(tx, id);
      await recordChange(tx, context, { action: "webhook_endpoint.deleted", targetId: id, before, after: null });
    });
  }

  /** A new secret; the previous one keeps signing (a second signature) for `gracePeriodSeconds`. */
  async rotateSecret(context: ChangeContext, id: string, gracePeriodSeconds: number): Promise<EndpointWithSecret> {
    const scope = webhookScope(context.auth);
    const secret = generateSigningSecret();
    const rotated = await this.db.transaction(async (tx) => {
      const before = await findEndpoint(tx, scope, id, true);
      if (!before) throw notFound("webhook endpoint", id);
      const after = await replaceSecret(tx, id, {
        current: sealSigningSecret(this.secretKey, secret, id),
        previous: before.secret_sealed,
        previousExpiresAt: new Date(Date.now() + gracePeriodSeconds * 1000),
      });
      await recordChange(tx, context, {
        action: "webhook_endpoint.secret_rotated",
        targetId: id,
        before: null,
        after: { previous_secret_expires_at: after.previous_secret_expires_at },
      });
      return after;
    });
    return { ...rotated, secret };
  }
}
