/** Everything every entry exports (each entry adds its own `init`). */
export {
  addUser,
  authenticationFailed,
  commandTable,
  createClientInvite,
  deleteUserClient,
  formatResponse,
  getPermissionsList,
  getUserPermissions,
  getUsers,
  getUsersPage,
  hasPermission,
  isReady,
  localApi,
  matchKey,
  readPlan,
  resetPassword,
  responseFormat,
  updateUser,
  updateUserPermissions,
  wasmMemoryBytes,
} from "./api.js";
export { StateError } from "./errors.js";
export { PermissionStore, type BatchCall, type BatchOutcome, type StoreOutcome } from "./store.js";
export { PERMISSIONS, type PermissionName } from "./generated.js";
export type * from "./types.js";
