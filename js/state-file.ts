/**
 * A state kept in a JSON file, shared by the CLI and the demo server:
 * reading it with errors that name the file, and replacing it atomically.
 * No domain rule lives here; the state itself is validated by the core.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The file could not be read or is not JSON. `message` starts with the file's path. */
export class StateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateFileError";
  }
}

/**
 * Reads and parses `path`. Throws a `StateFileError` (`<path>: ...`) when it
 * is missing, unreadable or not JSON; whether the JSON is a valid state is
 * the core's call (it throws `StateError` on first use).
 */
export async function readStateFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(path, "utf8");
  } catch (error) {
    throw new StateFileError(`${path}: cannot read the state file (${describe(error)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StateFileError(`${path}: the state file is not valid JSON (${describe(error)})`);
  }
}

/**
 * Replaces `path` with `value` as pretty-printed JSON, atomically: the text
 * goes to a temporary file in the same directory, is flushed to disk, renamed
 * over the target, and the directory is flushed too. A reader (or a crash)
 * sees the old file or the new one, never a torn one. A symlink is followed,
 * so the file it points at is replaced, and the file keeps its mode.
 */
export async function writeStateFileAtomic(path: string, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  const target = await fs.realpath(path).catch(() => path);
  const dir = dirname(target);
  const mode = await fs.stat(target).then(
    (s) => s.mode & 0o7777,
    () => 0o644,
  );
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const file = await fs.open(temp, "wx", mode);
  try {
    try {
      await file.writeFile(text, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Flushes a directory entry (the rename) to disk; a no-op where directories cannot be opened. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(dir, "r");
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows, some network filesystems) refuse fsync on a directory.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EPERM" && code !== "EISDIR") throw error;
  } finally {
    await handle.close();
  }
}

/** A short description of a caught value, for messages. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
