/**
 * Group commit for SQLite: the requests that are waiting for the one
 * connection when it comes free run together in one transaction, each in
 * its own savepoint, and share one commit (with `synchronous = FULL`, one
 * fsync of the WAL), so 16 concurrent writers pay for one disk flush instead
 * of 16. Each request keeps its own all-or-nothing: one that fails is rolled
 * back to its savepoint and answered at once (it wrote nothing); the others
 * are answered only after the shared commit, so no answer ever confirms
 * something that is not on disk. A commit that fails fails all of them
 * (nothing of theirs was confirmed). They run one after another, each on
 * what the earlier ones wrote: the same as if they had queued for the
 * connection one by one, which they did before this.
 *
 * A lone request (serial traffic) runs exactly as before: one transaction,
 * no savepoint.
 *
 * Grouping is not free: the answers of a group go out together, so the
 * clients (on the same CPUs, often) wait idle while the group runs. So a
 * group is only as large as the commit is slow: at most commit time / request
 * time requests (running averages), one when commits are cheap.
 */
import { performance } from "node:perf_hooks";
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import type { Mode, Tx } from "./transaction.js";

type SqliteHandle = import("better-sqlite3").Database;

interface Job<T> {
  mode: Mode;
  work: (tx: Tx) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** At most this many requests share one commit (bounds the latency of the first one in a batch). */
export const MAX_BATCH = 64;

export class GroupCommit<T> {
  private queue: Job<T>[] = [];
  private draining = false;
  /** Running averages (ms) of a commit and of one request's work. */
  private commitMs = 0;
  private workMs = 0.1;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly handle: SqliteHandle,
    /** Whether a job's result wrote rows (then `beforeCommit` runs, once per batch). */
    private readonly wrote: (result: T) => boolean,
    /** Runs after the batch's writes and before its commit, when one of them wrote (the JSON-file mode writes its file). */
    private readonly beforeCommit?: (tx: Tx) => Promise<void>,
    /** Turns a database error into what the caller throws (DatabaseUnavailable). */
    private readonly mapError: (error: unknown) => unknown = (e) => e,
  ) {}

  run(mode: Mode, work: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ mode, work, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // After this turn of the event loop: requests that arrived with this one join its batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(this.commitMs / Math.max(this.workMs, 0.01))));
        const jobs = this.queue.splice(0, size);
        try {
          await this.db.connection().execute((tx) => this.batch(tx, jobs));
        } catch (error) {
          // The connection itself failed (closed); a job already settled stays as it is.
          for (const job of jobs) job.reject(this.mapError(error));
        }
        // Let the requests that arrived during the batch (its commit blocks the thread) reach the queue.
        if (this.queue.length === 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.draining = false;
      if (this.queue.length > 0) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    }
  }

  private async batch(tx: Tx, jobs: Job<T>[]): Promise<void> {
    const h = this.handle;
    const write = jobs.some((j) => j.mode === "write");
    try {
      h.exec(write ? "begin immediate" : "begin");
    } catch (error) {
      for (const job of jobs) job.reject(this.mapError(error));
      return;
    }
    const alone = jobs.length === 1;
    const done: { job: Job<T>; result: T }[] = [];
    let wrote = false;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      try {
        if (!alone) h.exec("savepoint request");
        const started = performance.now();
        const result = await job.work(tx);
        this.workMs += (performance.now() - started - this.workMs) * 0.1;
        if (!alone) h.exec("release request");
        done.push({ job, result });
        wrote ||= this.wrote(result);
      } catch (error) {
        if (alone) {
          rollback(h);
          job.reject(this.mapError(error));
          return;
        }
        let kept = h.inTransaction;
        if (kept) {
          try {
            h.exec("rollback to request");
            h.exec("release request");
          } catch {
            kept = false;
          }
        }
        job.reject(this.mapError(error));
        if (!kept) {
          // SQLite rolled the whole transaction back (an I/O error, a full disk): nothing
          // of the others was confirmed, so they run again, in a new batch, with the rest.
          rollback(h);
          this.queue.unshift(...done.map((d) => d.job), ...jobs.slice(i + 1));
          return;
        }
      }
    }
    try {
      const started = performance.now();
      if (wrote && this.beforeCommit) await this.beforeCommit(tx);
      h.exec("commit");
      if (write) this.commitMs += (performance.now() - started - this.commitMs) * 0.1;
    } catch (error) {
      rollback(h);
      for (const { job } of done) job.reject(this.mapError(error));
      return;
    }
    for (const { job, result } of done) job.resolve(result);
  }
}

function rollback(h: SqliteHandle): void {
  try {
    if (h.inTransaction) h.exec("rollback");
  } catch {
    // a broken handle: its transaction is gone with it
  }
}
