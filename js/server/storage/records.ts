/**
 * Rows <-> state records: the only thing the storage does with the data.
 * Every field a table has no column for goes into its `extra` JSON object,
 * so any state round-trips; no domain rule is checked here (the core
 * validates every slice it is given, and names the faulty path).
 */
import type { Insertable, Selectable } from "kysely";
import type { Client, Invite, User, UserClient } from "whmcs-permissions";
import { defineOwn } from "../own.js";
import { keyOf } from "./keys.js";
import type { ClientsTable, UserInvitesTable, UsersClientsTable, UsersTable } from "./schema.js";

export type UserRow = Selectable<UsersTable>;
export type ClientRow = Selectable<ClientsTable>;
export type LinkRow = Selectable<UsersClientsTable>;
export type InviteRow = Selectable<UserInvitesTable>;

/** The user fields that have columns (in this order after `id`); nullable text, NULL = absent. */
export const USER_FIELDS = ["email", "firstname", "lastname", "language"] as const;
export type UserField = (typeof USER_FIELDS)[number];


/** The record's fields other than `columns`, as a JSON object text; null when there are none. */
function extraOf(record: Record<string, unknown>, columns: readonly string[]): string | null {
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    if (columns.includes(key)) continue;
    extra ??= {};
    defineOwn(extra, key, record[key]);
  }
  return extra === undefined ? null : JSON.stringify(extra);
}

/** Appends the fields of an `extra` text to `record` (own properties, so `__proto__` stays data). */
function addExtra<T extends object>(record: T, extra: string | null): T {
  if (extra === null) return record;
  const fields = JSON.parse(extra) as Record<string, unknown>;
  for (const key of Object.keys(fields)) defineOwn(record, key, fields[key]);
  return record;
}

const textOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** The derived keys of a user's fields (the full name only when both parts are strings). */
export function userKeys(fields: Partial<Record<UserField, unknown>>) {
  const { firstname, lastname } = fields;
  return {
    email_key: keyOf(fields.email),
    firstname_key: keyOf(firstname),
    lastname_key: keyOf(lastname),
    fullname_key: typeof firstname === "string" && typeof lastname === "string" ? keyOf(`${firstname} ${lastname}`) : null,
  };
}

/** `seq`: its place in the state's order; `idRank`: in id order (1 = the smallest id). */
export function userRow(user: User, seq: number, idRank: number, password: string | null = null): Insertable<UsersTable> {
  const record = user as Record<string, unknown>;
  return {
    id: user.id,
    seq,
    id_rank: idRank,
    email: textOrNull(record.email),
    firstname: textOrNull(record.firstname),
    lastname: textOrNull(record.lastname),
    language: textOrNull(record.language),
    password,
    ...userKeys(record),
    extra: extraOf(record, ["id", ...USER_FIELDS]),
  };
}

export function userRecord(row: UserRow): User {
  const user: Record<string, unknown> = { id: row.id };
  for (const field of USER_FIELDS) if (row[field] !== null) user[field] = row[field];
  return addExtra(user, row.extra) as User;
}

export function clientRow(client: Client, seq: number): Insertable<ClientsTable> {
  const record = client as Record<string, unknown>;
  return { id: client.id, seq, company_key: keyOf(record.company), extra: extraOf(record, ["id", "owner_user_id"]) };
}

/** WHMCS marks the owner on a link row: `owner = 1`, `auth_user_id` = the client's `owner_user_id`. */
export function ownerRow(client: Client): Insertable<UsersClientsTable> {
  return { auth_user_id: client.owner_user_id, client_id: client.id, owner: 1, permissions: "", extra: null };
}

/** A client record; `owner` is its owner row (absent: the record lacks `owner_user_id`, which the core refuses). */
export function clientRecord(row: ClientRow, owner: LinkRow | undefined): Client {
  const client: Record<string, unknown> = { id: row.id };
  if (owner) client.owner_user_id = owner.auth_user_id;
  return addExtra(client, row.extra) as Client;
}

/** Permission lists are stored as WHMCS does, a comma list (canonical order when written). */
export const permissionsText = (permissions: readonly string[] | string): string =>
  typeof permissions === "string" ? permissions : permissions.join(",");

export function linkRow(link: UserClient): Insertable<UsersClientsTable> {
  return {
    auth_user_id: link.user_id,
    client_id: link.client_id,
    owner: 0,
    permissions: permissionsText(link.permissions),
    extra: extraOf(link as Record<string, unknown>, ["user_id", "client_id", "permissions"]),
  };
}

/**
 * A link record. Its permissions stay the stored comma list: the state
 * accepts one (SPEC section 2) and the core parses and checks it, so a bad
 * name in the column is reported by the core with its path.
 */
export function linkRecord(row: LinkRow): UserClient {
  return addExtra({ user_id: row.auth_user_id, client_id: row.client_id, permissions: row.permissions }, row.extra) as UserClient;
}

export function inviteRow(invite: Invite, token: string, createdAt: string): Insertable<UserInvitesTable> {
  const record = invite as Record<string, unknown>;
  return {
    client_id: invite.client_id,
    email: textOrNull(record.email),
    permissions: permissionsText(invite.permissions),
    token,
    created_at: createdAt,
    extra: extraOf(record, ["client_id", "email", "permissions"]),
  };
}

export function inviteRecord(row: InviteRow): Invite {
  const invite: Record<string, unknown> = { client_id: row.client_id };
  if (row.email !== null) invite.email = row.email;
  invite.permissions = row.permissions;
  return addExtra(invite, row.extra) as Invite;
}

