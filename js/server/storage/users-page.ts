/**
 * GetUsers in SQL: the database counts the users and cuts the page; the slice holds the page's users, every
 * client they own or are linked to (with its owner row) and their links;
 * the core renders the page (`getUsersPage`). With a search, the count is a
 * `COUNT` and the page `ORDER BY id, LIMIT/OFFSET` over the matches.
 * Without a search, a page is a range of `id_rank` (a user's position in id order, migrations/003) and
 * the count is the largest rank: both cost the page, not the table, where
 * `OFFSET` walks every skipped row. A search key longer than the
 * exact-prefix limit selects a superset by its cut prefix, and the core
 * then filters, counts and pages that superset itself (`localApi`).
 */
import type { ExpressionBuilder } from "kysely";
import type { ReadPlan } from "../core.js";
import { cutUtf8, EXACT_PREFIX_BYTES, keyBytes, prefixRange } from "./keys.js";
import { loadClients, loadLinksOfUsers, type Reader } from "./plan.js";
import type { Database } from "./schema.js";
import { selectRows } from "./statements.js";

type Page = NonNullable<ReadPlan["users_page"]>;
const KEY_COLUMNS = ["email_key", "firstname_key", "lastname_key", "fullname_key"] as const;

/** Users one of whose keys starts with `prefix` (byte range per key column: each is an index range scan). */
const startsWith = (prefix: Buffer) => (eb: ExpressionBuilder<Database, "tblusers">) => {
  const { low, high } = prefixRange(prefix);
  return eb.or(KEY_COLUMNS.map((column) => eb.and([eb(column, ">=", low), eb(column, "<", high)])));
};

export interface UsersPage {
  /** The count the database made; undefined when the core must filter and count a superset itself. */
  total: number | undefined;
}

export async function loadUsersPage(r: Reader, page: Page): Promise<UsersPage> {
  const search = page.search === null ? null : keyBytes(page.search);
  if (search !== null && Buffer.byteLength(page.search!, "utf8") > EXACT_PREFIX_BYTES) {
    // Keys are cut at 512 bytes: compare on a prefix every cut key still holds, and let the core decide.
    const rows = await r.tx.selectFrom("tblusers").selectAll().where(startsWith(cutUtf8(page.search!, EXACT_PREFIX_BYTES))).execute();
    for (const row of rows) r.into.users.set(row.id, row);
    await withClients(r, rows.map((u) => u.id));
    return { total: undefined };
  }
  if (search === null) return wholeTablePage(r, page);
  const filtered = (q: any) => q.where(startsWith(search));
  const counted = await filtered(r.tx.selectFrom("tblusers").select((eb: any) => eb.fn.countAll().as("n"))).executeTakeFirst();
  const total = Number(counted?.n ?? 0);
  const rows = await filtered(r.tx.selectFrom("tblusers").selectAll())
    .orderBy("id", page.descending ? "desc" : "asc")
    .limit(page.limit)
    .offset(page.start)
    .execute();
  for (const row of rows) r.into.users.set(row.id, row);
  await withClients(r, rows.map((u: { id: number }) => u.id));
  return { total };
}

/** Every user, paged by rank: ranks start + 1 .. start + limit, counted from the end when descending. */
async function wholeTablePage(r: Reader, page: Page): Promise<UsersPage> {
  const [top] = await selectRows(r, { shape: "largest id rank", params: [] }, () =>
    r.tx.selectFrom("tblusers").select((eb) => eb.fn.max("id_rank").as("n")),
  );
  const total = Number(top?.n ?? 0);
  // Ascending: ranks start+1 ..= start+limit; descending: total-start down to total-start-limit+1.
  // Clamped to 1 ..= total (start and limit can be any count, far past 2^53).
  const low = Math.max(1, page.descending ? total - page.start - page.limit + 1 : page.start + 1);
  const high = Math.min(total, page.descending ? total - page.start : page.start + page.limit);
  if (page.limit > 0 && low <= high) {
    const rows = await selectRows(r, { shape: "users by rank", params: [low, high] }, () =>
      r.tx.selectFrom("tblusers").selectAll().where("id_rank", ">=", low).where("id_rank", "<=", high),
    );
    for (const row of rows) r.into.users.set(row.id, row);
    await withClients(r, rows.map((u) => u.id));
  }
  return { total };
}

async function withClients(r: Reader, userIds: number[]): Promise<void> {
  const { clientIds } = await loadLinksOfUsers(r, userIds);
  await loadClients(r, clientIds);
}
