/**
 * The shapes the API reads and returns. Names follow WHMCS (`user_id`,
 * `owner_user_id`, `user_clients`), as in SPEC.md section 2.
 */
import type { PermissionName } from "./generated.js";

/** An id as WHMCS receives it: a number, or a string of ASCII digits (`"0042"`, `" 7 "`). */
export type Id = number | string;

/**
 * A permissions list as WHMCS receives it: `"profile,invoices"` or
 * `["profile", "invoices"]` (each element may hold commas too).
 */
export type PermissionsInput = string | readonly string[];

/** A row of `tblusers`. Extra fields are kept untouched. */
export interface User {
  id: number;
  email?: string;
  [extra: string]: unknown;
}

/** A row of `tblclients`: the account and the user who owns it. */
export interface Client {
  id: number;
  owner_user_id: number;
  [extra: string]: unknown;
}

/** A row of `tblusers_clients`: a non-owner user's access to a client. */
export interface UserClient {
  user_id: number;
  client_id: number;
  /** An array of exact names, or a comma-separated string of them. */
  permissions: readonly PermissionName[] | string;
  [extra: string]: unknown;
}

/** A pending invitation of an email address to a client. */
export interface Invite {
  client_id: number;
  email?: string;
  permissions: readonly PermissionName[] | string;
  [extra: string]: unknown;
}

/** The state the host supplies. `user_clients` and `invites` default to `[]`. */
export interface State {
  users: readonly User[];
  clients: readonly Client[];
  user_clients?: readonly UserClient[];
  invites?: readonly Invite[];
  [extra: string]: unknown;
}

/** Every state the library returns: a new object in canonical form. */
export interface CanonicalState extends State {
  users: User[];
  clients: Client[];
  user_clients: (UserClient & { permissions: PermissionName[] })[];
  invites: (Invite & { permissions: PermissionName[] })[];
}

/** Params WHMCS's API accepts; `action`, `username`, `password`, `accesskey` and `responsetype` are ignored. */
export interface CommonParams {
  action?: string;
  username?: string;
  password?: string;
  accesskey?: string;
  responsetype?: "json" | "xml" | string;
  [extra: string]: unknown;
}

export interface UpdateUserPermissionsParams extends CommonParams {
  user_id: Id;
  client_id: Id;
  permissions: PermissionsInput;
}

export interface UserClientParams extends CommonParams {
  user_id: Id;
  client_id: Id;
}

export type GetUserPermissionsParams = UserClientParams;
export type DeleteUserClientParams = UserClientParams;

export interface CreateClientInviteParams extends CommonParams {
  client_id: Id;
  email: string;
  permissions: PermissionsInput;
}

/** `{"result":"success"}` */
export interface SuccessResponse {
  result: "success";
}

/** `{"result":"success","permissions":{"permission":[...]}}` */
export interface PermissionsResponse {
  result: "success";
  permissions: { permission: PermissionName[] };
}

/** `{"result":"error","message":"..."}`: the message is WHMCS's, byte for byte. */
export interface ErrorResponse {
  result: "error";
  message: string;
}

/** Any response; narrow on `result` before reading `message`. */
export type ApiResponse = SuccessResponse | PermissionsResponse | ErrorResponse;

/** A link's permissions were replaced. */
export interface SetPermissionsChange {
  op: "set_permissions";
  user_id: number;
  client_id: number;
  before: PermissionName[];
  after: PermissionName[];
}

/** A link was removed. */
export interface RemoveLinkChange {
  op: "remove_link";
  user_id: number;
  client_id: number;
  before: PermissionName[];
}

/** An invite was appended. */
export interface AddInviteChange {
  op: "add_invite";
  client_id: number;
  email: string;
  permissions: PermissionName[];
}

/** What a successful call changed; narrow on `op`. */
export type Change = SetPermissionsChange | RemoveLinkChange | AddInviteChange;

/** What a command function returns. On an error, `state` is unchanged and `changes` is `[]`. */
export interface Outcome<R extends ApiResponse = ApiResponse> {
  response: R;
  state: CanonicalState;
  changes: Change[];
}

/** The commands, by their WHMCS names (matched case-insensitively). */
export type CommandName =
  | "UpdateUserPermissions"
  | "GetPermissionsList"
  | "GetUserPermissions"
  | "DeleteUserClient"
  | "CreateClientInvite";

/** `formatResponse` formats, as WHMCS's `responsetype`. */
export type ResponseFormat = "json" | "xml";

/** What `init()` can load the module from. */
export type InitInput =
  | string
  | URL
  | Request
  | Response
  | BufferSource
  | WebAssembly.Module
  | Promise<Response | BufferSource | WebAssembly.Module>;
