/**
 * `PermissionStore`: a state validated once and indexed inside WebAssembly,
 * so each call costs the same however large the state is.
 */
import * as core from "../target/js-glue/whmcs_permissions.js";
import { checkReady, call } from "./api.js";
import { PERMISSIONS, type PermissionName } from "./generated.js";
import type {
  ApiResponse,
  Change,
  CreateClientInviteParams,
  DeleteUserClientParams,
  ErrorResponse,
  GetUserPermissionsParams,
  Id,
  PermissionsResponse,
  CanonicalState,
  State,
  SuccessResponse,
  UpdateUserPermissionsParams,
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

const PERMISSION_INDEX = new Map<unknown, number>(PERMISSIONS.map((name, i) => [name, i]));

// Frees the WebAssembly memory of stores that were dropped without `free()`.
const finalizer =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<core.RawPermissionStore>((raw) => raw.free())
    : undefined;

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

  private constructor(raw: core.RawPermissionStore) {
    this.#raw = raw;
    finalizer?.register(this, raw, this);
  }

  /** Validates the whole state once (throws `StateError` as every call does) and indexes it. */
  static fromState(state: State): PermissionStore {
    checkReady();
    return new PermissionStore(call(() => core.RawPermissionStore.fromState(state)));
  }

  #store(): core.RawPermissionStore {
    if (this.#raw === undefined) throw new Error("whmcs-permissions: this PermissionStore has been freed");
    return this.#raw;
  }

  /** WHMCS `localAPI($command, $postData)` on the store's state. */
  localApi(command: string, postData: Record<string, unknown>): StoreOutcome {
    const store = this.#store();
    return call(() => store.localApi(command, postData));
  }

  updateUserPermissions(params: UpdateUserPermissionsParams): StoreOutcome<SuccessResponse | ErrorResponse> {
    const store = this.#store();
    return call(() => store.updateUserPermissions(params));
  }

  deleteUserClient(params: DeleteUserClientParams): StoreOutcome<SuccessResponse | ErrorResponse> {
    const store = this.#store();
    return call(() => store.deleteUserClient(params));
  }

  createClientInvite(params: CreateClientInviteParams): StoreOutcome<SuccessResponse | ErrorResponse> {
    const store = this.#store();
    return call(() => store.createClientInvite(params));
  }

  getUserPermissions(params: GetUserPermissionsParams): PermissionsResponse | ErrorResponse {
    const store = this.#store();
    return call(() => store.getUserPermissions(params));
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
    const store = this.#store();
    const index = PERMISSION_INDEX.get(permission);
    // Numbers and a known name cross the boundary as numbers; anything else
    // takes the general path, where the core parses and reports.
    if (index !== undefined && typeof userId === "number" && typeof clientId === "number") {
      return store.hasPermissionIndexed(userId, clientId, index);
    }
    return call(() => store.hasPermission(userId, clientId, permission));
  }

  /**
   * Runs calls in order. With `{ atomic: true }` the first call that answers
   * with an error stops the batch and everything the batch applied is undone.
   * A malformed call (`{command: string, params: object}` expected) throws a
   * `TypeError` before anything runs.
   */
  applyBatch(calls: readonly BatchCall[], opts: { atomic?: boolean } = {}): BatchOutcome {
    const store = this.#store();
    return call(() => store.applyBatch(calls, opts.atomic === true));
  }

  /** The state: a new object in canonical form, unknown fields and record order kept. */
  toState(): CanonicalState {
    const store = this.#store();
    return call(() => store.toState());
  }

  /** Releases the store's WebAssembly memory; later calls throw. Safe to call twice. */
  free(): void {
    const raw = this.#raw;
    if (raw === undefined) return;
    this.#raw = undefined;
    finalizer?.unregister(this);
    raw.free();
  }

  /** `using store = PermissionStore.fromState(...)` frees it at the end of the block. */
  [Symbol.dispose](): void {
    this.free();
  }
}
