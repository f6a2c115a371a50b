/**
 * The tables, as kysely sees them. WHMCS's own names for what the library
 * models (tblusers, tblclients, tblusers_clients, tbluser_invites), plus one
 * table for the state's extra top-level fields and one for the migrations.
 * The DDL is in ../migrations/; README "Storage" explains the mapping.
 */
import type { ColumnType, Generated } from "kysely";

/** A derived match key: the core's `matchKey` of a field, as UTF-8 bytes, at most 512 of them. */
export type KeyBytes = Buffer;

export interface UsersTable {
  id: number;
  /** The record's position in the state's `users` order. */
  seq: number;
  /** Its position in id order, 1 to the number of users (GetUsers' pages: migrations/003_id_rank.ts). */
  id_rank: number;
  /** NULL = the record has no such field. */
  email: string | null;
  firstname: string | null;
  lastname: string | null;
  language: string | null;
  /** scrypt hash of AddUser's `password2` (never the plain text). */
  password: string | null;
  email_key: KeyBytes | null;
  firstname_key: KeyBytes | null;
  lastname_key: KeyBytes | null;
  /** Key of `firstname + " " + lastname`, when both are strings. */
  fullname_key: KeyBytes | null;
  /** JSON object: every other field of the record, in its order; NULL when there is none. */
  extra: string | null;
  /** ResetPassword's last token and when it was asked for (the host mails it). */
  reset_token: ColumnType<string | null, string | null | undefined, string | null>;
  reset_requested_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ClientsTable {
  id: number;
  seq: number;
  /** Key of the record's `company`, when it is a string (the admin page's search). */
  company_key: KeyBytes | null;
  /** JSON object of every field but `id` and `owner_user_id` (the sample's `company`); NULL when none. */
  extra: string | null;
}

export interface UsersClientsTable {
  /** Auto-increment: keeps `user_clients` order. */
  id: Generated<number>;
  auth_user_id: number;
  client_id: number;
  /** 1: the client's owner row (its `owner_user_id`); 0: a `user_clients` link. */
  owner: number;
  /** Comma list in canonical order ("" for owner rows). */
  permissions: string;
  extra: string | null;
}

export interface UserInvitesTable {
  id: Generated<number>;
  client_id: number;
  /** NULL = the invite has no `email` field. */
  email: string | null;
  permissions: string;
  token: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS.mmm`. */
  created_at: string;
  extra: string | null;
}

export interface StateFieldsTable {
  /** A top-level state key other than users, clients, user_clients, invites (e.g. `schema`). */
  name: string;
  seq: number;
  /** Its value as JSON. */
  value: string;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: string;
}

export interface Database {
  tblusers: UsersTable;
  tblclients: ClientsTable;
  tblusers_clients: UsersClientsTable;
  tbluser_invites: UserInvitesTable;
  whmcsperm_state_fields: StateFieldsTable;
  whmcsperm_migrations: SchemaMigrationsTable;
}

/** The tables that hold the state (what `import` fills and `--replace` empties). */
export const STATE_TABLES = ["tblusers_clients", "tbluser_invites", "tblusers", "tblclients", "whmcsperm_state_fields"] as const;
