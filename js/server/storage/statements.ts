/**
 * The statements a request runs, compiled by kysely once per shape and then
 * reused: building and compiling a query costs more than SQLite takes to
 * answer it, and a request's handful of statements repeat from request to
 * request (an `IN (...)` of another length is another shape).
 *
 * Each call names its shape and lists its parameters in the order kysely
 * binds them; the first compile of a shape checks that order against
 * kysely's own, so a wrong list fails at once instead of binding a value to
 * the wrong placeholder. SQLite runs the statement on the driver's handle,
 * synchronously (the request's transaction is open on that one connection);
 * MariaDB through kysely's connection, as any query.
 */
import { CompiledQuery, type Compilable } from "kysely";
import type { Engine } from "../migrations/index.js";
import type { Tx } from "./transaction.js";

type SqliteHandle = import("better-sqlite3").Database;
type Statement = import("better-sqlite3").Statement;

/** Where a request's statements run: its transaction, and for SQLite the handle that transaction is open on. */
export interface Conn {
  tx: Tx;
  engine: Engine;
  sqlite?: SqliteHandle;
}

/** Shapes whose `IN` lists are longer than this are compiled per call (they are rare: large pages). */
const MAX_CACHED_LIST = 64;

const compiled = new Map<string, string>();
const prepared = new WeakMap<SqliteHandle, Map<string, Statement>>();

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b));
}

/** The SQL of `build()` for this shape, and whether it is kept; throws when `params` is not the order kysely binds. */
function sqlOf(c: Conn, { shape, list = 0, params }: Shape, build: () => Compilable): { sqlText: string; kept: boolean } {
  const kept = list <= MAX_CACHED_LIST;
  const key = `${c.engine}:${shape}:${list}`;
  const known = kept ? compiled.get(key) : undefined;
  if (known !== undefined) return { sqlText: known, kept };
  const query = build().compile();
  if (query.parameters.length !== params.length || query.parameters.some((p, i) => !sameValue(p, params[i]))) {
    throw new Error(`statement ${shape}: the parameters listed are not the ones kysely binds, in its order`);
  }
  if (kept) compiled.set(key, query.sql);
  return { sqlText: query.sql, kept };
}

/** A prepared statement on the handle: the kept shapes' stay prepared. */
function statement(handle: SqliteHandle, { sqlText, kept }: { sqlText: string; kept: boolean }): Statement {
  if (!kept) return handle.prepare(sqlText);
  let cache = prepared.get(handle);
  if (!cache) prepared.set(handle, (cache = new Map()));
  let stmt = cache.get(sqlText);
  if (!stmt) cache.set(sqlText, (stmt = handle.prepare(sqlText)));
  return stmt;
}

export interface Shape {
  /** Names the statement and everything but `list` that changes its SQL (locking, say). */
  shape: string;
  /** The length of its `IN` lists (0 when none), part of its shape; long ones are not cached. */
  list?: number;
  params: readonly unknown[];
}

/** The rows of a SELECT. */
export async function selectRows<O>(c: Conn, shape: Shape, build: () => Compilable<O>): Promise<O[]> {
  const sql = sqlOf(c, shape, build);
  const params = shape.params as unknown[];
  if (c.sqlite) return statement(c.sqlite, sql).all(params) as O[];
  return (await c.tx.executeQuery<O>(CompiledQuery.raw(sql.sqlText, params))).rows as O[];
}

/** How many rows an INSERT, UPDATE or DELETE changed (matched, for an UPDATE on MariaDB). */
export async function changeRows(c: Conn, shape: Shape, build: () => Compilable): Promise<number> {
  const sql = sqlOf(c, shape, build);
  const params = shape.params as unknown[];
  if (c.sqlite) return statement(c.sqlite, sql).run(params).changes;
  return Number((await c.tx.executeQuery(CompiledQuery.raw(sql.sqlText, params))).numAffectedRows ?? 0n);
}
