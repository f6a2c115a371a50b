/**
 * The SQL behind each item of the core's read plan (`readPlan(command,
 * params)`: which rows a command reads), one function per item, so a new
 * plan item is one new function here. Each adds rows to `Loaded`; the slice
 * is built from them (slice.ts). For a writing command on MariaDB every read
 * is a locking read (`FOR UPDATE`), which also locks the gaps where a
 * missing row would go, so a concurrent insert of it waits.
 */
import type { SelectQueryBuilder } from "kysely";
import type { Engine } from "../migrations/index.js";
import type { ReadPlan } from "../core.js";
import { keyBytes } from "./keys.js";
import type { Database } from "./schema.js";
import type { Loaded } from "./slice.js";
import { selectRows, type Conn } from "./statements.js";
import type { Tx } from "./transaction.js";

export interface Reader extends Conn {
  into: Loaded;
  /** Lock what is read (a writing command on MariaDB). */
  lock: boolean;
}

/** `FOR UPDATE` when locking (SQLite has no row locks: its writers hold the database lock). */
function locked<O>(r: { lock: boolean }, query: SelectQueryBuilder<Database, any, O>): SelectQueryBuilder<Database, any, O> {
  return r.lock ? query.forUpdate() : query;
}

/** tblusers rows by id. */
export async function loadUsers(r: Reader, ids: readonly number[]): Promise<void> {
  const want = ids.filter((id) => !r.into.users.has(id));
  if (want.length === 0) return;
  const rows = await selectRows(r, { shape: `users by id ${r.lock}`, list: want.length, params: want }, () =>
    locked(r, r.tx.selectFrom("tblusers").selectAll().where("id", "in", want)),
  );
  for (const row of rows) r.into.users.set(row.id, row);
}

/** tblclients rows by id, each with its owner row (tblusers_clients, owner = 1). */
export async function loadClients(r: Reader, ids: readonly number[]): Promise<void> {
  const want = ids.filter((id) => !r.into.clients.has(id));
  if (want.length === 0) return;
  const rows = await selectRows(r, { shape: `clients by id ${r.lock}`, list: want.length, params: want }, () =>
    locked(r, r.tx.selectFrom("tblclients").selectAll().where("id", "in", want)),
  );
  for (const row of rows) r.into.clients.set(row.id, row);
  const owners = await selectRows(r, { shape: `owner rows ${r.lock}`, list: want.length, params: [...want, 1] }, () =>
    locked(r, r.tx.selectFrom("tblusers_clients").selectAll().where("client_id", "in", want).where("owner", "=", 1)),
  );
  for (const row of owners) r.into.owners.set(row.client_id, row);
}

/** tblusers_clients owner = 0 rows by (user, client) pair. */
export async function loadLinks(r: Reader, pairs: readonly { user_id: number; client_id: number }[]): Promise<void> {
  if (pairs.length === 0) return;
  const params = [0, ...pairs.flatMap((p) => [p.user_id, p.client_id])];
  const rows = await selectRows(r, { shape: `links by pair ${r.lock}`, list: pairs.length, params }, () =>
    locked(
      r,
      r.tx
        .selectFrom("tblusers_clients")
        .selectAll()
        .where("owner", "=", 0)
        .where((eb) => eb.or(pairs.map((p) => eb.and([eb("auth_user_id", "=", p.user_id), eb("client_id", "=", p.client_id)])))),
    ),
  );
  for (const row of rows) r.into.links.set(row.id, row);
}

/** Every owner = 0 row of these users (GetUsers: the clients a user is linked to). */
export async function loadLinksOfUsers(r: Reader, userIds: readonly number[]): Promise<LinkRowIds> {
  if (userIds.length === 0) return { clientIds: [] };
  const rows = await selectRows(r, { shape: `links of users ${r.lock}`, list: userIds.length, params: userIds }, () =>
    locked(r, r.tx.selectFrom("tblusers_clients").selectAll().where("auth_user_id", "in", userIds)),
  );
  const clientIds = new Set<number>();
  for (const row of rows) {
    clientIds.add(row.client_id);
    if (row.owner === 0) r.into.links.set(row.id, row);
  }
  return { clientIds: [...clientIds] };
}
interface LinkRowIds {
  clientIds: number[];
}

