/** One row as the database returns it: column name → parsed value. */
export type Row = Record<string, unknown>;

/** The result of one statement. */
export interface QueryResult<R extends Row = Row> {
  rows: R[];
  /** Rows inserted, updated, deleted or returned. */
  rowCount: number;
}

/** Something that runs SQL: the database itself, or one open transaction. */
export interface Queryable {
  /** Runs one statement with `$1`-style parameters. */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** Called with each NOTIFY payload on a channel. */
export type NotificationListener = (payload: string) => void;

/**
 * The one interface the server uses over PostgreSQL (`pg` Pool) and embedded PGlite, so every
 * store speaks one SQL dialect and runs against either.
 */
export interface Database extends Queryable {
  /** `postgres` for a server reached over the network, `pglite` for the embedded engine. */
  readonly dialect: "postgres" | "pglite";
  /**
   * Runs `work` in a transaction: COMMIT when it resolves, ROLLBACK when it throws. Inside, use
   * only `tx`; on PGlite the database is a single session, so calling the outer database from
   * inside a transaction waits for the transaction to end.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` while holding a session-level advisory lock, released afterwards even on error. */
  withAdvisoryLock<T>(key: number, work: () => Promise<T>): Promise<T>;
  /** Subscribes to `LISTEN channel`; resolves to a function that unsubscribes. */
  listen(channel: string, onNotification: NotificationListener): Promise<() => Promise<void>>;
  /** Ends every connection; pending work is finished first where the driver allows it. */
  close(): Promise<void>;
  /** Connection pool counts, for metrics; absent where there is no pool (PGlite). */
  poolStats?(): { total: number; idle: number; waiting: number };
}

/** The database could not be opened or reached; the message is safe to print. */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
}

/** Quotes an identifier (channel, database or schema name) for use in SQL text. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Whether `error` is PostgreSQL's unique violation (SQLSTATE 23505), from `pg` or PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "23505";
}

/** Whether `error` is one of PostgreSQL's data exceptions (SQLSTATE class 22), e.g. JSON it cannot store. */
export function isDataException(error: unknown): error is Error {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" && error.code.startsWith("22");
}
