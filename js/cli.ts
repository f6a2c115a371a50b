/**
 * `whmcs-permissions <Command> --state FILE key=value ...`: runs one WHMCS
 * API command on a state file, prints the response, and writes the new state
 * back (atomically) when the command succeeded and changed something.
 * `--db URL` runs it on a database instead (the rows it reads, in one
 * transaction); `import` and `export` move a whole state in and out.
 *
 * Exit codes: 0 success, 1 a WHMCS error response, 2 bad usage or a state
 * file or database that cannot be read, parsed, validated or written.
 */
import { commandTable, formatResponse, localApi, StateError, type ApiResponse, type State } from "whmcs-permissions";
import { describe, readStateFile, StateFileError, writeStateFileAtomic } from "./state-file.js";
import {
  ConfigError,
  DatabaseUnavailable,
  DriverMissing,
  NotEmpty,
  parseDatabaseUrl,
  RowRejected,
  SchemaTooNew,
  Storage,
} from "./server/storage/index.js";

const usage = () => `Usage: whmcs-permissions <Command> (--state FILE | --db URL) [--xml] [key=value ...]
       whmcs-permissions import --db URL [--replace] FILE.json
       whmcs-permissions export --db URL

Runs one WHMCS API command on the state in FILE and prints the WHMCS response.
When the command succeeds and changes something, the new state is written back
to FILE atomically; otherwise FILE is left untouched. With --db, the command
runs on the database's rows it reads and its changes are committed in one
transaction.

import loads the state in FILE.json (validated first) into an empty database,
creating the tables; a database that holds rows is refused unless --replace.
export prints the database's state as JSON.

Commands (matched case-insensitively, as in WHMCS) and their params:
${commandTable()
  .map((c) => `  ${c.name.padEnd(22)} ${c.params.join(" ")}`.trimEnd())
  .join("\n")}

Options:
  --state FILE   the state JSON file (users, clients, user_clients, invites)
  --db URL       a database: sqlite:PATH, mysql://USER:PASS@HOST:PORT/DB or mariadb://...
  --replace      import: replace the state a database holds
  --xml          print the response as WHMCS XML
  --json         print the response as JSON (the default)
  -h, --help     print this help

Params:
  key=value      a command param, passed as a string, as a form post carries it
  key[]=value    appends to an array param; a repeated key=value does too

Exit codes:
  0  success
  1  the command answered with a WHMCS error ({"result":"error",...})
  2  bad usage, or the state file or database cannot be read, parsed, validated or written

Examples:
  whmcs-permissions UpdateUserPermissions --state data/state.json \\
    user_id=2 client_id=1 permissions=profile,invoices
  whmcs-permissions import --db sqlite:data/whmcs.sqlite state.json
  whmcs-permissions GetUserPermissions --db mysql://whmcs:secret@127.0.0.1:3306/whmcs user_id=2 client_id=1
`;

class UsageError extends Error {}

type Source = { kind: "state"; file: string } | { kind: "db"; url: string };

type Invocation =
  | { kind: "command"; command: string; source: Source; format: "json" | "xml"; params: Record<string, unknown> }
  | { kind: "import"; url: string; file: string; replace: boolean }
  | { kind: "export"; url: string };