/**
 * Users whose email key equals `email_key` and who own or are linked to
 * `client_id` (CreateClientInvite's "already associated"): those users,
 * their owner = 0 link to the client, and the client with its owner row.
 */
export async function loadMembersWithEmail(r: Reader, items: ReadPlan["members_with_email"]): Promise<void> {
  for (const { client_id, email_key } of items) {
    await loadClients(r, [client_id]);
    const key = keyBytes(email_key);
    const users = await selectRows(r, { shape: `members with email ${r.lock}`, params: [key, client_id] }, () =>
      locked(
        r,
        r.tx
          .selectFrom("tblusers as u")
          .innerJoin("tblusers_clients as uc", "uc.auth_user_id", "u.id")
          .selectAll("u")
          .where("u.email_key", "=", key)
          .where("uc.client_id", "=", client_id),
      ),
    );
    for (const row of users) r.into.users.set(row.id, row);
    await loadLinks(r, users.map((u) => ({ user_id: u.id, client_id })));
  }
}

/** Every user whose email key equals one of `keys` (AddUser's, UpdateUser's and ResetPassword's email checks). */
export async function loadUsersWithEmail(r: Reader, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const bytes = keys.map(keyBytes);
  const rows = await selectRows(r, { shape: `users with email ${r.lock}`, list: keys.length, params: bytes }, () =>
    locked(r, r.tx.selectFrom("tblusers").selectAll().where("email_key", "in", bytes)),
  );
  for (const row of rows) r.into.users.set(row.id, row);
}

/**
 * AddUser's new id is one more than every user id and every owner_user_id:
 * the user with the largest id, and the client whose owner row has the
 * largest auth_user_id (with that row).
 */
export async function loadMaxUserId(r: Reader): Promise<void> {
  const top = await selectRows(r, { shape: `largest user id ${r.lock}`, params: [1] }, () =>
    locked(r, r.tx.selectFrom("tblusers").selectAll().orderBy("id", "desc").limit(1)),
  );
  for (const row of top) r.into.users.set(row.id, row);
  const owner = await selectRows(r, { shape: `largest owner id ${r.lock}`, params: [1, 1] }, () =>
    locked(r, r.tx.selectFrom("tblusers_clients").select("client_id").where("owner", "=", 1).orderBy("auth_user_id", "desc").limit(1)),
  );
  await loadClients(r, owner.map((o) => o.client_id));
}

/** Every row of every table (export, and the JSON-file mode's write-back). */
export async function loadEverything(r: { tx: Tx; into: Loaded; lock: boolean }): Promise<void> {
  for (const row of await locked(r, r.tx.selectFrom("tblusers").selectAll()).execute()) r.into.users.set(row.id, row);
  for (const row of await locked(r, r.tx.selectFrom("tblclients").selectAll()).execute()) r.into.clients.set(row.id, row);
  for (const row of await locked(r, r.tx.selectFrom("tblusers_clients").selectAll()).execute()) {
    if (row.owner === 1) r.into.owners.set(row.client_id, row);
    else r.into.links.set(row.id, row);
  }
  for (const row of await locked(r, r.tx.selectFrom("tbluser_invites").selectAll()).execute()) r.into.invites.set(row.id, row);
}

/** Loads what `plan` names (all of it but `users_page`, which storage/users-page.ts pages in SQL). */
export async function loadPlan(r: Reader, plan: ReadPlan): Promise<void> {
  // First: AddUsers then queue on the row lock of the largest id before taking any gap lock,
  // instead of deadlocking on each other's gap locks (the email checks).
  if (plan.max_user_id) await loadMaxUserId(r);
  await loadUsers(r, plan.users);
  await loadClients(r, plan.clients);
  await loadLinks(r, plan.links);
  await loadMembersWithEmail(r, plan.members_with_email);
  await loadUsersWithEmail(r, plan.users_with_email);
}

export const lockFor = (plan: ReadPlan, engine: Engine): boolean => plan.writes && engine === "mysql";
