/**
 * A slice: the rows a command reads, as a valid state (users and clients in
 * `seq` order, links and invites in row order), plus where each record came
 * from, so that a `StateError` from the core can name the table and the row.
 */
import { StateError, type State } from "whmcs-permissions";
import { RowRejected } from "./errors.js";
import { clientRecord, inviteRecord, linkRecord, userRecord, type ClientRow, type InviteRow, type LinkRow, type UserRow } from "./records.js";

/** The rows loaded for one request, by key. */
export class Loaded {
  readonly users = new Map<number, UserRow>();
  readonly clients = new Map<number, ClientRow>();
  /** client id -> its owner row (`tblusers_clients`, owner = 1). */
  readonly owners = new Map<number, LinkRow>();
  /** row id -> an owner = 0 row. */
  readonly links = new Map<number, LinkRow>();
  readonly invites = new Map<number, InviteRow>();
}

/** A row, for messages: `tblusers_clients row id=17 (auth_user_id=4, client_id=1, owner=0)`. */
export interface RowRef {
  table: string;
  key: Record<string, number | string>;
  note?: string;
}

export function describeRow(ref: RowRef): string {
  const [first, ...rest] = Object.entries(ref.key);
  const more = rest.length ? ` (${rest.map(([k, v]) => `${k}=${v}`).join(", ")})` : "";
  return `${ref.table} row ${first ? `${first[0]}=${first[1]}` : "?"}${more}${ref.note ? ` ${ref.note}` : ""}`;
}

export interface Slice {
  state: State;
  /** The user records, by id (update_user reads the record it changes). */
  users: Map<number, Record<string, unknown>>;
  /** The row behind a core path such as `state.user_clients[3].permissions`. */
  origin(path: string): RowRef | undefined;
}

const bySeq = (a: { seq: number }, b: { seq: number }) => a.seq - b.seq;
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
const linkRef = (row: LinkRow): RowRef => ({
  table: "tblusers_clients",
  key: { id: row.id, auth_user_id: row.auth_user_id, client_id: row.client_id, owner: row.owner },
});

export function buildSlice(loaded: Loaded): Slice {
  const userRows = [...loaded.users.values()].sort(bySeq);
  const clientRows = [...loaded.clients.values()].sort(bySeq);
  const linkRows = [...loaded.links.values()].sort(byId);
  const inviteRows = [...loaded.invites.values()].sort(byId);
  const users = userRows.map(userRecord);
  const state: State = {
    users,
    clients: clientRows.map((row) => clientRecord(row, loaded.owners.get(row.id))),
    user_clients: linkRows.map(linkRecord),
    invites: inviteRows.map(inviteRecord),
  };
  return {
    state,
    users: new Map(users.map((u) => [u.id, u as Record<string, unknown>])),
    origin(path) {
      const m = /^state\.(users|clients|user_clients|invites)\[(\d+)\](?:\.(\w+))?/.exec(path);
      if (!m) return undefined;
      const index = Number(m[2]);
      switch (m[1]) {
        case "users": {
          const row = userRows[index];
          return row && { table: "tblusers", key: { id: row.id } };
        }
        case "clients": {
          const row = clientRows[index];
          if (!row) return undefined;
          if (m[3] === "owner_user_id") {
            const owner = loaded.owners.get(row.id);
            return owner ? linkRef(owner) : { table: "tblclients", key: { id: row.id }, note: "(it has no owner row in tblusers_clients)" };
          }
          return { table: "tblclients", key: { id: row.id } };
        }
        case "user_clients": {
          const row = linkRows[index];
          return row && linkRef(row);
        }
        default: {
          const row = inviteRows[index];
          return row && { table: "tbluser_invites", key: { id: row.id, client_id: row.client_id } };
        }
      }
    },
  };
}

/** Runs `f` (a core call on the slice); a `StateError` becomes a `RowRejected` naming the row. */
export function onSlice<T>(slice: Slice, f: (state: State) => T): T {
  try {
    return f(slice.state);
  } catch (error) {
    if (error instanceof StateError) throw new RowRejected(slice.origin(error.path), error);
    throw error;
  }
}
