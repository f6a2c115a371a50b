/**
 * The first schema: WHMCS's tables for users, clients, user-client links
 * and invites, and the state's extra top-level fields. Every index serves a
 * lookup the storage module makes (README "Schema" lists which).
 */
import type { Kysely } from "kysely";
import { columnTypes, tableOptions, type Engine, type Migration } from "./types.js";

async function up(db: Kysely<any>, engine: Engine): Promise<void> {
  const t = columnTypes(engine);
  const options = tableOptions(engine);
  const autoId = (c: any) => (engine === "mysql" ? c.primaryKey().autoIncrement() : c.primaryKey());

  await db.schema
    .createTable("tblusers")
    .ifNotExists()
    .addColumn("id", t.id, (c) => c.primaryKey())
    .addColumn("seq", t.int, (c) => c.notNull())
    .addColumn("email", t.text)
    .addColumn("firstname", t.text)
    .addColumn("lastname", t.text)
    .addColumn("language", t.text)
    .addColumn("password", t.text)
    .addColumn("email_key", t.key)
    .addColumn("firstname_key", t.key)
    .addColumn("lastname_key", t.key)
    .addColumn("fullname_key", t.key)
    .addColumn("extra", t.text)
    .modifyEnd(options)
    .execute();
  // users order (export, slices); AddUser's seq = max + 1
  await db.schema.createIndex("tblusers_seq").ifNotExists().unique().on("tblusers").column("seq").execute();
  // email checks (AddUser, UpdateUser, ResetPassword, CreateClientInvite) and GetUsers' prefix search
  for (const key of ["email_key", "firstname_key", "lastname_key", "fullname_key"]) {
    await db.schema.createIndex(`tblusers_${key}`).ifNotExists().on("tblusers").columns([key, "id"]).execute();
  }

  await db.schema
    .createTable("tblclients")
    .ifNotExists()
    .addColumn("id", t.id, (c) => c.primaryKey())
    .addColumn("seq", t.int, (c) => c.notNull())
    .addColumn("company_key", t.key)
    .addColumn("extra", t.text)
    .modifyEnd(options)
    .execute();
  // clients order (export, slices, the admin page's pages)
  await db.schema.createIndex("tblclients_seq").ifNotExists().unique().on("tblclients").column("seq").execute();
  // the admin page's search by company
  await db.schema.createIndex("tblclients_company_key").ifNotExists().on("tblclients").columns(["company_key", "seq"]).execute();

  await db.schema
    .createTable("tblusers_clients")
    .ifNotExists()
    .addColumn("id", t.id, autoId)
    .addColumn("auth_user_id", t.int, (c) => c.notNull())
    .addColumn("client_id", t.int, (c) => c.notNull())
    .addColumn("owner", t.flag, (c) => c.notNull())
    .addColumn("permissions", t.permissions, (c) => c.notNull())
    .addColumn("extra", t.text)
    .modifyEnd(options)
    .execute();
  // a link by (user, client); the owner may also have an owner=0 link row, hence `owner` in the key;
  // also every client a user owns or is linked to (GetUsers, the admin search by email)
  await db.schema
    .createIndex("tblusers_clients_pair")
    .ifNotExists()
    .unique()
    .on("tblusers_clients")
    .columns(["auth_user_id", "client_id", "owner"])
    .execute();
  // a client's owner row and its links (slices, the admin page)
  await db.schema
    .createIndex("tblusers_clients_client")
    .ifNotExists()
    .on("tblusers_clients")
    .columns(["client_id", "owner", "auth_user_id"])
    .execute();
  // the largest owner_user_id (AddUser's new id)
  await db.schema.createIndex("tblusers_clients_owner").ifNotExists().on("tblusers_clients").columns(["owner", "auth_user_id"]).execute();

  await db.schema
    .createTable("tbluser_invites")
    .ifNotExists()
    .addColumn("id", t.id, autoId)
    .addColumn("client_id", t.int, (c) => c.notNull())
    .addColumn("email", t.text)
    .addColumn("permissions", t.permissions, (c) => c.notNull())
    .addColumn("token", t.token, (c) => c.notNull())
    .addColumn("created_at", t.time, (c) => c.notNull())
    .addColumn("extra", t.text)
    .modifyEnd(options)
    .execute();
  // a client's invites (the admin page)
  await db.schema.createIndex("tbluser_invites_client").ifNotExists().on("tbluser_invites").columns(["client_id", "id"]).execute();
  // accepting an invite finds it by its token
  await db.schema.createIndex("tbluser_invites_token").ifNotExists().unique().on("tbluser_invites").column("token").execute();

  await db.schema
    .createTable("whmcsperm_state_fields")
    .ifNotExists()
    .addColumn("seq", t.int, (c) => c.primaryKey())
    .addColumn("name", t.text, (c) => c.notNull())
    .addColumn("value", t.text, (c) => c.notNull())
    .modifyEnd(options)
    .execute();
}

export const initial: Migration = { name: "001_initial", up };
