/**
 * The public API over the WebAssembly core. Every function forwards to the
 * core and converts what it throws; no rule lives here.
 */
import * as core from "./glue.js";
import { StateError } from "./errors.js";
import type { PermissionName } from "./generated.js";
import type {
  AddUserParams,
  ApiResponse,
  CommandInfo,
  CreateClientInviteParams,
  DeleteUserClientParams,
  ErrorResponse,
  GetUserPermissionsParams,
  GetUsersParams,
  Id,
  InitInput,
  Outcome,
  PermissionsResponse,
  ReadPlan,
  ResetPasswordParams,
  ResponseFormat,
  State,
  SuccessResponse,
  UpdateUserParams,
  UpdateUserPermissionsParams,
  UserIdResponse,
  UsersResponse,
} from "./types.js";

let ready = false;
let loading: Promise<void> | undefined;

const NOT_READY =
  "whmcs-permissions: the WebAssembly module is not loaded yet; `await init()` before calling the API";

/** Throws unless the module is loaded. @internal */
export function checkReady(): void {
  if (!ready) throw new Error(NOT_READY);
  if (resetPending) reset();
}

let generation = 0;
let depth = 0;
const MAX_DEPTH = 32;

/**
 * Which instance is live: bumped each time a trapped instance is replaced,
 * so stores made on an older one know they are gone. @internal
 */
export function instanceGeneration(): number {
  return generation;
}

/** Runs `f` on the loaded core, rethrowing what it throws as our classes. @internal */
export function call<T>(f: (c: typeof core) => T): T {
  checkReady();
  // A getter or proxy trap in an argument may call the API again; bound
  // that, so the JS stack never runs out inside WebAssembly frames.
  if (depth >= MAX_DEPTH) {
    throw new Error(`whmcs-permissions: calls nested more than ${MAX_DEPTH} deep (from getters or proxy traps)`);
  }
  depth++;
  try {
    return f(core);
  } catch (error) {
    throw recover(error);
  } finally {
    depth--;
  }
}

/** Set when replacing a trapped instance failed: the next call tries again. */
let resetPending = false;

/**
 * A new instance of the same compiled module, synchronously: wasm-bindgen's
 * `__wbg_reset_state` (built with `--experimental-reset-state-function`).
 * Objects of the old instance are refused from then on, and its finalizers
 * never free into the new one.
 */
function reset(): void {
  core.__wbg_reset_state();
  core.setErrorClass(StateError);
  resetPending = false;
}

/**
 * A `WebAssembly.RuntimeError` means the instance trapped (a bug, or a
 * resource limit of the engine such as its 10 million JS references): its
 * memory can no longer be trusted. Replace it with a fresh instance of the
 * same compiled module and answer with an `Error` that says so; anything
 * else passes through. See SECURITY.md. @internal
 */
export function recover(error: unknown): unknown {
  if (!(error instanceof WebAssembly.RuntimeError)) return error;
  generation++;
  let replaced = "a fresh instance replaced it";
  try {
    reset();
  } catch (e) {
    // Out of memory, say: the next call tries again.
    resetPending = true;
    replaced = `no fresh instance could be made yet (${e instanceof Error ? e.message : String(e)}), the next call tries again`;
  }
  return new Error(
    `whmcs-permissions: internal error: the WebAssembly instance trapped (${error.message}); ` +
      `the call had no effect and ${replaced} (PermissionStores made before are gone)`,
    { cause: error },
  );
}

/** Loads the module synchronously from bytes or a compiled module (Node entries). @internal */
export function initSync(module: BufferSource | WebAssembly.Module): void {
  if (ready) return;
  core.initSync({ module });
  instantiated();
}

/** A new instance is live: hand it the class its state faults are thrown as. */
function instantiated(): void {
  core.setErrorClass(StateError);
  ready = true;
}

/**
 * @internal
 * Loads the module from `input`, or from `fallback()` when none is given.
 * Idempotent and safe to call concurrently: every caller awaits one load.
 */
export function initFrom(input: InitInput | undefined, fallback: () => InitInput): Promise<void> {
  if (ready) return Promise.resolve();
  loading ??= core.default({ module_or_path: input ?? fallback() }).then(
    () => instantiated(),
    (error: unknown) => {
      loading = undefined; // a failed load may be retried
      throw error;
    },
  );
  return loading;
}

/** Whether the module is loaded and the API callable. */
export function isReady(): boolean {
  return ready;
}

/** `UpdateUserPermissions`: replace a linked user's permissions on a client. */
export function updateUserPermissions(
  state: State,
  params: UpdateUserPermissionsParams,
): Outcome<SuccessResponse | ErrorResponse> {
  return call((c) => c.updateUserPermissions(state, params));
}

/** `DeleteUserClient`: remove a user's access to a client. */
export function deleteUserClient(
  state: State,
  params: DeleteUserClientParams,
): Outcome<SuccessResponse | ErrorResponse> {
  return call((c) => c.deleteUserClient(state, params));
}

