/**
 * The whole state in and out: `import` (bulk inserts in one transaction)
 * and `export` (every row, through the core, as the canonical state).
 * The core validates first: `import` takes only a state the core accepts,
 * and `export` only returns one (a row it rejects is named, as in requests).
 */
import { CompiledQuery, sql, type Insertable } from "kysely";
import { localApi, PermissionStore, StateError, type CanonicalState, type State } from "whmcs-permissions";
import { defineOwn } from "../own.js";
import type { Engine } from "../migrations/index.js";
import { now, token } from "./changes.js";
import { NotEmpty } from "./errors.js";
import { loadEverything } from "./plan.js";
import { clientRow, inviteRow, linkRow, ownerRow, userRow } from "./records.js";
import { STATE_TABLES, type Database } from "./schema.js";
import { buildSlice, Loaded, onSlice } from "./slice.js";
import type { Tx } from "./transaction.js";

/** The top-level keys that have tables; every other one goes to whmcsperm_state_fields. */
const RECORD_ARRAYS = new Set(["users", "clients", "user_clients", "invites"]);

/** Validates `raw` with the core and returns its canonical form; a bad state throws the core's `StateError`. */
export function canonical(raw: unknown): CanonicalState {
  return localApi("GetPermissionsList", {}, raw as State).state;
}

/** The same for a whole state being imported: the store validates and copies large states faster than a call. */
export function canonicalBulk(raw: unknown): CanonicalState {
  const store = PermissionStore.fromState(raw as State);
  try {
    return store.toState() as CanonicalState;
  } finally {
    store.free();
  }
}

export { StateError };

export interface ImportCounts {
  users: number;
  clients: number;
  user_clients: number;
  invites: number;
  state_fields: number;
}

/** Rows per INSERT: under SQLite's 32,766 bound parameters, and a few hundred KB per statement for MariaDB. */
const chunkRows = (engine: Engine, columns: number) => Math.max(1, Math.floor((engine === "sqlite" ? 32_000 : 20_000) / columns));

/**
 * Bulk INSERTs, the statements compiled by kysely. SQLite: one prepared
 * single-row statement run per row on the driver's handle (the import's
 * transaction is open on that one connection), which is the fastest way
 * into SQLite. MariaDB: multi-row statements, compiled once per chunk size
 * (compiling is most of kysely's cost on a million rows), each chunk the
 * same SQL with its own parameters.
 */
async function insertAll<T extends keyof Database>(tx: Tx, engine: Engine, table: T, rows: Insertable<Database[T]>[], sqlite?: SqliteHandle): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  if (sqlite) {
    const statement = sqlite.prepare(tx.insertInto(table).values(rows[0] as never).compile().sql);
    const values = new Array<unknown>(columns.length);
    for (const row of rows) {
      for (let c = 0; c < columns.length; c++) values[c] = (row as Record<string, unknown>)[columns[c]!];
      statement.run(values);
    }
    return;
  }
  const size = chunkRows(engine, columns.length);
  let compiled: CompiledQuery | undefined;
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    if (!compiled || chunk.length !== size) compiled = tx.insertInto(table).values(chunk as never).compile();
    const parameters: unknown[] = [];
    for (const row of chunk) for (const column of columns) parameters.push((row as Record<string, unknown>)[column]);
    await tx.executeQuery(CompiledQuery.raw(compiled.sql, parameters));
  }
}

/**
 * SQLite: inserting a million rows into indexed tables costs 5x what
 * building the indexes afterwards does, so an import drops the state tables'
 * secondary indexes and creates them again from their own recorded DDL
 * (`sqlite_master.sql`), inside the import's transaction. MariaDB keeps its
 * indexes (InnoDB buffers secondary index changes itself).
 */
async function withoutIndexes<T>(tx: Tx, engine: Engine, load: () => Promise<T>): Promise<T> {
  if (engine !== "sqlite") return load();
  const indexes = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master
    where type = 'index' and sql is not null and tbl_name in (${sql.join([...STATE_TABLES])})`.execute(tx);
  for (const index of indexes.rows) await sql`drop index ${sql.ref(index.name)}`.execute(tx);
  const result = await load();
  for (const index of indexes.rows) await sql.raw(index.sql).execute(tx);
  return result;
}

export async function countRows(tx: Tx): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of STATE_TABLES) {
    const row = await tx.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirst();
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

/**
 * Writes a canonical state into empty tables (inside the caller's write
 * transaction). Refuses tables that hold rows unless `replace`, which
 * empties them first. Rows get explicit ids so `user_clients` and `invites`
 * keep their order.
 */
type SqliteHandle = import("better-sqlite3").Database;

export async function importInto(tx: Tx, engine: Engine, state: CanonicalState, replace: boolean, sqlite?: SqliteHandle): Promise<ImportCounts> {
  const counts = await countRows(tx);
  if (Object.values(counts).some((n) => n > 0)) {
    if (!replace) throw new NotEmpty(counts);
    for (const table of STATE_TABLES) await tx.deleteFrom(table).execute();
  }
  return withoutIndexes(tx, engine, () => insertState(tx, engine, state, sqlite));
}

async function insertState(tx: Tx, engine: Engine, state: CanonicalState, sqlite: SqliteHandle | undefined): Promise<ImportCounts> {
  await insertAll(tx, engine, "tblusers", state.users.map((u, i) => userRow(u, i + 1)), sqlite);
  await insertAll(tx, engine, "tblclients", state.clients.map((c, i) => clientRow(c, i + 1)), sqlite);
  const links = state.user_clients.map((l, i) => ({ id: i + 1, ...linkRow(l) }));
  const owners = state.clients.map((c, i) => ({ id: links.length + i + 1, ...ownerRow(c) }));
  await insertAll(tx, engine, "tblusers_clients", links, sqlite);
  await insertAll(tx, engine, "tblusers_clients", owners, sqlite);
  const createdAt = now();
  await insertAll(tx, engine, "tbluser_invites", state.invites.map((inv, i) => ({ id: i + 1, ...inviteRow(inv, token(), createdAt) })), sqlite);
  const fields = Object.keys(state)
    .filter((name) => !RECORD_ARRAYS.has(name))
    .map((name, i) => ({ seq: i + 1, name, value: JSON.stringify(state[name]) }));
  await insertAll(tx, engine, "whmcsperm_state_fields", fields, sqlite);
  return {
    users: state.users.length,
    clients: state.clients.length,
    user_clients: links.length,
    invites: state.invites.length,
    state_fields: fields.length,
  };
}

/** Every row as the canonical state (inside the caller's transaction, so it is one snapshot). */
export async function exportFrom(tx: Tx): Promise<CanonicalState> {
  const loaded = new Loaded();
  await loadEverything({ tx, into: loaded, lock: false });
  const slice = buildSlice(loaded);
  const fields = await tx.selectFrom("whmcsperm_state_fields").selectAll().orderBy("seq").execute();
  for (const field of fields) defineOwn(slice.state, field.name, JSON.parse(field.value));
  return onSlice(slice, canonical);
}
