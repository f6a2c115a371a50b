/**
 * `whmcs-permissions <Command> --state FILE key=value ...`: runs one WHMCS
 * API command on a state file, prints the response, and writes the new state
 * back (atomically) when the command succeeded and changed something.
 *
 * Exit codes: 0 success, 1 a WHMCS error response, 2 bad usage or a state
 * file that cannot be read, parsed, validated or written.
 */
import { formatResponse, localApi, StateError, type State } from "whmcs-permissions";
import { describe, readStateFile, StateFileError, writeStateFileAtomic } from "./state-file.js";

const USAGE = `Usage: whmcs-permissions <Command> --state FILE [--xml] [key=value ...]

Runs one WHMCS API command on the state in FILE and prints the WHMCS response.
When the command succeeds and changes something, the new state is written back
to FILE atomically; otherwise FILE is left untouched.

Commands (matched case-insensitively, as in WHMCS):
  UpdateUserPermissions  user_id=ID client_id=ID permissions=a,b,...
  GetUserPermissions     user_id=ID client_id=ID
  DeleteUserClient       user_id=ID client_id=ID
  CreateClientInvite     client_id=ID email=ADDRESS permissions=a,b,...
  GetPermissionsList

Options:
  --state FILE   the state JSON file (users, clients, user_clients, invites)
  --xml          print the response as WHMCS XML
  --json         print the response as JSON (the default)
  -h, --help     print this help

Params:
  key=value      a command param, passed as a string, as a form post carries it
  key[]=value    appends to an array param; a repeated key=value does too

Exit codes:
  0  success
  1  the command answered with a WHMCS error ({"result":"error",...})
  2  bad usage, or the state file cannot be read, parsed, validated or written

Example:
  whmcs-permissions UpdateUserPermissions --state data/state.json \\
    user_id=2 client_id=1 permissions=profile,invoices
`;

class UsageError extends Error {}

interface Invocation {
  command: string;
  stateFile: string;
  format: "json" | "xml";
  params: Record<string, unknown>;
}

/** Reads argv into an invocation; `"help"` when help was asked for. */
function parseArgs(argv: readonly string[]): Invocation | "help" {
  let command: string | undefined;
  let stateFile: string | undefined;
  let format: "json" | "xml" = "json";
  const params: Record<string, unknown> = {};
  let optionsDone = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!optionsDone && arg.startsWith("-")) {
      if (arg === "--") optionsDone = true;
      else if (arg === "-h" || arg === "--help") return "help";
      else if (arg === "--xml") format = "xml";
      else if (arg === "--json") format = "json";
      else if (arg === "--state") {
        const value = argv[++i];
        if (value === undefined || value === "") throw new UsageError("--state needs a file name");
        stateFile = value;
      } else if (arg.startsWith("--state=")) {
        stateFile = arg.slice("--state=".length);
        if (stateFile === "") throw new UsageError("--state needs a file name");
      } else throw new UsageError(`unknown option ${arg}`);
    } else if (arg.includes("=")) {
      addParam(params, arg);
    } else if (command === undefined) {
      command = arg;
    } else {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (params are key=value)`);
    }
  }
  if (command === undefined) throw new UsageError("no command given");
  if (stateFile === undefined) throw new UsageError("--state FILE is required");
  return { command, stateFile, format, params };
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

async function main(argv: readonly string[]): Promise<number> {
  let invocation: Invocation | "help";
  try {
    invocation = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`whmcs-permissions: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (invocation === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const { command, stateFile, format, params } = invocation;

  let outcome: ReturnType<typeof localApi>;
  try {
    const state = (await readStateFile(stateFile)) as State;
    outcome = localApi(command, params, state);
  } catch (error) {
    if (error instanceof StateFileError) {
      process.stderr.write(`whmcs-permissions: ${error.message}\n`);
      return 2;
    }
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
      process.stderr.write(`whmcs-permissions: ${stateFile}: cannot write the new state (${describe(error)}); nothing was changed\n`);
      return 2;
    }
  }
  const text = formatResponse(response, format, command);
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  return response.result === "success" ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`whmcs-permissions: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