/** Reads argv into an invocation; `"help"` when help was asked for. */
function parseArgs(argv: readonly string[]): Invocation | "help" {
  let command: string | undefined;
  let stateFile: string | undefined;
  let dbUrl: string | undefined;
  let replace = false;
  let format: "json" | "xml" = "json";
  const params: Record<string, unknown> = {};
  const positional: string[] = [];
  let optionsDone = false;

  const valueOf = (arg: string, name: string, next: () => string | undefined, what: string): string => {
    const value = arg === name ? next() : arg.slice(name.length + 1);
    if (value === undefined || value === "") throw new UsageError(`${name} needs ${what}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = () => argv[++i];
    if (!optionsDone && arg.startsWith("-")) {
      if (arg === "--") optionsDone = true;
      else if (arg === "-h" || arg === "--help") return "help";
      else if (arg === "--xml") format = "xml";
      else if (arg === "--json") format = "json";
      else if (arg === "--replace") replace = true;
      else if (arg === "--state" || arg.startsWith("--state=")) stateFile = valueOf(arg, "--state", next, "a file name");
      else if (arg === "--db" || arg.startsWith("--db=")) dbUrl = valueOf(arg, "--db", next, "a database URL");
      else throw new UsageError(`unknown option ${arg}`);
    } else if (command === undefined && !arg.includes("=")) {
      command = arg;
    } else if (command === "import" || command === "export") {
      positional.push(arg);
    } else if (arg.includes("=")) {
      addParam(params, arg);
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (params are key=value)`);
    }
  }
  if (command === undefined) throw new UsageError("no command given");
  if (stateFile !== undefined && dbUrl !== undefined) throw new UsageError("give --state FILE or --db URL, not both");
  if (command === "import" || command === "export") {
    if (dbUrl === undefined) throw new UsageError(`${command} needs --db URL`);
    if (stateFile !== undefined) throw new UsageError(`${command} works on a database (--db URL), not --state`);
    if (command === "export") {
      if (positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(positional[0])}`);
      return { kind: "export", url: dbUrl };
    }
    if (positional.length !== 1) throw new UsageError("import needs one FILE.json");
    return { kind: "import", url: dbUrl, file: positional[0]!, replace };
  }
  if (replace) throw new UsageError("--replace is for import");
  if (stateFile === undefined && dbUrl === undefined) throw new UsageError("--state FILE or --db URL is required");
  const source: Source = dbUrl !== undefined ? { kind: "db", url: dbUrl } : { kind: "state", file: stateFile! };
  return { kind: "command", command, source, format, params };
}

/** `key=value` sets a param; `key[]=value` or a repeated key makes an array. */
function addParam(params: Record<string, unknown>, arg: string): void {
  const eq = arg.indexOf("=");
  let key = arg.slice(0, eq);
  const value = arg.slice(eq + 1);
  const append = key.endsWith("[]");
  if (append) key = key.slice(0, -2);
  if (key === "") throw new UsageError(`a param needs a name: ${JSON.stringify(arg)}`);
  const existing = Object.prototype.hasOwnProperty.call(params, key) ? params[key] : undefined;
  let next: unknown;
  if (Array.isArray(existing)) next = [...(existing as unknown[]), value];
  else if (existing !== undefined) next = [existing, value];
  else next = append ? [value] : value;
  // defineProperty keeps a key such as `__proto__` an ordinary own param.
  Object.defineProperty(params, key, { value: next, enumerable: true, writable: true, configurable: true });
}

const fail = (message: string): number => {
  process.stderr.write(`whmcs-permissions: ${message}\n`);
  return 2;
};

/** Opens a database for the CLI; what cannot be opened is printed and answered with exit code 2. */
async function openDatabase(text: string): Promise<Storage | number> {
  try {
    return await Storage.open(parseDatabaseUrl(text));
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DriverMissing || error instanceof SchemaTooNew || error instanceof DatabaseUnavailable) {
      return fail(error.message);
    }
    throw error;
  }
}

/** A storage failure while running: printed, exit code 2. */
function storageError(error: unknown): number {
  if (error instanceof DatabaseUnavailable || error instanceof RowRejected || error instanceof NotEmpty) return fail(error.message);
  throw error;
}

async function runImport(url: string, file: string, replace: boolean): Promise<number> {
  let raw: unknown;
  try {
    raw = await readStateFile(file);
  } catch (error) {
    if (error instanceof StateFileError) return fail(error.message);
    throw error;
  }
  const storage = await openDatabase(url);
  if (typeof storage === "number") return storage;
  const started = Date.now();
  try {
    const counts = await storage.importState(raw, { replace });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `whmcs-permissions: imported ${counts.users} users, ${counts.clients} clients, ${counts.user_clients} links, ` +
        `${counts.invites} invites into ${storage.label} in ${seconds} s\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof StateError) {
      process.stderr.write(`${error.message}\nwhmcs-permissions: ${file} holds an invalid state; nothing was imported\n`);
      return 2;
    }
    return storageError(error);
  } finally {
    await storage.close();
  }
}

async function runExport(url: string): Promise<number> {
  const storage = await openDatabase(url);
  if (typeof storage === "number") return storage;
  try {
    const state = await storage.exportState();
    process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    return 0;
  } catch (error) {
    return storageError(error);
  } finally {
    await storage.close();
  }
}

/** One command on a database: the rows it reads, its changes committed before the answer is printed. */
async function runOnDatabase(url: string, command: string, params: Record<string, unknown>): Promise<ApiResponse | number> {
  const storage = await openDatabase(url);
  if (typeof storage === "number") return storage;
  try {
    return (await storage.execute(command, params)).response;
  } catch (error) {
    return storageError(error);
  } finally {
    await storage.close();
  }
}

/** One command on a state file, written back atomically when it changed something. */
async function runOnFile(stateFile: string, command: string, params: Record<string, unknown>): Promise<ApiResponse | number> {
  let outcome: ReturnType<typeof localApi>;
  try {
    const state = (await readStateFile(stateFile)) as State;
    outcome = localApi(command, params, state);
  } catch (error) {
    if (error instanceof StateFileError) return fail(error.message);
    if (error instanceof StateError) {
      // The message starts with the JSON path of the fault, e.g. `state.users[1].id: ...`.
      process.stderr.write(`${error.message}\nwhmcs-permissions: ${stateFile} holds an invalid state; nothing was run\n`);
      return 2;
    }
    throw error;
  }
  const { response, state, changes } = outcome;
  if (response.result === "success" && changes.length > 0) {
    try {
      await writeStateFileAtomic(stateFile, state);
    } catch (error) {
      return fail(`${stateFile}: cannot write the new state (${describe(error)}); nothing was changed`);
    }
  }
  return response;
}

async function main(argv: readonly string[]): Promise<number> {
  let invocation: Invocation | "help";
  try {
    invocation = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`whmcs-permissions: ${error.message}\n\n${usage()}`);
    return 2;
  }
  if (invocation === "help") {
    process.stdout.write(usage());
    return 0;
  }
  if (invocation.kind === "import") return runImport(invocation.url, invocation.file, invocation.replace);
  if (invocation.kind === "export") return runExport(invocation.url);

  const { command, source, format, params } = invocation;
  const response =
    source.kind === "db" ? await runOnDatabase(source.url, command, params) : await runOnFile(source.file, command, params);
  if (typeof response === "number") return response;
  const text = formatResponse(response, format, command);
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  return response.result === "success" ? 0 : 1;
}

// `export ... | head`: a reader that stops early is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`whmcs-permissions: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