/** `CreateClientInvite`: invite an email address to a client. */
export function createClientInvite(
  state: State,
  params: CreateClientInviteParams,
): Outcome<SuccessResponse | ErrorResponse> {
  return call((c) => c.createClientInvite(state, params));
}

/**
 * `AddUser`: append a user with the next id. `password2` is only checked for
 * presence; hash it yourself when you store the `add_user` change.
 */
export function addUser(state: State, params: AddUserParams): Outcome<UserIdResponse | ErrorResponse> {
  return call((c) => c.addUser(state, params));
}

/** `UpdateUser`: set a user's first name, last name, email or language. */
export function updateUser(state: State, params: UpdateUserParams): Outcome<UserIdResponse | ErrorResponse> {
  return call((c) => c.updateUser(state, params));
}

/** `ResetPassword`: find the user (by `id`, else `email`); the `reset_password` change says whom to mail. */
export function resetPassword(state: State, params: ResetPasswordParams): Outcome<SuccessResponse | ErrorResponse> {
  return call((c) => c.resetPassword(state, params));
}

/** `GetUsers`: users searched, sorted by id and paged. */
export function getUsers(state: State, params: GetUsersParams = {}): UsersResponse | ErrorResponse {
  return call((c) => c.getUsers(state, params));
}

/**
 * GetUsers for a backend that pages in its database: `slice` holds exactly
 * the page's users (by `readPlan(...).users_page`) with their clients and
 * links, `totalresults` how many users matched. The core renders the page.
 */
export function getUsersPage(slice: State, params: GetUsersParams, totalresults: number): UsersResponse | ErrorResponse {
  return call((c) => c.getUsersPage(slice, params, totalresults));
}

/**
 * Which records `command` reads for `params`: what a storage backend loads
 * into the slice it runs the command on (a valid state). Throws `TypeError`
 * as `localApi` does for a non-string command or non-object params.
 */
export function readPlan(command: string, params: Record<string, unknown>): ReadPlan {
  return call((c) => c.readPlan(command, params));
}

/** The form texts are matched and searched in: the whole string's full Unicode lowercase. */
export function matchKey(text: string): string {
  return call((c) => c.matchKey(text));
}

/** The format an API request asks for: `responsetype` `xml` (after PHP trim, any case), else `json`. */
export function responseFormat(params: Record<string, unknown>): ResponseFormat {
  return call((c) => c.responseFormat(params)) as ResponseFormat;
}

let commands: readonly CommandInfo[] | undefined;

/** The nine commands: name, params in WHMCS's order, and whether each can write. */
export function commandTable(): readonly CommandInfo[] {
  commands ??= Object.freeze(
    call((c) => c.commandTable() as CommandInfo[]).map((row) => Object.freeze({ ...row, params: Object.freeze(row.params) })),
  ) as readonly CommandInfo[];
  return commands;
}

/** `GetUserPermissions`: the owner holds all 13; a linked user the link's set. */
export function getUserPermissions(
  state: State,
  params: GetUserPermissionsParams,
): PermissionsResponse | ErrorResponse {
  return call((c) => c.getUserPermissions(state, params));
}

/** `GetPermissionsList`: the 13 names in canonical order. Ignores its arguments. */
export function getPermissionsList(..._ignored: unknown[]): PermissionsResponse {
  return call((c) => c.getPermissionsList());
}

/**
 * WHMCS `localAPI($command, $postData)`: command names match
 * case-insensitively; anything else answers `Command Not Found`.
 */
export function localApi(command: string, postData: Record<string, unknown>, state: State): Outcome<ApiResponse> {
  return call((c) => c.localApi(command, postData, state));
}

/**
 * Whether a user holds `permission` on a client. The owner holds all;
 * an invalid id or an unknown user or client gives `false`; a name that is
 * not one of the 13 throws a `TypeError`.
 */
export function hasPermission(state: State, userId: Id, clientId: Id, permission: PermissionName): boolean {
  return call((c) => c.hasPermission(state, userId, clientId, permission));
}

/**
 * `{"result":"error","message":"Authentication Failed"}`: what a WHMCS API
 * endpoint answers when the credentials are wrong or missing.
 */
export function authenticationFailed(): ErrorResponse {
  return call((c) => c.authenticationFailed());
}

/**
 * The size of the WebAssembly linear memory in bytes. A diagnostic for
 * capacity planning: it grows with the stores you hold, never shrinks.
 */
export function wasmMemoryBytes(): number {
  return call((c) => c.wasmMemoryBytes());
}

/** Renders a response as WHMCS's API does: `JSON.stringify` bytes, or its XML. */
export function formatResponse(response: ApiResponse, format: ResponseFormat, command?: string): string {
  return call((c) => c.formatResponse(response, format, command));
}
