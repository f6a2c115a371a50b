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
  firstname?: string;
  lastname?: string;
  language?: string;
  /** Read by GetUsers when it is a string; never checked. */
  datecreated?: unknown;
  /** Read by GetUsers when it is a string; never checked. */
  validationdata?: unknown;
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

/**
 * `AddUser`. `password2` is checked for presence only: it never appears in
 * the returned state, a change or a message (hash it yourself when you store the user).
 */
export interface AddUserParams extends CommonParams {
  firstname: string;
  lastname: string;
  email: string;
  password2: string;
  language?: string;
}

/** `UpdateUser`: at least one of the four fields. */
export interface UpdateUserParams extends CommonParams {
  user_id: Id;
  firstname?: string;
  lastname?: string;
  email?: string;
  language?: string;
}

/** `GetUsers`: all optional (defaults: start 0, 25 per page, ascending id). */
export interface GetUsersParams extends CommonParams {
  limitstart?: Id;
  limitnum?: Id;
  /** `"DESC"` (any case) sorts by id descending. */
  sorting?: string;
  /** A prefix of the email, first name, last name or "first last" (case-insensitive). */
  search?: string;
}

/** `ResetPassword`: by `id`, or by `email` when no id is sent. */
export interface ResetPasswordParams extends CommonParams {
  id?: Id;
  email?: string;
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

/** `{"result":"success","user_id":"7"}` (AddUser, UpdateUser: the id as a decimal string). */
export interface UserIdResponse {
  result: "success";
  user_id: string;
}

/** A user in a GetUsers page: `""` where the record has no such text. */
export interface UserSummary {
  id: number;
  firstname: string;
  lastname: string;
  email: string;
  datecreated: string;
  validationdata: string;
  /** Every client the user owns or is linked to, by ascending id. */
  clients: { id: number; isOwner: boolean }[];
}

/** GetUsers' page. */
export interface UsersResponse {
  result: "success";
  totalresults: number;
  startnumber: number;
  numreturned: number;
  users: UserSummary[];
}

/** Any response; narrow on `result` before reading `message`. */
export type ApiResponse = SuccessResponse | PermissionsResponse | UserIdResponse | UsersResponse | ErrorResponse;

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

/** The fields UpdateUser can set. */
export type UserFieldName = "firstname" | "lastname" | "email" | "language";

/** A user was appended (no password in it: hash `params.password2` yourself). */
export interface AddUserChange {
  op: "add_user";
  user_id: number;
  user: { id: number; firstname: string; lastname: string; email: string; language?: string };
}

/** Some of a user's fields changed: only those, old values `null` where the record lacked them. */
export interface UpdateUserChange {
  op: "update_user";
  user_id: number;
  before: Partial<Record<UserFieldName, string | null>>;
  after: Partial<Record<UserFieldName, string>>;
}

/** ResetPassword found the user: send the reset mail. */
export interface ResetPasswordChange {
  op: "reset_password";
  user_id: number;
}

/** What a successful call changed; narrow on `op`. */
export type Change =
  | SetPermissionsChange
  | RemoveLinkChange
  | AddInviteChange
  | AddUserChange
  | UpdateUserChange
  | ResetPasswordChange;

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
  | "CreateClientInvite"
  | "AddUser"
  | "UpdateUser"
  | "GetUsers"
  | "ResetPassword";

/** A row of the command table (`COMMANDS`): what the CLI and forms list. */
export interface CommandInfo {
  name: CommandName;
  /** The params it reads, in WHMCS's documented order. */
  params: string[];
  /** Whether it can produce changes. */
  writes: boolean;
}

/**
 * The records a command reads for given params (`readPlan`): what a
 * storage backend loads into the slice it runs the command on.
 */
export interface ReadPlan {
  /** The WHMCS name; `null` for an unknown command (reads nothing, answers "Command Not Found"). */
  command: CommandName | null;
  /** Whether the command can write: lock what you read. */
  writes: boolean;
  /** Users by id. */
  users: number[];
  /** Clients by id, each with its owner (`owner_user_id`). */
  clients: number[];
  /** Links by their two ids. */
  links: { user_id: number; client_id: number }[];
  /** The users with this email key who own or are linked to the client, with the client and their link. */
  members_with_email: { client_id: number; email_key: string }[];
  /** Every user whose email key (`matchKey(email)`) is one of these. */
  users_with_email: string[];
  /** The user with the largest id, and a client whose `owner_user_id` is the largest. */
  max_user_id: boolean;
  /** GetUsers: page in your database, then call `getUsersPage`. `search` is a match key (a prefix). */
  users_page: { start: number; limit: number; descending: boolean; search: string | null } | null;
}

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
