import { insertAuditEntry } from "../audit/store.js";
import { type ChangeContext, recordChange } from "../audit/change.js";
import { findApp } from "../apps/store.js";
import { decryptSecret, encryptSecret } from "../crypto/secret-box.js";
import type { Database, Queryable } from "../db/database.js";
import type { RequestMeta } from "../http/api-router.js";
import type { AuthContext } from "../http/auth/context.js";
import { claimIdempotencyKey, completeIdempotencyKey, type IdempotencyScope, releaseIdempotencyKey } from "../http/idempotency-store.js";
import { idempotencyRequestHash } from "../http/idempotency.js";
import type { PageRequest } from "../http/pagination.js";
import { ApiError, notFound } from "../http/problem.js";
import { newId } from "../ids.js";
import { insertInstance, type InstanceRow, reenrolInstance } from "./instance-store.js";
import { type AgentCredentialHasher, generateAgentSecret, generateEnrolmentToken, TOKEN_PREFIX_CHARS } from "./secrets.js";
import type { CommandSigner } from "./signing.js";
import {
  type EnrolmentTokenRow,
  findEnrolmentToken,
  findEnrolmentTokenByHash,
  insertEnrolmentToken,
  listEnrolmentTokens,
  revokeEnrolmentToken,
  spendEnrolmentToken,
} from "./token-store.js";
import type { EnrolRequest } from "./wire.js";

/** Tokens without an explicit `expires_at` live this long. */
export const DEFAULT_TOKEN_LIFETIME_MS = 7 * 24 * 3_600_000;
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** What the enrolment endpoint answers: the body, and whether it replays a stored one. */
export interface EnrolResult {
  body: { instance_uid: string; agent_secret: string; command_signing_key: unknown };
  replayed: boolean;
}

function invalidToken(): ApiError {
  return new ApiError(401, "invalid_enrolment_token", "Invalid enrolment token", "The enrolment token is unknown, expired, revoked or used up");
}

function tokenUsable(token: EnrolmentTokenRow, now: Date): boolean {
  if (token.revoked_at !== null) return false;
  if (token.expires_at !== null && token.expires_at <= now) return false;
  return token.max_uses === null || token.uses < token.max_uses;
}

/** Enrolment tokens (operator side) and the exchange of a token for agent credentials. */
export class EnrolmentService {
  constructor(
    private readonly db: Database,
    private readonly hasher: AgentCredentialHasher,
    private readonly signer: CommandSigner,
    private readonly secretEncryption: Uint8Array,
    private readonly heartbeatIntervalS: number,
  ) {}

  /** Creates a token for an app; the token itself is returned once and stored only as a hash. */
  async createToken(
    context: ChangeContext,
    appId: string,
    input: { expiresAt: Date | undefined; maxUses: number | null },
  ): Promise<{ row: EnrolmentTokenRow; token: string }> {
    const { auth } = context;
    const token = generateEnrolmentToken();
    const expiresAt = input.expiresAt ?? new Date(Date.now() + DEFAULT_TOKEN_LIFETIME_MS);
    if (expiresAt.getTime() <= Date.now()) {
      throw new ApiError(400, "invalid_request", "Invalid request", "expires_at must be in the future", [
        { path: "body.expires_at", code: "too_small", message: "must be in the future" },
      ]);
    }
    return this.db.transaction(async (tx) => {
      const app = await findApp(tx, { accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId }, appId);
      if (!app) throw notFound("app", appId);
      const row = await insertEnrolmentToken(tx, {
        id: newId("enr"),
        account_id: auth.accountId,
        livemode: auth.livemode,
        app_id: app.id,
        token_hash: this.hasher.hash(token),
        prefix: token.slice(0, TOKEN_PREFIX_CHARS),
        expires_at: expiresAt,
        max_uses: input.maxUses,
      });
      await recordChange(tx, context, { action: "agent_enrolment_token.created", targetId: row.id, before: null, after: row });
      return { row, token };
    });
  }

  async listTokens(auth: AuthContext, appId: string, page: PageRequest): Promise<EnrolmentTokenRow[]> {
    const app = await findApp(this.db, { accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId }, appId);
    if (!app) throw notFound("app", appId);
    return listEnrolmentTokens(this.db, auth, app.id, page);
  }

  async revokeToken(context: ChangeContext, id: string): Promise<EnrolmentTokenRow> {
    return this.db.transaction(async (tx) => {
      const before = await findEnrolmentToken(tx, context.auth, id, true);
      if (!before) throw notFound("agent enrolment token", id);
      const after = await revokeEnrolmentToken(tx, id);
      if (before.revoked_at === null) {
        await recordChange(tx, context, { action: "agent_enrolment_token.revoked", targetId: id, before, after });
      }
      return after;
    });
  }

