/**
 * One storage module for both engines (SQLite through better-sqlite3,
 * MariaDB/MySQL through mysql2, both through kysely). A request loads only
 * the rows the core's read plan names, runs the core on that slice, and
 * writes the changes it returns, all in one transaction.
 */
import { sql, type Kysely } from "kysely";
import { localApi, type ApiResponse, type CanonicalState } from "whmcs-permissions";
import { getUsersPage, readPlan } from "../core.js";
import { migrate, type Engine } from "../migrations/index.js";
import { adminPage, type AdminPage, type AdminQuery } from "./admin-page.js";
import { canonicalBulk, exportFrom, importInto, importStaged, countRows, rowCount, STAGED_FROM, type ImportCounts } from "./bulk.js";
import { writeChanges, type AnyChange } from "./changes.js";
import { connect, sqliteHandles } from "./drivers.js";
import { DatabaseUnavailable, isUnavailable } from "./errors.js";
import { GroupCommit } from "./group-commit.js";
import { loadPlan, lockFor } from "./plan.js";
import type { Database } from "./schema.js";
import { buildSlice, Loaded, onSlice } from "./slice.js";
import { transaction, type Tx } from "./transaction.js";
import { loadUsersPage } from "./users-page.js";
import type { Conn } from "./statements.js";
import { emptySlice, readSlice, type SliceAnswer } from "./read-slice.js";
import type { DatabaseUrl } from "./url.js";

export { ConfigError, parseDatabaseUrl, redact, type DatabaseUrl } from "./url.js";
export { DatabaseUnavailable, DriverMissing, NotEmpty, RowRejected } from "./errors.js";
export { SchemaTooNew } from "../migrations/index.js";
export { canonical, type ImportCounts } from "./bulk.js";
export type { AnyChange } from "./changes.js";
export type { AdminPage, AdminQuery } from "./admin-page.js";
export type { Tx } from "./transaction.js";
export type { SliceAnswer } from "./read-slice.js";

export interface StorageOptions {
  /** Runs inside every transaction that writes changes, after them and before the commit (the JSON-file mode writes its file here). */
  beforeCommit?: (tx: Tx) => Promise<void>;
  /**
   * Runs inside the transaction of every request that wrote, after its
   * changes (the JSON-file mode applies the same call to the state it
   * writes back); throwing rolls the request back.
   */
  afterWrite?: (command: string, params: Record<string, unknown>, outcome: CallOutcome) => void;
  /** Told when ResetPassword recorded a token (the host sends the mail). */
  onPasswordReset?: (userId: number) => void;
}

/** What one API call did: the canonical command name (null: unknown), the response, the committed changes. */
export interface CallOutcome {
  command: string | null;
  response: ApiResponse;
  changes: AnyChange[];
}

const EMPTY_STATE = { users: [], clients: [] };

export class Storage {
  /** SQLite: concurrent requests share commits (group-commit.ts). */
  private readonly group?: GroupCommit<CallOutcome>;
  private readonly sqlite?: import("better-sqlite3").Database;

  private constructor(
    readonly engine: Engine,
    readonly label: string,
    private readonly db: Kysely<Database>,
    private readonly options: StorageOptions,
    /** The migrations this open applied. */
    readonly migrated: string[],
  ) {
    const handle = sqliteHandles.get(db);
    this.sqlite = handle;
    if (handle) {
      const wrote = (o: CallOutcome) => o.response.result === "success" && o.changes.length > 0;
      const mapError = (e: unknown) => (isUnavailable(e) ? new DatabaseUnavailable(e) : e);
      this.group = new GroupCommit(db, handle, wrote, options.beforeCommit, mapError);
    }
  }

  /** Where a request's statements run (statements.ts): SQLite's handle, synchronously; MariaDB through `tx`. */
  private conn(tx: Tx): Conn {
    return { tx, engine: this.engine, sqlite: this.sqlite };
  }

  /** Connects and applies missing migrations. A database with a newer schema throws `SchemaTooNew`. */
  static async open(url: DatabaseUrl, options: StorageOptions = {}): Promise<Storage> {
    const db = await connect(url);
    try {
      const migrated = await migrate(db, url.engine);
      return new Storage(url.engine, url.label, db, options, migrated);
    } catch (error) {
      await db.destroy().catch(() => undefined);
      if (isUnavailable(error)) throw new DatabaseUnavailable(error);
      throw error;
    }
  }

