import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";

/** What a key may do; `*` is everything, and `x:write` implies `x:read`. */
export type ApiKeyScope =
  | "*"
  | "account:read"
  | "apps:read"
  | "apps:write"
  | "keys:read"
  | "keys:write"
  | "webhooks:read"
  | "webhooks:write"
  | "events:read"
  | "events:write"
  | "audit:read"
  | "plugins:read"
  | "plugins:write"
  | "interop:read"
  | "interop:write"
  | "healing:read"
  | "healing:write";

/** Request quotas of one key; `null` means no limit beyond the server-wide one. */
export interface ApiKeyQuota {
  per_minute: number | null;
  per_day: number | null;
}

/** An API key as listed: the secret itself is never returned after creation. */
export interface ApiKey {
  /** `key_…` */
  id: string;
  object: "api_key";
  /** The app the key is limited to; `null` for an account-wide key. */
  app_id: string | null;
  name: string;
  /** The first characters of the secret, to recognise a key in support conversations. */
  prefix: string;
  scopes: ApiKeyScope[];
  status: "active" | "expired" | "revoked";
  livemode: boolean;
  /** ISO 8601 timestamp, or `null` for a key that does not expire. */
  expires_at: string | null;
  quota: ApiKeyQuota;
  /** ISO 8601 timestamp, updated at most once a minute. */
  last_used_at: string | null;
  /** ISO 8601 timestamp; set once the key is revoked. */
  revoked_at: string | null;
  created_at: string;
  /** After a rotation: when the previous secret stops working. */
  previous_secret_expires_at?: string;
}

/** A key just created or rotated: the only time its secret (`rk_test_…`/`rk_live_…`) is shown. */
export interface ApiKeyWithSecret extends ApiKey {
  secret: string;
}

/** Body of `POST /v1/apps/:id/keys`. */
export interface ApiKeyCreateParams {
  name: string;
  scopes: ApiKeyScope[];
  /** ISO 8601 timestamp; omit or `null` for a key that does not expire. */
  expires_at?: string | null;
  quota?: Partial<ApiKeyQuota>;
}

/** Body of `POST /v1/keys/:id/rotate`. */
export interface ApiKeyRotateParams {
  /** How long the old secret keeps working. */
  grace_period_seconds?: number;
}

/** Query of `GET /v1/apps/:id/keys`. */
export type ApiKeyListParams = ListParams;

/** `client.apiKeys`: create, list, rotate and revoke an app's API keys. */
export class ApiKeys extends APIResource {
  /** Creates a key for an app; store `secret` now, it is never shown again. */
  create(appId: string, params: ApiKeyCreateParams, options?: RequestOptions): APIPromise<ApiKeyWithSecret> {
    return this.client.post(path`/v1/apps/${appId}/keys`, { ...options, body: params ?? {} });
  }

  /** Lists an app's keys; `for await` walks every page. */
  list(appId: string, params?: ApiKeyListParams, options?: RequestOptions): PagePromise<ApiKey> {
    return this.client.getList(path`/v1/apps/${appId}/keys`, { ...options, query: params });
  }

  /** Issues a new secret; the old one stays valid for the grace period. */
  rotate(keyId: string, params?: ApiKeyRotateParams, options?: RequestOptions): APIPromise<ApiKeyWithSecret> {
    return this.client.post(path`/v1/keys/${keyId}/rotate`, { ...options, body: params ?? {} });
  }

  /** Revokes a key immediately. */
  revoke(keyId: string, options?: RequestOptions): APIPromise<ApiKey> {
    return this.client.post(path`/v1/keys/${keyId}/revoke`, options);
  }
}
