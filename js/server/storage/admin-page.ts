/**
 * The admin page's data: one page of clients at a time, with a search by
 * client id, company (prefix) or user email (prefix, users who own or are
 * linked to the client). The page comes as a valid state, so the browser
 * can run the core on it: the page's clients with their owners, every user
 * who owns or is linked to them, their links, and the clients' invites.
 */
import type { CanonicalState } from "whmcs-permissions";
import { keyOf, prefixRange } from "./keys.js";
import { loadClients, loadUsers, type Reader } from "./plan.js";
import { buildSlice, Loaded, onSlice } from "./slice.js";
import { canonical } from "./bulk.js";
import type { Conn } from "./statements.js";

export interface AdminQuery {
  start: number;
  limit: number;
  /** Client id, or the start of a company name or of a user's email; "" for every client. */
  search: string;
}

export interface AdminPage {
  total: number;
  start: number;
  limit: number;
  search: string;
  /** The page's clients, in order (`state.clients` holds exactly these). */
  state: CanonicalState;
}

export const ADMIN_PAGE_MAX = 100;

export async function adminPage(c: Conn, query: AdminQuery): Promise<AdminPage> {
  const { tx } = c;
  const search = query.search.trim();
  const id = /^\d{1,15}$/.test(search) ? Number(search) : undefined;
  const key = search === "" ? null : keyOf(search);
  const matching = (q: any) => {
    if (key === null) return q;
    const { low, high } = prefixRange(key);
    return q.where((eb: any) =>
      eb.or([
        ...(id !== undefined ? [eb("c.id", "=", id)] : []),
        eb.and([eb("c.company_key", ">=", low), eb("c.company_key", "<", high)]),
        eb(
          "c.id",
          "in",
          eb
            .selectFrom("tblusers_clients as uc")
            .innerJoin("tblusers as u", "u.id", "uc.auth_user_id")
            .select("uc.client_id")
            .where("u.email_key", ">=", low)
            .where("u.email_key", "<", high),
        ),
      ]),
    );
  };
  const counted = await matching(tx.selectFrom("tblclients as c").select((eb: any) => eb.fn.countAll().as("n"))).executeTakeFirst();
  const page: { id: number }[] = await matching(tx.selectFrom("tblclients as c").select("c.id"))
    .orderBy("c.seq")
    .limit(query.limit)
    .offset(query.start)
    .execute();
  const ids = page.map((c) => c.id);

  const loaded = new Loaded();
  const reader: Reader = { ...c, into: loaded, lock: false };
  await loadClients(reader, ids);
  const userIds = new Set<number>([...loaded.owners.values()].map((o) => o.auth_user_id));
  if (ids.length > 0) {
    for (const row of await tx.selectFrom("tblusers_clients").selectAll().where("client_id", "in", ids).where("owner", "=", 0).execute()) {
      loaded.links.set(row.id, row);
      userIds.add(row.auth_user_id);
    }
    for (const row of await tx.selectFrom("tbluser_invites").selectAll().where("client_id", "in", ids).execute()) loaded.invites.set(row.id, row);
  }
  await loadUsers(reader, [...userIds]);
  return { total: Number(counted?.n ?? 0), start: query.start, limit: query.limit, search, state: onSlice(buildSlice(loaded), canonical) };
}
