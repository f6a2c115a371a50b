/**
 * GetUsers pages in id order. `LIMIT/OFFSET` makes the database walk past
 * every skipped row, and counting every user walks them all, so a page deep
 * in a large table cost what the table holds. `id_rank` is a user's position
 * in id order (1, 2, ...): a page is then an index range (`id_rank` from
 * start + 1) and the count is the largest rank. It stays dense because users
 * are only ever added with a new largest id (AddUser: one more than every
 * user id), never deleted; an import numbers them afresh.
 */
import { sql, type Kysely } from "kysely";
import { columnTypes, type Engine, type Migration } from "./types.js";

async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  if (engine === "mysql") {
    // MariaDB's DDL commits by itself: every step can run again after a crash half-way.
    await sql`alter table tblusers add column if not exists id_rank bigint null`.execute(db);
    await sql`update tblusers u join (select id, row_number() over (order by id) as r from tblusers) x on x.id = u.id set u.id_rank = x.r`.execute(db);
    await sql`alter table tblusers add unique index if not exists tblusers_id_rank (id_rank)`.execute(db);
    return;
  }
  await db.schema.alterTable("tblusers").addColumn("id_rank", columnTypes(engine).int).execute();
  await sql`update tblusers set id_rank = x.r from (select id, row_number() over (order by id) as r from tblusers) as x where x.id = tblusers.id`.execute(db);
  await db.schema.createIndex("tblusers_id_rank").unique().on("tblusers").column("id_rank").execute();
}

export const idRank: Migration = { name: "003_id_rank", up };
