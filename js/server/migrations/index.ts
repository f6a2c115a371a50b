/**
 * Versioned migrations, applied at startup when missing. The applied ones
 * are recorded in `whmcsperm_migrations`; a database that has one this code
 * does not know (its schema is newer) is refused, never touched.
 *
 * Several processes may start at once on one database: SQLite applies them
 * inside one `BEGIN IMMEDIATE` transaction (its DDL is transactional);
 * MariaDB's DDL commits by itself, so there a named lock (`GET_LOCK`) lets
 * one process migrate while the others wait.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { initial } from "./001_initial.js";
import { passwordReset } from "./002_password_reset.js";
import { idRank } from "./003_id_rank.js";
import type { Engine, Migration } from "./types.js";

export type { Engine } from "./types.js";

/** Every migration, in order. A new one is appended here, never inserted. */
export const MIGRATIONS: readonly Migration[] = [initial, passwordReset, idRank];

/** The database's schema is newer than this code's: refuse to run on it. */
export class SchemaTooNew extends Error {
  constructor(readonly unknown: string[]) {
    super(
      `the database's schema is newer than this code: it has migration${unknown.length > 1 ? "s" : ""} ` +
        `${unknown.join(", ")} applied, and this code knows only ${MIGRATIONS.map((m) => m.name).join(", ")}. ` +
        "Run a newer whmcs-permissions on it, or point DATABASE_URL at another database.",
    );
    this.name = "SchemaTooNew";
  }
}

const LOCK_NAME = "whmcsperm_migrate";
const LOCK_WAIT_SECONDS = 60;

/** Applies the missing migrations; resolves with the names it applied. */
export async function migrate(db: Kysely<Database>, engine: Engine): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    if (engine === "sqlite") {
      await sql`begin immediate`.execute(conn);
      try {
        const applied = await applyMissing(conn, engine);
        await sql`commit`.execute(conn);
        return applied;
      } catch (error) {
        await sql`rollback`.execute(conn);
        throw error;
      }
    }
    const got = await sql<{ locked: number | null }>`select get_lock(${LOCK_NAME}, ${LOCK_WAIT_SECONDS}) as locked`.execute(conn);
    if (Number(got.rows[0]?.locked) !== 1) {
      throw new Error(`another process has held the migration lock for ${LOCK_WAIT_SECONDS} s; is a migration stuck?`);
    }
    try {
      return await applyMissing(conn, engine);
    } finally {
      await sql`select release_lock(${LOCK_NAME})`.execute(conn);
    }
  });
}

async function applyMissing(db: Kysely<Database>, engine: Engine): Promise<string[]> {
  await db.schema
    .createTable("whmcsperm_migrations")
    .ifNotExists()
    .addColumn("name", engine === "mysql" ? sql`varchar(191)` : "text", (c) => c.primaryKey())
    .addColumn("applied_at", engine === "mysql" ? sql`varchar(32)` : "text", (c) => c.notNull())
    .execute();
  const done = new Set((await db.selectFrom("whmcsperm_migrations").select("name").execute()).map((r) => r.name));
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const unknown = [...done].filter((name) => !known.has(name)).sort();
  if (unknown.length > 0) throw new SchemaTooNew(unknown);
  const applied: string[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.name)) continue;
    await migration.up(db, engine);
    await db.insertInto("whmcsperm_migrations").values({ name: migration.name, applied_at: new Date().toISOString() }).execute();
    applied.push(migration.name);
  }
  return applied;
}
