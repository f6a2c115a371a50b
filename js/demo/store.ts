/**
 * The demo server's state: one JSON file, read once at start, then owned by
 * the server. Requests run one at a time (a promise queue), and a change is
 * on disk (written atomically) before anyone sees it.
 */
import { promises as fs } from "node:fs";
import { dirname } from "node:path";
import { localApi, StateError, type CanonicalState, type State } from "whmcs-permissions";
import { describe, readStateFile, StateFileError, writeStateFileAtomic } from "../state-file.js";

/** The server cannot start; `message` says why (and names the file, if it is about one). */
export class StartupError extends Error {
  constructor(
    message: string,
    /** The state file exists and was left untouched. */
    readonly fileKept = false,
  ) {
    super(message);
  }
}

export class StateStore {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private state: CanonicalState,
  ) {}

  /**
   * Opens `path`, creating it from `sample()` when it does not exist. A file
   * that cannot be read, is not JSON, or holds a state the core rejects is a
   * `StartupError` and is left exactly as it is.
   */
  static async open(path: string, sample: () => Promise<State>): Promise<StateStore> {
    let raw: unknown;
    let created = false;
    const exists = await fs.lstat(path).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return false;
        throw new StartupError(`${path}: cannot read the state file (${describe(error)})`, true);
      },
    );
    if (exists) {
      try {
        raw = await readStateFile(path);
      } catch (error) {
        if (error instanceof StateFileError) throw new StartupError(error.message, true);
        throw error;
      }
    } else {
      raw = await sample();
      created = true;
    }
    let state: CanonicalState;
    try {
      // Any command validates the whole state and returns it in canonical form.
      state = localApi("GetPermissionsList", {}, raw as State).state;
    } catch (error) {
      if (error instanceof StateError) throw new StartupError(`${path}: invalid state: ${error.message}`, exists);
      throw error;
    }
    if (created) {
      try {
        await fs.mkdir(dirname(path), { recursive: true });
        await writeStateFileAtomic(path, state);
      } catch (error) {
        throw new StartupError(`${path}: cannot create the state file (${describe(error)})`);
      }
    }
    return new StateStore(path, state);
  }

  /** The current state (canonical, as last written). Treat it as read-only. */
  get current(): CanonicalState {
    return this.state;
  }

  /**
   * Runs `task` after every task queued before it has finished, so commands
   * see each other's changes in arrival order. A failing task does not stop
   * the queue.
   */
  serialise<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Writes `next` to the file (atomically) and only then makes it current. Call inside `serialise`. */
  async commit(next: CanonicalState): Promise<void> {
    await writeStateFileAtomic(this.path, next);
    this.state = next;
  }

  /** Resolves once every queued task has finished. */
  drain(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
