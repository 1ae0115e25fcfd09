import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import type { ListParams, PagePromise } from "../core/pagination.js";
import { APIResource } from "../core/resource.js";
import { path } from "../core/url.js";

/** Where an app runs. */
export type AppEnvironment = "development" | "staging" | "production";

/** An application: the unit that owns API keys, webhook endpoints and plugins. */
export interface App {
  /** `app_…` */
  id: string;
  object: "app";
  name: string;
  description: string | null;
  environment: AppEnvironment;
  metadata: Record<string, string>;
  livemode: boolean;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** Body of `POST /v1/apps`. */
export interface AppCreateParams {
  name: string;
  description?: string | null;
  environment?: AppEnvironment;
  /** Your own key/value pairs, returned as sent. */
  metadata?: Record<string, string>;
}

/** Body of `PATCH /v1/apps/:id`; only the fields sent change. */
export interface AppUpdateParams {
  name?: string;
  description?: string | null;
  environment?: AppEnvironment;
  /** Merged into the existing metadata; a `null` value removes that key. */
  metadata?: Record<string, string | null>;
}

/** Query of `GET /v1/apps`. */
export type AppListParams = ListParams;

/** What `DELETE /v1/apps/:id` returns. */
export interface DeletedApp {
  id: string;
  object: "app";
  deleted: true;
}

/** `client.apps`: create, read, update, list and delete apps. */
export class Apps extends APIResource {
  /** Creates an app (`POST /v1/apps`). */
  create(params: AppCreateParams, options?: RequestOptions): APIPromise<App> {
    return this.client.post("/v1/apps", { ...options, body: params });
  }

  /** Retrieves an app by id (`GET /v1/apps/:id`). */
  retrieve(id: string, options?: RequestOptions): APIPromise<App> {
    return this.client.get(path`/v1/apps/${id}`, options);
  }

  /** Updates an app (`PATCH /v1/apps/:id`). */
  update(id: string, params: AppUpdateParams, options?: RequestOptions): APIPromise<App> {
    return this.client.patch(path`/v1/apps/${id}`, { ...options, body: params });
  }

  /** Lists apps, newest first; `for await` walks every page. */
  list(params?: AppListParams, options?: RequestOptions): PagePromise<App> {
    return this.client.getList("/v1/apps", { ...options, query: params });
  }

  /** Deletes an app (`DELETE /v1/apps/:id`). */
  del(id: string, options?: RequestOptions): APIPromise<DeletedApp> {
    return this.client.delete(path`/v1/apps/${id}`, options);
  }
}
