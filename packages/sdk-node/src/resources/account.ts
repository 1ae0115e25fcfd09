import type { APIPromise } from "../core/api-promise.js";
import type { RequestOptions } from "../core/api-client.js";
import { APIResource } from "../core/resource.js";

/** The account (tenant) the credential belongs to. */
export interface Account {
  id: string;
  object: "account";
  name: string;
  /** The mode of the credential that asked: live keys see live data only. */
  livemode: boolean;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** `client.account`: the account behind the API key. */
export class AccountResource extends APIResource {
  /** Retrieves the caller's account (`GET /v1/account`). */
  retrieve(options?: RequestOptions): APIPromise<Account> {
    return this.client.get("/v1/account", options);
  }
}