  /**
   * Exchanges a token for credentials (section 3). With an `Idempotency-Key`, a replay returns
   * the stored response without spending another use; the stored response holds the agent
   * secret, so it is sealed with the master key rather than kept in clear.
   */
  async enrol(input: EnrolRequest, idempotencyKey: string | undefined, request: RequestMeta): Promise<EnrolResult> {
    const tokenHash = this.hasher.hash(input.token);
    const token = await findEnrolmentTokenByHash(this.db, tokenHash);
    if (!token) throw invalidToken();
    if (idempotencyKey === undefined) return { body: await this.enrolOnce(tokenHash, input, request, undefined), replayed: false };

    if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw new ApiError(400, "invalid_request", "Invalid request", "The Idempotency-Key header is invalid", [
        { path: "header.idempotency-key", code: "invalid_format", message: "must be 1 to 255 printable ASCII characters" },
      ]);
    }
    const scope: IdempotencyScope = { accountId: token.account_id, livemode: token.livemode, key: `agent_enrol:${token.id}:${idempotencyKey}` };
    const claim = await claimIdempotencyKey(this.db, scope, idempotencyRequestHash("POST", "/v1/agent/enrol", input));
    if (claim.state === "in_use") {
      throw new ApiError(409, "idempotency_key_in_use", "Idempotency key in use", "A request with this Idempotency-Key is still in progress; retry shortly");
    }
    if (claim.state === "mismatch") {
      throw new ApiError(409, "idempotency_key_mismatch", "Idempotency key mismatch", "This Idempotency-Key was used with a different request");
    }
    if (claim.state === "replay") {
      return { body: JSON.parse(decryptSecret(this.secretEncryption, claim.body, scope.key)) as EnrolResult["body"], replayed: true };
    }
    try {
      return { body: await this.enrolOnce(tokenHash, input, request, scope), replayed: false };
    } catch (error) {
      await releaseIdempotencyKey(this.db, scope).catch(() => {});
      throw error;
    }
  }

  private enrolOnce(tokenHash: string, input: EnrolRequest, request: RequestMeta, idempotency: IdempotencyScope | undefined): Promise<EnrolResult["body"]> {
    return this.db.transaction(async (tx) => {
      const token = await findEnrolmentTokenByHash(tx, tokenHash, true);
      if (!token || !tokenUsable(token, new Date())) throw invalidToken();
      const app = await findApp(tx, { accountId: token.account_id, livemode: token.livemode, appId: null }, token.app_id);
      if (!app) throw invalidToken();

      const secret = generateAgentSecret();
      const change = { secret_hash: this.hasher.hash(secret), enrolment_token_id: token.id, plugin: input.plugin };
      // A requested instance is kept only when it belongs to the token's app (section 3).
      const kept = input.instance_uid ? await reenrolInstance(tx, token.app_id, input.instance_uid, change) : undefined;
      const instance =
        kept ??
        (await insertInstance(tx, {
          id: newId("plg"),
          account_id: token.account_id,
          livemode: token.livemode,
          app_id: token.app_id,
          heartbeat_interval_s: this.heartbeatIntervalS,
          ...change,
        }));
      await spendEnrolmentToken(tx, token.id);
      const body = { instance_uid: instance.id, agent_secret: secret, command_signing_key: await this.signer.publicKey(tx, token.account_id) };
      await auditEnrolment(tx, token, instance, kept !== undefined, request);
      if (idempotency) {
        const sealed = encryptSecret(this.secretEncryption, JSON.stringify(body), idempotency.key);
        await completeIdempotencyKey(tx, idempotency, { status: 201, contentType: "application/json; charset=utf-8", body: sealed });
      }
      return body;
    });
  }
}

function auditEnrolment(tx: Queryable, token: EnrolmentTokenRow, instance: InstanceRow, reenrolled: boolean, request: RequestMeta): Promise<void> {
  return insertAuditEntry(tx, {
    accountId: token.account_id,
    livemode: token.livemode,
    actor: { type: "agent_enrolment_token", id: token.id },
    action: reenrolled ? "plugin.reenrolled" : "plugin.enrolled",
    targetId: instance.id,
    before: null,
    after: { id: instance.id, app_id: instance.app_id, plugin_name: instance.plugin_name, plugin_version: instance.plugin_version, platform: instance.platform },
    requestId: request.requestId,
    ip: request.ip,
  });
}
