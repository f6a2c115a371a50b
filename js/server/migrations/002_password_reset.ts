/** ResetPassword records a reset token and its time on the user's row (the host mails the link). */
import type { Kysely } from "kysely";
import { columnTypes, type Engine, type Migration } from "./types.js";

async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  if (engine === "mysql") {
    // One statement: MariaDB's DDL is not transactional, so half of it cannot be left behind.
    await db.schema.alterTable("tblusers").addColumn("reset_token", t.token).addColumn("reset_requested_at", t.time).execute();
  } else {
    // SQLite adds one column per statement; the migration's transaction holds both.
    await db.schema.alterTable("tblusers").addColumn("reset_token", t.token).execute();
    await db.schema.alterTable("tblusers").addColumn("reset_requested_at", t.time).execute();
  }
}

export const passwordReset: Migration = { name: "002_password_reset", up };
