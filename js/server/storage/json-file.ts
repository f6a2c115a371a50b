/**
 * The JSON-file mode (`STATE_FILE=path.json`): the file is read and
 * validated once at start, loaded into an in-memory SQLite database, and
 * served by the same storage code as a real database. Inside every
 * transaction that writes, the whole state is exported and the file
 * replaced atomically before the commit: O(state) per write, as this
 * legacy mode always was, and a failed file write rolls the change back.
 */
import { promises as fs } from "node:fs";
import { dirname } from "node:path";
import { StateError, type State } from "whmcs-permissions";
import { describe, readStateFile, StateFileError, writeStateFileAtomic } from "../../state-file.js";
import { StartupError } from "../config.js";
import { canonical } from "./bulk.js";
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
  const storage: Storage = await Storage.open(
    { engine: "sqlite", path: ":memory:", label: `json-file:${path}` },
    { beforeCommit: async (tx) => writeStateFileAtomic(path, await storage.exportWithin(tx)) },
  );
  await storage.importState(state);
  return storage;
}
