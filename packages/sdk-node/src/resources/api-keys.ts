import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";

/** Usage limits attached to a key, by limit name (as the server defines them). */
export type ApiKeyQuota = Record<string, number>;

/** An API key as listed: the secret itself is never returned after creation. */
export interface ApiKey {
  /** `key_…` */
  id: string;
  object: "api_key";
  app_id: string;
  name: string | null;
  scopes: string[];
  livemode: boolean;
  /** ISO 8601 timestamp, or `null` for a key that does not expire. */
  expires_at: string | null;
  quota: ApiKeyQuota | null;
  /** ISO 8601 timestamp; set once the key is revoked. */
  revoked_at: string | null;
  created_at: string;
}

/** A key just created or rotated: the only time its secret (`rk_test_…`/`rk_live_…`) is shown. */
export interface ApiKeyWithSecret extends ApiKey {
  secret: string;
}

/** Body of `POST /v1/apps/:id/keys`. */
export interface ApiKeyCreateParams {
  name?: string;
  scopes?: string[];
  livemode?: boolean;
  /** ISO 8601 timestamp. */
  expires_at?: string;
  quota?: ApiKeyQuota;
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
  create(appId: string, params?: ApiKeyCreateParams, options?: RequestOptions): APIPromise<ApiKeyWithSecret> {
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
