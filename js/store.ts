/**
 * `PermissionStore`: a state validated once and indexed inside WebAssembly,
 * so each call costs the same however large the state is.
 */
import * as core from "./glue.js";
import { checkReady, call, instanceGeneration } from "./api.js";
import type { PermissionName } from "./generated.js";
import type {
  AddUserParams,
  ApiResponse,
  Change,
  CommandName,
  CreateClientInviteParams,
  DeleteUserClientParams,
  ErrorResponse,
  GetUserPermissionsParams,
  GetUsersParams,
  Id,
  PermissionsResponse,
  CanonicalState,
  ResetPasswordParams,
  State,
  SuccessResponse,
  UpdateUserParams,
  UpdateUserPermissionsParams,
  UserIdResponse,
  UsersResponse,
} from "./types.js";

/** What a store call returns: the state lives in the store. */
export interface StoreOutcome<R extends ApiResponse = ApiResponse> {
  response: R;
  changes: Change[];
}

/** One call of a batch. */
export interface BatchCall {
  command: string;
  params: Record<string, unknown>;
}

/** What `applyBatch` returns. */
export interface BatchOutcome {
  /** One response per call that ran; an atomic batch stops at its first error. */
  responses: ApiResponse[];
  /** The changes in effect (`[]` when an atomic batch failed). */
  changes: Change[];
  /** The index of the first call that answered with an error, or `null`. */
  failedIndex: number | null;
}


/**
 * A validated, indexed state that commands update in place.
 *
 * ```ts
 * using store = PermissionStore.fromState(state);   // or call store.free()
 * store.updateUserPermissions({ user_id: 2, client_id: 1, permissions: "profile" });
 * store.hasPermission(2, 1, "profile");             // true
 * const next = store.toState();
 * ```
 */
export class PermissionStore {
  #raw: core.RawPermissionStore | undefined;
  readonly #generation = instanceGeneration();
  #busy = false;

  // A store dropped without `free()` is freed by the glue's own finalizer,
  // on the instance that made it (skipped once that instance was replaced).
  private constructor(raw: core.RawPermissionStore) {
    this.#raw = raw;
  }

  /** Validates the whole state once (throws `StateError` as every call does) and indexes it. */
  static fromState(state: State): PermissionStore {
    checkReady();
    return new PermissionStore(call(() => core.RawPermissionStore.fromState(state)));
  }

  #store(): core.RawPermissionStore {
    if (this.#raw === undefined) throw new Error("whmcs-permissions: this PermissionStore has been freed");
    if (this.#generation !== instanceGeneration()) {
      // Dropped, never freed: its memory went with the old instance.
      this.#raw = undefined;
      throw new Error(
        "whmcs-permissions: this PermissionStore was lost when the WebAssembly instance trapped and was replaced; " +
          "make a new one with PermissionStore.fromState",
      );
    }
    if (this.#busy) {
      // A getter or proxy trap in the arguments of a running call of this store.
      throw new Error("whmcs-permissions: a PermissionStore cannot be used while one of its own calls is running");
    }
    return this.#raw;
  }

  /** Runs `f` on the raw store, one call at a time. */
  #run<T>(f: (store: core.RawPermissionStore) => T): T {
    const store = this.#store();
    this.#busy = true;
    try {
      return call(() => f(store));
    } finally {
      this.#busy = false;
    }
  }

  /** WHMCS `localAPI($command, $postData)` on the store's state. */
  localApi(command: string, postData: Record<string, unknown>): StoreOutcome {
    return this.#run((store) => store.localApi(command, postData));
  }

  /** Runs one command of the table by its exact WHMCS name. */
  #command<R extends ApiResponse>(name: CommandName, params: unknown): StoreOutcome<R> {
    return this.#run((store) => store.run(name, params)) as StoreOutcome<R>;
  }

  updateUserPermissions(params: UpdateUserPermissionsParams): StoreOutcome<SuccessResponse | ErrorResponse> {
    return this.#command("UpdateUserPermissions", params);
  }

  deleteUserClient(params: DeleteUserClientParams): StoreOutcome<SuccessResponse | ErrorResponse> {
    return this.#command("DeleteUserClient", params);
  }

  createClientInvite(params: CreateClientInviteParams): StoreOutcome<SuccessResponse | ErrorResponse> {
    return this.#command("CreateClientInvite", params);
  }

  /** `AddUser` (the email check is an index lookup). */
  addUser(params: AddUserParams): StoreOutcome<UserIdResponse | ErrorResponse> {
    return this.#command("AddUser", params);
  }

  /** `UpdateUser` (the email check is an index lookup). */
  updateUser(params: UpdateUserParams): StoreOutcome<UserIdResponse | ErrorResponse> {
    return this.#command("UpdateUser", params);
  }

  /** `ResetPassword`. */
  resetPassword(params: ResetPasswordParams): StoreOutcome<SuccessResponse | ErrorResponse> {
    return this.#command("ResetPassword", params);
  }

  getUserPermissions(params: GetUserPermissionsParams): PermissionsResponse | ErrorResponse {
    return this.#command<PermissionsResponse | ErrorResponse>("GetUserPermissions", params).response;
  }

  /** `GetUsers`: without `search`, it costs what the page costs, whatever the number of users. */
  getUsers(params: GetUsersParams = {}): UsersResponse | ErrorResponse {
    return this.#command<UsersResponse | ErrorResponse>("GetUsers", params).response;
  }

  /** `GetPermissionsList` (the same for every state). */
  getPermissionsList(): PermissionsResponse {
    return call(() => core.getPermissionsList());
  }

  /**
   * Whether a user holds `permission` on a client (the owner holds all;
   * invalid ids or unknown users/clients give `false`; an unknown name throws
   * `TypeError`).
   */
  hasPermission(userId: Id, clientId: Id, permission: PermissionName): boolean {
    return this.#run((store) => store.hasPermission(userId, clientId, permission));
  }

  /**
   * Runs calls in order. With `{ atomic: true }` the first call that answers
   * with an error stops the batch and everything the batch applied is undone.
   * A malformed call (`{command: string, params: object}` expected) throws a
   * `TypeError` before anything runs.
   */
  applyBatch(calls: readonly BatchCall[], opts: { atomic?: boolean } = {}): BatchOutcome {
    let atomic: boolean;
    try {
      atomic = opts?.atomic === true;
    } catch (e) {
      throw new TypeError(`opts.atomic could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this.#run((store) => store.applyBatch(calls, atomic));
  }

  /** The state: a new object in canonical form, unknown fields and record order kept. */
  toState(): CanonicalState {
    return this.#run((store) => store.toState());
  }

  /** Releases the store's WebAssembly memory; later calls throw. Safe to call twice. */
  free(): void {
    const raw = this.#raw;
    if (raw === undefined) return;
    if (this.#busy) throw new Error("whmcs-permissions: a PermissionStore cannot be freed while one of its own calls is running");
    this.#raw = undefined;
    if (this.#generation === instanceGeneration()) raw.free();
  }

  /** `using store = PermissionStore.fromState(...)` frees it at the end of the block. */
  [Symbol.dispose](): void {
    this.free();
  }
}

// The package's bundles are minified (a faster cold start): keep the class's own name
// for `constructor.name` and util.inspect.
Object.defineProperty(PermissionStore, "name", { value: "PermissionStore" });
