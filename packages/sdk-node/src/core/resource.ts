import type { APIClient } from "./api-client.js";

/** Base of every resource class: resources describe endpoints and delegate to the client. */
export abstract class APIResource {
  protected readonly client: APIClient;

  constructor(client: APIClient) {
    this.client = client;
  }
}
