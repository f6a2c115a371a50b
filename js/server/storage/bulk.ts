/**
 * The whole state in and out: `import` (bulk inserts in one transaction)
 * and `export` (every row, through the core, as the canonical state).
 * The core validates first: `import` takes only a state the core accepts,
 * and `export` only returns one (a row it rejects is named, as in requests).
 */
import type { Insertable } from "kysely";
import { localApi, StateError, type CanonicalState, type State } from "whmcs-permissions";
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

async function insertAll<T extends keyof Database>(tx: Tx, engine: Engine, table: T, rows: Insertable<Database[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const size = chunkRows(engine, Object.keys(rows[0]!).length);
  for (let i = 0; i < rows.length; i += size) {
    await tx.insertInto(table).values(rows.slice(i, i + size) as never).execute();
  }
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
export async function importInto(tx: Tx, engine: Engine, state: CanonicalState, replace: boolean): Promise<ImportCounts> {
  const counts = await countRows(tx);
  if (Object.values(counts).some((n) => n > 0)) {
    if (!replace) throw new NotEmpty(counts);
    for (const table of STATE_TABLES) await tx.deleteFrom(table).execute();
  }
  await insertAll(tx, engine, "tblusers", state.users.map((u, i) => userRow(u, i + 1)));
  await insertAll(tx, engine, "tblclients", state.clients.map((c, i) => clientRow(c, i + 1)));
  const links = state.user_clients.map((l, i) => ({ id: i + 1, ...linkRow(l) }));
  const owners = state.clients.map((c, i) => ({ id: links.length + i + 1, ...ownerRow(c) }));
  await insertAll(tx, engine, "tblusers_clients", links);
  await insertAll(tx, engine, "tblusers_clients", owners);
  const createdAt = now();
  await insertAll(tx, engine, "tbluser_invites", state.invites.map((inv, i) => ({ id: i + 1, ...inviteRow(inv, token(), createdAt) })));
  const fields = Object.keys(state)
    .filter((name) => !RECORD_ARRAYS.has(name))
    .map((name, i) => ({ seq: i + 1, name, value: JSON.stringify(state[name]) }));
  await insertAll(tx, engine, "whmcsperm_state_fields", fields);
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
