/** Everything every entry exports (each entry adds its own `init`). */
export {
  authenticationFailed,
  createClientInvite,
  deleteUserClient,
  formatResponse,
  getPermissionsList,
  getUserPermissions,
  hasPermission,
  isReady,
  localApi,
  updateUserPermissions,
  wasmMemoryBytes,
} from "./api.js";
export { StateError } from "./errors.js";
export { PermissionStore, type BatchCall, type BatchOutcome, type StoreOutcome } from "./store.js";
export { PERMISSIONS, type PermissionName } from "./generated.js";
export type * from "./types.js";
