/**
 * One request, one transaction, the answer only after the commit.
 *
 * SQLite: a writing command runs in `BEGIN IMMEDIATE` (it takes the write
 * lock first, so writers from several processes queue on `busy_timeout`
 * instead of failing on a lock upgrade); a read-only one in a deferred
 * transaction (one consistent snapshot in WAL mode).
 *
 * MariaDB: a writing command reads with `SELECT ... FOR UPDATE` (see
 * plan.ts); InnoDB then reports a conflict as a deadlock or lock wait
 * timeout, and a concurrent AddUser as a duplicate key, and the whole
 * request is run again on fresh rows, a bounded number of times.
 */
import { sql, type Kysely } from "kysely";
import type { Engine } from "../migrations/index.js";
import { DatabaseUnavailable, isConflict, isUnavailable } from "./errors.js";
import type { Database } from "./schema.js";

export type Tx = Kysely<Database>;
export type Mode = "write" | "read";

/** How many times a request is run again after a MariaDB conflict. */
export const CONFLICT_RETRIES = 20;

export async function transaction<T>(db: Kysely<Database>, engine: Engine, mode: Mode, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(db, engine, mode, work);
    } catch (error) {
      if (engine === "mysql" && isConflict(error) && attempt < CONFLICT_RETRIES) {
        // Back off exponentially (2 ms doubling, at most 100 ms), with jitter, so the same transactions do not collide again in step.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** (attempt + 1))));
        continue;
      }
      // Conflicts past the retries, like a database that does not answer: 503, try again later.
      if (isUnavailable(error) || (engine === "mysql" && isConflict(error))) throw new DatabaseUnavailable(error);
      throw error;
    }
  }
}

function once<T>(db: Kysely<Database>, engine: Engine, mode: Mode, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    if (engine === "sqlite") await (mode === "write" ? sql`begin immediate` : sql`begin`).execute(conn);
    else await (mode === "write" ? sql`start transaction` : sql`start transaction read only`).execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      // A broken connection cannot roll back; the server rolls back for it.
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}
