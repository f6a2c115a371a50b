/**
 * The native drivers, loaded only when their engine is chosen: they are
 * optional peer dependencies of the package (the CLI bundles kysely, not
 * them), so a missing one is a clear message, not a crash at start.
 */
import { Kysely, MysqlDialect, SqliteDialect } from "kysely";
import { DriverMissing } from "./errors.js";
import type { Database } from "./schema.js";
import type { DatabaseUrl } from "./url.js";

/** How long a SQLite writer waits for another process's write lock before the request answers 503. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

async function load<T>(name: string, url: string): Promise<T> {
  try {
    const mod = (await import(name)) as { default?: T };
    return (mod.default ?? mod) as T;
  } catch (error) {
    throw new DriverMissing(name, url, error);
  }
}

/** The better-sqlite3 handle behind a kysely instance (bulk import runs prepared statements on it directly). */
export const sqliteHandles = new WeakMap<Kysely<Database>, import("better-sqlite3").Database>();

/**
 * Kysely prepares every query anew; a request's handful of statements repeat
 * from request to request, so keep the last few hundred prepared (better-sqlite3
 * statements are reusable; an `IN (...)` of another length is another entry).
 */
function withStatementCache(database: import("better-sqlite3").Database, size = 256) {
  const cache = new Map<string, import("better-sqlite3").Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (statement) cache.delete(sqlText); // re-inserted below: most recently used last
      else statement = database.prepare(sqlText);
      cache.set(sqlText, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

export async function connect(url: DatabaseUrl): Promise<Kysely<Database>> {
  if (url.engine === "sqlite") {
    const Sqlite = await load<typeof import("better-sqlite3")>("better-sqlite3", url.label);
    const database = new Sqlite(url.path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    if (url.path !== ":memory:") database.pragma("journal_mode = WAL"); // readers never wait for the writer; several processes share the file
    database.pragma("synchronous = FULL"); // a commit is on disk before the answer
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
    sqliteHandles.set(db, database);
    return db;
  }
  const mysql = await load<typeof import("mysql2")>("mysql2", url.label);
  const pool = mysql.createPool({
    host: url.host,
    port: url.port,
    user: url.user,
    password: url.password,
    database: url.database,
    charset: "utf8mb4",
    connectionLimit: 10,
    connectTimeout: 5000,
    enableKeepAlive: true,
    // ids beyond 2^53-1 come back as strings, which the core then names as a fault (never a silently rounded number)
    supportBigNumbers: true,
    bigNumberStrings: false,
    dateStrings: true,
  });
  return new Kysely<Database>({ dialect: new MysqlDialect({ pool }) });
}
