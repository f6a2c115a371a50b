/** What can go wrong in the storage, each with what the server answers. */
import type { StateError } from "whmcs-permissions";
import { describeRow, type RowRef } from "./slice.js";

/** The database does not answer (down, unreachable, busy past the timeout): HTTP 503. */
export class DatabaseUnavailable extends Error {
  constructor(readonly cause: unknown) {
    super(`the database does not answer (${describeCause(cause)})`);
    this.name = "DatabaseUnavailable";
  }
}

/** A row the core rejects: HTTP 500 naming the table, the row and the core's path; nothing was written. */
export class RowRejected extends Error {
  constructor(
    readonly row: RowRef | undefined,
    readonly stateError: StateError,
  ) {
    super(`the database holds a row the core rejects: ${row ? describeRow(row) : "(row unknown)"}: ${stateError.message}`);
    this.name = "RowRejected";
  }
}

/** `import` into a database that already holds a state, without `--replace`. */
export class NotEmpty extends Error {
  constructor(readonly counts: Record<string, number>) {
    const held = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([table, n]) => `${table}: ${n} rows`)
      .join(", ");
    super(`the database is not empty (${held}); pass --replace to replace its state`);
    this.name = "NotEmpty";
  }
}

/** A driver the chosen engine needs is not installed (they are optional peer dependencies). */
export class DriverMissing extends Error {
  constructor(driver: string, url: string, cause: unknown) {
    super(`${url} needs the ${driver} package, which is not installed: npm install ${driver}@${driver === "mysql2" ? "^3" : "^12"} (${describeCause(cause)})`);
    this.name = "DriverMissing";
  }
}

export function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code) ? `${code}: ${error.message}` : error.message || String(code ?? error.name);
  }
  return String(error);
}

/** MariaDB and connection-level codes that mean "the database is not there right now". */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE",
  "PROTOCOL_CONNECTION_LOST", "PROTOCOL_SEQUENCE_TIMEOUT", "ER_CON_COUNT_ERROR", "ER_SERVER_SHUTDOWN",
  "ER_ACCESS_DENIED_ERROR", "ER_BAD_DB_ERROR", "POOL_CLOSED", "ER_CONNECTION_KILLED",
  // SQLite: locked past busy_timeout, or the file/disk failing
  "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_READONLY",
]);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as { code?: unknown; fatal?: unknown; errno?: unknown };
  if (e.fatal === true) return true; // mysql2: the connection itself failed
  const code = typeof e.code === "string" ? e.code : "";
  return UNAVAILABLE_CODES.has(code) || code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_IOERR") || code.startsWith("SQLITE_CANTOPEN") || e.errno === 1053 || /connect ETIMEDOUT|Connection lost|Pool is closed/i.test(error.message);
}

/**
 * MariaDB conflicts after which the whole request is run again on fresh
 * rows: deadlock (1213), lock wait timeout (1205), and a duplicate key
 * (1062: AddUser's new id or seq, taken by a concurrent AddUser).
 */
export function isConflict(error: unknown): boolean {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return errno === 1213 || errno === 1205 || errno === 1062;
}
