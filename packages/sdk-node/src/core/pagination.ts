import { APIPromise } from "./api-promise.js";
import { RelaisError } from "./errors.js";

/** A list response as the API sends it. */
export interface ListResponse<Item> {
  object: "list";
  data: Item[];
  has_more: boolean;
}

/** Cursor parameters every list endpoint accepts. */
export interface ListParams {
  /** Page size, 1–100. */
  limit?: number;
  /** Return items after this id (the last id of the previous page). */
  starting_after?: string;
}

/** Fetches the page that follows the item with this id. */
type FetchPageAfter<Item extends { id: string }> = (startingAfter: string) => PagePromise<Item>;

/**
 * One page of a list. Iterating it with `for await` walks this page and every later one,
 * fetching each next page only when the loop reaches it.
 */
export class Page<Item extends { id: string }> implements ListResponse<Item>, AsyncIterable<Item> {
  readonly object = "list";
  readonly data: Item[];
  readonly has_more: boolean;
  readonly #fetchPageAfter: FetchPageAfter<Item>;

  constructor(list: ListResponse<Item>, fetchPageAfter: FetchPageAfter<Item>) {
    this.data = list.data;
    this.has_more = list.has_more;
    this.#fetchPageAfter = fetchPageAfter;
  }

  /** Whether another page exists after this one. */
  hasNextPage(): boolean {
    return this.has_more && this.data.length > 0;
  }

  /** Fetches the next page (`starting_after` = this page's last id). */
  getNextPage(): PagePromise<Item> {
    const last = this.data.at(-1);
    if (!this.has_more || last === undefined) {
      throw new RelaisError("No next page: check hasNextPage() before calling getNextPage().");
    }
    return this.#fetchPageAfter(last.id);
  }

  /** Yields this page, then each following page as it is fetched. */
  async *iterPages(): AsyncGenerator<Page<Item>, void, undefined> {
    let page: Page<Item> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * What list methods return: `await` it for the first page, or `for await` it for every item
 * across pages.
 *
 * @example
 * for await (const app of client.apps.list({ limit: 100 })) console.log(app.id);
 */
export class PagePromise<Item extends { id: string }>
  extends APIPromise<Page<Item>>
  implements AsyncIterable<Item>
{
  async *[Symbol.asyncIterator](): AsyncGenerator<Item, void, undefined> {
    yield* await this;
  }
}