  /** Runs one WHMCS command on the rows it reads; its changes are committed before this resolves. */
  async execute(command: string, params: Record<string, unknown>): Promise<CallOutcome> {
    const plan = readPlan(command, params);
    if (plan.command === null) {
      return { command: null, response: localApi(command, params, EMPTY_STATE).response, changes: [] };
    }
    const work = async (tx: Tx): Promise<CallOutcome> => {
      const loaded = new Loaded();
      const conn = this.conn(tx);
      const reader = { ...conn, into: loaded, lock: lockFor(plan, this.engine) };
      let total: number | undefined;
      if (plan.users_page) total = (await loadUsersPage(reader, plan.users_page)).total;
      else await loadPlan(reader, plan);
      const slice = buildSlice(loaded);
      // GetUsers on a page the database counted and cut: the core renders it (no changes).
      const out = onSlice(slice, (state) =>
        total !== undefined ? { response: getUsersPage(state, params, total), changes: [] } : localApi(command, params, state),
      );
      const changes = out.changes as AnyChange[];
      if (out.response.result === "success" && changes.length > 0) {
        await writeChanges({ ...conn, slice, params, onPasswordReset: this.options.onPasswordReset }, changes);
        this.options.afterWrite?.(command, params, { command: plan.command, response: out.response, changes });
        if (!this.group) await this.options.beforeCommit?.(tx); // SQLite: once per group, before its commit
      }
      return { command: plan.command, response: out.response, changes };
    };
    const mode = plan.writes ? "write" : "read";
    return this.group ? this.group.run(mode, work) : transaction(this.db, this.engine, mode, work);
  }

  /** Resolves when the database answers a query; throws `DatabaseUnavailable` when not. */
  async health(): Promise<void> {
    try {
      await sql`select 1`.execute(this.db);
    } catch (error) {
      throw new DatabaseUnavailable(error);
    }
  }

  /** The whole state, canonical (every row through the core). */
  exportState(): Promise<CanonicalState> {
    return transaction(this.db, this.engine, "read", (tx) => exportFrom(tx));
  }

  /** The whole state inside a transaction the caller is in (the JSON-file mode's write-back). */
  exportWithin(tx: Tx): Promise<CanonicalState> {
    return exportFrom(tx);
  }

  /** Validates `raw` with the core, then loads it into empty tables (or replaces what they hold). */
  importState(raw: unknown, { replace = false, staged }: { replace?: boolean; staged?: boolean } = {}): Promise<ImportCounts> {
    const state = canonicalBulk(raw);
    // MariaDB, a large state: staging tables swapped in (bulk.ts); `staged` forces the choice (tests)
    if (this.engine === "mysql" && (staged ?? rowCount(state) >= STAGED_FROM)) return importStaged(this.db, state, replace);
    return transaction(this.db, this.engine, "write", (tx) => importInto(tx, this.engine, state, replace, this.sqlite));
  }

  /** Whether no table holds a row. */
  async isEmpty(): Promise<boolean> {
    const counts = await transaction(this.db, this.engine, "read", (tx) => countRows(tx));
    return Object.values(counts).every((n) => n === 0);
  }

  /** One page of clients for the admin page, as a valid state (see admin-page.ts). */
  adminPage(query: AdminQuery): Promise<AdminPage> {
    return transaction(this.db, this.engine, "read", (tx) => adminPage(this.conn(tx), query));
  }

  /**
   * The rows `command` would read for `params` (the core's read plan), as a
   * valid state, without running it: what the admin page checks an edit on.
   */
  slice(command: string, params: Record<string, unknown>): Promise<SliceAnswer> {
    const plan = readPlan(command, params);
    if (plan.command === null) return Promise.resolve(emptySlice());
    return transaction(this.db, this.engine, "read", (tx) => readSlice(this.conn(tx), plan));
  }

  /** The kysely instance, for tests and tools that look at the tables themselves. */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
