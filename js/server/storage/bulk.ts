/**
 * The whole state in and out: `import` (bulk inserts in one transaction)
 * and `export` (every row, through the core, as the canonical state).
 * The core validates first: `import` takes only a state the core accepts,
 * and `export` only returns one (a row it rejects is named, as in requests).
 */
import { CompiledQuery, sql, type Insertable, type Kysely } from "kysely";
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

/** Rows per INSERT: under SQLite's 32,766 bound parameters, and about a megabyte per statement for MariaDB (max_allowed_packet is 16 MiB by default). */
const chunkRows = (engine: Engine, columns: number) => Math.max(1, Math.floor((engine === "sqlite" ? 32_000 : 60_000) / columns));

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

/**
 * MariaDB, a large state: InnoDB fills a table several times faster without
 * its secondary indexes and then builds each one in a sorted pass, but its
 * DDL commits by itself, so indexes cannot be dropped inside the import's
 * transaction. Instead the rows go into staging copies of the tables
 * (`CREATE TABLE ... LIKE`, secondary indexes dropped while empty), the
 * indexes are added back in one `ALTER TABLE` per table, and one
 * `RENAME TABLE` (atomic: all tables or none) swaps the copies in; the old
 * tables are dropped after. Until the swap the real tables are untouched,
 * so a failure at any point leaves the database as it was (the copies are
 * dropped). A named lock keeps two imports apart; the emptiness check
 * (without `replace`) is made again right before the swap.
 */
export const STAGED_FROM = 20_000;
/** How many rows a state puts in the tables (what decides between the two MariaDB imports). */
export const rowCount = (state: CanonicalState) => state.users.length + state.clients.length * 2 + state.user_clients.length + state.invites.length;
const STAGE = "__import";
const OLD = "__replaced";
const IMPORT_LOCK = "whmcsperm_import";

export async function importStaged(db: Kysely<Database>, state: CanonicalState, replace: boolean): Promise<ImportCounts> {
  return db.connection().execute(async (conn) => {
    const got = await sql<{ locked: number | null }>`select get_lock(${IMPORT_LOCK}, 60) as locked`.execute(conn);
    if (Number(got.rows[0]?.locked) !== 1) throw new Error("another import has held the import lock for 60 s");
    const tables = [...STATE_TABLES];
    const staged = (t: string) => `${t}${STAGE}`;
    const dropStaged = async () => {
      for (const t of tables) await sql`drop table if exists ${sql.table(staged(t))}, ${sql.table(`${t}${OLD}`)}`.execute(conn);
    };
    const refuseUnlessEmpty = async () => {
      if (replace) return;
      const counts = await countRows(conn);
      if (Object.values(counts).some((n) => n > 0)) throw new NotEmpty(counts);
    };
    try {
      await refuseUnlessEmpty();
      await dropStaged();
      const indexes = new Map<string, string[]>();
      for (const t of tables) {
        await sql`create table ${sql.table(staged(t))} like ${sql.table(t)}`.execute(conn);
        const defs = await secondaryIndexes(conn, t);
        indexes.set(t, defs.map((d) => d.add));
        if (defs.length) await sql.raw(`alter table \`${staged(t)}\` ${defs.map((d) => `drop index \`${d.name}\``).join(", ")}`).execute(conn);
      }
      // Each table on a connection of its own, at once: the server fills (and indexes) one
      // while this process formats the next statement of another.
      const { tables: rows, counts } = stateRows(state);
      await Promise.all(
        INSERT_ORDER.map((t) =>
          db.connection().execute(async (own) => {
            for (const list of rows[t]) await insertAll(own, "mysql", staged(t) as typeof t, list as never);
            const adds = indexes.get(t)!;
            if (adds.length) await sql.raw(`alter table \`${staged(t)}\` ${adds.join(", ")}`).execute(own);
          }),
        ),
      );
      await refuseUnlessEmpty();
      const renames = tables.flatMap((t) => [`\`${t}\` to \`${t}${OLD}\``, `\`${staged(t)}\` to \`${t}\``]);
      await sql.raw(`rename table ${renames.join(", ")}`).execute(conn);
      return counts;
    } finally {
      await dropStaged().catch(() => undefined);
      await sql`select release_lock(${IMPORT_LOCK})`.execute(conn).catch(() => undefined);
    }
  });
}

/** A table's secondary indexes (all but the primary key): their names and `add ...` clauses, from information_schema. */
async function secondaryIndexes(tx: Tx, table: string): Promise<{ name: string; add: string }[]> {
  const rows = await sql<{ index_name: string; non_unique: number | string; column_name: string; sub_part: number | string | null }>`
    select index_name, non_unique, column_name, sub_part from information_schema.statistics
    where table_schema = database() and table_name = ${table} and index_name <> 'PRIMARY'
    order by index_name, seq_in_index`.execute(tx);
  const byName = new Map<string, { unique: boolean; columns: string[] }>();
  for (const r of rows.rows) {
    const entry = byName.get(r.index_name) ?? { unique: Number(r.non_unique) === 0, columns: [] };
    entry.columns.push(`\`${r.column_name}\`${r.sub_part === null ? "" : `(${Number(r.sub_part)})`}`);
    byName.set(r.index_name, entry);
  }
  return [...byName].map(([name, { unique, columns }]) => ({
    name,
    add: `add ${unique ? "unique " : ""}index \`${name}\` (${columns.join(", ")})`,
  }));
}

/** The rows of a state, table by table, in insertion order (rows get explicit ids so `user_clients` and `invites` keep their order). */
function stateRows(state: CanonicalState) {
  const links = state.user_clients.map((l, i) => ({ id: i + 1, ...linkRow(l) }));
  const owners = state.clients.map((c, i) => ({ id: links.length + i + 1, ...ownerRow(c) }));
  const createdAt = now();
  const ranks = new Map(state.users.map((u) => u.id).sort((a, b) => a - b).map((id, i) => [id, i + 1]));
  const fields = Object.keys(state)
    .filter((name) => !RECORD_ARRAYS.has(name))
    .map((name, i) => ({ seq: i + 1, name, value: JSON.stringify(state[name]) }));
  const tables: { [T in (typeof STATE_TABLES)[number]]: Insertable<Database[T]>[][] } = {
    tblusers: [state.users.map((u, i) => userRow(u, i + 1, ranks.get(u.id)!))],
    tblclients: [state.clients.map((c, i) => clientRow(c, i + 1))],
    tblusers_clients: [links, owners],
    tbluser_invites: [state.invites.map((inv, i) => ({ id: i + 1, ...inviteRow(inv, token(), createdAt) }))],
    whmcsperm_state_fields: [fields],
  };
  const counts: ImportCounts = {
    users: state.users.length,
    clients: state.clients.length,
    user_clients: links.length,
    invites: state.invites.length,
    state_fields: fields.length,
  };
  return { tables, counts };
}

const INSERT_ORDER = ["tblusers", "tblclients", "tblusers_clients", "tbluser_invites", "whmcsperm_state_fields"] as const;

async function insertState(tx: Tx, engine: Engine, state: CanonicalState, sqlite: SqliteHandle | undefined): Promise<ImportCounts> {
  const { tables, counts } = stateRows(state);
  for (const table of INSERT_ORDER) for (const rows of tables[table]) await insertAll(tx, engine, table, rows as never, sqlite);
  return counts;
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
