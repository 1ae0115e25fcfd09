/** Status and headers of the HTTP response behind a result. */
export interface RawResponse {
  status: number;
  headers: Headers;
}

/** What `.withResponse()` resolves to: the parsed body plus the response it came from. */
export interface WithResponse<T> {
  data: T;
  response: RawResponse;
  /** The `Request-Id` header; quote it when contacting support. */
  requestId: string | null;
}

/** The internal outcome of a successful request: the parsed body, its response and raw text. */
export interface APIResult<T> extends WithResponse<T> {
  body: string;
}

/** Statuses for which `new Response()` refuses a body. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);

/**
 * The promise every API call returns. Awaiting it gives the parsed body; `.withResponse()` also
 * gives the status, headers and request id; `.asResponse()` gives a Web `Response`.
 *
 * @example
 * const { data: app, requestId } = await client.apps.retrieve("app_123").withResponse();
 */
export class APIPromise<T> extends Promise<T> {
  readonly #result: Promise<APIResult<T>>;

  constructor(result: Promise<APIResult<T>>) {
    // The base promise is a placeholder: then/catch/finally below read from `result`, so an
    // error is reported once, through whichever of them the caller uses.
    super((resolve) => resolve(undefined as T));
    this.#result = result;
  }

  // Derived promises (`.then()` results) are plain Promises, not APIPromises.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** Resolves to `{ data, response: { status, headers }, requestId }`. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#result.then(({ data, response, requestId }) => ({ data, response, requestId }));
  }

  /** Resolves to a Web `Response` holding the unparsed body (errors still reject). */
  asResponse(): Promise<Response> {
    return this.#result.then(
      ({ response, body }) =>
        new Response(NULL_BODY_STATUSES.has(response.status) ? null : body, {
          status: response.status,
          headers: response.headers,
        }),
    );
  }

  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#result.then((result) => result.data).then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onfinally);
  }
}
