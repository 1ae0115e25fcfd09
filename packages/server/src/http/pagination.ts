import { ApiError } from "./problem.js";
import { z } from "./zod.js";

/** The query parameters every list route accepts; spread into the route's query schema. */
export const paginationQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .openapi({ description: "How many items to return (1 to 100)." }),
  starting_after: z.string().max(64).optional().openapi({ description: "Cursor: return items older than this id." }),
  ending_before: z.string().max(64).optional().openapi({ description: "Cursor: return items newer than this id." }),
};

/** A page to fetch: ids are time-sortable, so an id is also a position. */
export interface PageRequest {
  limit: number;
  /** `older`: newest first after the cursor; `newer`: the items just before it, fetched oldest first. */
  direction: "older" | "newer";
  cursor: string | null;
}

/** The list envelope of every list response. */
export interface ListResponse<T> {
  object: "list";
  data: T[];
  has_more: boolean;
}

/** Reads the pagination parameters of a parsed query. */
export function pageRequest(query: { limit: number; starting_after?: string | undefined; ending_before?: string | undefined }): PageRequest {
  if (query.ending_before !== undefined && query.starting_after !== undefined) {
    throw new ApiError(400, "invalid_request", "Invalid request", "Use starting_after or ending_before, not both", [
      { path: "query.ending_before", code: "conflicting_cursor", message: "cannot be combined with starting_after" },
    ]);
  }
  if (query.ending_before !== undefined) return { limit: query.limit, direction: "newer", cursor: query.ending_before };
  return { limit: query.limit, direction: "older", cursor: query.starting_after ?? null };
}

/**
 * The SQL tail that selects one page by `column` (a `collate "C"` id), using parameters
 * `$cursorParam` and `$cursorParam+1`. Stores append it after their own `where` conditions.
 *
 * @example
 * const page = pageSql(request, "id", 3);
 * await db.query(`select … where account_id = $1 and livemode = $2 ${page.sql}`, [account, mode, ...page.params]);
 */
export function pageSql(page: PageRequest, column: string, cursorParam: number): { sql: string; params: unknown[] } {
  const comparison = page.direction === "older" ? "<" : ">";
  const order = page.direction === "older" ? "desc" : "asc";
  return {
    sql: `and ($${cursorParam}::text is null or ${column} ${comparison} $${cursorParam}::text) order by ${column} ${order} limit $${cursorParam + 1}`,
    params: [page.cursor, page.limit + 1],
  };
}

/** Wraps rows fetched with {@link pageSql} (one extra row signals `has_more`) as a list, newest first. */
export function toListResponse<R, T>(rows: R[], page: PageRequest, present: (row: R) => T): ListResponse<T> {
  const hasMore = rows.length > page.limit;
  const kept = rows.slice(0, page.limit);
  if (page.direction === "newer") kept.reverse();
  return { object: "list", data: kept.map(present), has_more: hasMore };
}
