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

export async function connect(url: DatabaseUrl): Promise<Kysely<Database>> {
  if (url.engine === "sqlite") {
    const Sqlite = await load<typeof import("better-sqlite3")>("better-sqlite3", url.label);
    const database = new Sqlite(url.path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    if (url.path !== ":memory:") database.pragma("journal_mode = WAL"); // readers never wait for the writer; several processes share the file
    database.pragma("synchronous = FULL"); // a commit is on disk before the answer
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
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
