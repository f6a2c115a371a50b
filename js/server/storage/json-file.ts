/**
 * The JSON-file mode (`STATE_FILE=path.json`): the file is read and
 * validated once at start and loaded twice: into an in-memory SQLite
 * database, which serves requests with the same storage code as a real
 * database, and into a `PermissionStore`, the image of the file. Every
 * request that writes is applied to the store too (the same call, O(1),
 * its answer checked against the database's), and before each commit the
 * store's state replaces the file atomically: O(state) per commit (one per
 * group of concurrent writes), as this legacy mode always was, but without
 * reading the database back and validating it again. A failed file write
 * rolls the change back; the store is then rebuilt from the database.
 */
import { promises as fs } from "node:fs";
import { dirname } from "node:path";
import { PermissionStore, StateError, type CanonicalState, type State } from "whmcs-permissions";
import { describe, readStateFile, StateFileError, writeStateFileAtomic } from "../../state-file.js";
import { StartupError } from "../config.js";
import { canonical } from "./bulk.js";
import { ChangeMissed } from "./changes.js";
import { Storage } from "./index.js";

/**
 * Opens `path`, creating it from `sample()` when it does not exist. A file
 * that cannot be read, is not JSON, or holds a state the core rejects is a
 * `StartupError` and is left exactly as it is.
 */
export async function openJsonFile(path: string, sample: () => Promise<State>): Promise<Storage> {
  const exists = await fs.lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw new StartupError(`${path}: cannot read the state file (${describe(error)})`, true);
    },
  );
  let raw: unknown;
  if (exists) {
    try {
      raw = await readStateFile(path);
    } catch (error) {
      if (error instanceof StateFileError) throw new StartupError(error.message, true);
      throw error;
    }
  } else raw = await sample();
  let state;
  try {
    state = canonical(raw);
  } catch (error) {
    if (error instanceof StateError) throw new StartupError(`${path}: invalid state: ${error.message}`, exists);
    throw error;
  }
  if (!exists) {
    try {
      await fs.mkdir(dirname(path), { recursive: true });
      await writeStateFileAtomic(path, state);
    } catch (error) {
      throw new StartupError(`${path}: cannot create the state file (${describe(error)})`);
    }
  }
  const image = new FileImage(state);
  const storage: Storage = await Storage.open(
    { engine: "sqlite", path: ":memory:", label: `json-file:${path}` },
    {
      afterWrite: (command, params, outcome) => image.apply(command, params, outcome),
      beforeCommit: async (tx) => {
        try {
          await writeStateFileAtomic(path, await image.state(() => storage.exportWithin(tx)));
        } catch (error) {
          image.lost(); // this group's calls are in the store, and now rolled back in the database
          throw error;
        }
      },
    },
  );
  await storage.importState(state);
  return storage;
}

/** The state the file holds after the next commit: a store that every committed call was applied to. */
class FileImage {
  /** Undefined: out of step with the database (a rolled-back group), rebuilt from it at the next write. */
  private store: PermissionStore | undefined;

  constructor(state: CanonicalState) {
    this.store = PermissionStore.fromState(state);
  }

  /** Applies a call the database just wrote; a different answer than the database's rolls the request back. */
  apply(command: string, params: Record<string, unknown>, outcome: { response: unknown; changes: unknown }): void {
    if (!this.store) return; // rebuilt from the database (this call included) before the file is written
    const mine = this.store.localApi(command, params);
    if (JSON.stringify(mine.response) !== JSON.stringify(outcome.response) || JSON.stringify(mine.changes) !== JSON.stringify(outcome.changes)) {
      this.lost();
      throw new ChangeMissed(`${command}: the state file's store answered ${JSON.stringify(mine)}, the database ${JSON.stringify(outcome)}`);
    }
  }

  /** The state to write; `fromDatabase` (inside the commit's transaction) when the store is out of step. */
  async state(fromDatabase: () => Promise<CanonicalState>): Promise<CanonicalState> {
    if (!this.store) this.store = PermissionStore.fromState(await fromDatabase());
    return this.store.toState();
  }

  lost(): void {
    this.store?.free();
    this.store = undefined;
  }
}
