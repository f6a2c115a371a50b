/**
 * Writes the `changes` the core returned, one statement per change record,
 * inside the request's transaction. What a change means is the core's
 * (SPEC sections 4 and 8); this only maps each record to its rows.
 */
import { randomBytes, scrypt as scryptCallback } from "node:crypto";
import { promisify } from "node:util";
import type { Change } from "whmcs-permissions";
import { permissionsText, userKeys, userRow, USER_FIELDS, type UserField } from "./records.js";
import type { Slice } from "./slice.js";
import { changeRows, type Conn } from "./statements.js";

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export type AnyChange = Change;

/** A random token (invites, password resets): 32 bytes as hex. */
export const token = () => randomBytes(32).toString("hex");

/** Now, as stored in `created_at` columns: UTC `YYYY-MM-DD HH:MM:SS.mmm`. */
export const now = () => new Date().toISOString().replace("T", " ").replace("Z", "");

/** `scrypt$N$r$p$salt$hash` (base64): what tblusers.password holds. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32); // node's defaults: N=16384, r=8, p=1
  return `scrypt$16384$8$1$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export interface WriteContext extends Conn {
  slice: Slice;
  params: Record<string, unknown>;
  /** Told of a password reset (the host mails the token); never logs the token itself. */
  onPasswordReset?: (userId: number) => void;
}

/** Thrown when a change did not hit the row it names: the transaction is rolled back. */
export class ChangeMissed extends Error {}

function exactlyOne(what: string, n: number): void {
  if (n !== 1) throw new ChangeMissed(`${what}: expected to change 1 row, changed ${n}`);
}

export async function writeChange(ctx: WriteContext, change: AnyChange): Promise<void> {
  const { tx } = ctx;
  switch (change.op) {
    case "set_permissions": {
      const permissions = permissionsText(change.after);
      const result = await changeRows(ctx, { shape: "set permissions", params: [permissions, change.user_id, change.client_id, 0] }, () =>
        tx
          .updateTable("tblusers_clients")
          .set({ permissions })
          .where("auth_user_id", "=", change.user_id)
          .where("client_id", "=", change.client_id)
          .where("owner", "=", 0),
      );
      return exactlyOne(`set_permissions on tblusers_clients (${change.user_id}, ${change.client_id})`, result);
    }
    case "remove_link": {
      const result = await changeRows(ctx, { shape: "remove link", params: [change.user_id, change.client_id, 0] }, () =>
        tx.deleteFrom("tblusers_clients").where("auth_user_id", "=", change.user_id).where("client_id", "=", change.client_id).where("owner", "=", 0),
      );
      return exactlyOne(`remove_link on tblusers_clients (${change.user_id}, ${change.client_id})`, result);
    }
    case "add_invite": {
      const row = { client_id: change.client_id, email: change.email, permissions: permissionsText(change.permissions), token: token(), created_at: now(), extra: null };
      await changeRows(ctx, { shape: "add invite", params: Object.values(row) }, () => tx.insertInto("tbluser_invites").values(row));
      return;
    }
    case "add_user": {
      const password2 = ctx.params.password2;
      // The core answers AddUser with success only when password2 is given (a string).
      const password = typeof password2 === "string" ? await hashPassword(password2) : null;
      // The new id is larger than every user's (the core's rule), so the user also goes last in id order.
      const last = await tx
        .selectFrom("tblusers")
        .select((eb) => [eb.fn.max("seq").as("seq"), eb.fn.max("id_rank").as("rank")])
        .executeTakeFirst();
      const row = userRow(change.user as never, Number(last?.seq ?? 0) + 1, Number(last?.rank ?? 0) + 1, password);
      await tx.insertInto("tblusers").values(row).execute();
      return;
    }
    case "update_user": {
      const record = ctx.slice.users.get(change.user_id);
      if (!record) throw new ChangeMissed(`update_user: user ${change.user_id} is not in the slice`);
      const fields: Partial<Record<UserField, unknown>> = {};
      for (const field of USER_FIELDS) fields[field] = Object.prototype.hasOwnProperty.call(change.after, field) ? change.after[field] : record[field];
      const keys = userKeys(fields);
      const set: Record<string, unknown> = {};
      for (const field of USER_FIELDS) {
        if (!Object.prototype.hasOwnProperty.call(change.after, field)) continue;
        set[field] = change.after[field];
        if (field !== "language") set[`${field}_key`] = keys[`${field}_key`];
      }
      if ("firstname" in change.after || "lastname" in change.after) set.fullname_key = keys.fullname_key;
      const result = await tx.updateTable("tblusers").set(set).where("id", "=", change.user_id).executeTakeFirst();
      return exactlyOne(`update_user on tblusers id=${change.user_id}`, Number(result.numUpdatedRows));
    }
    case "reset_password": {
      const set = { reset_token: token(), reset_requested_at: now() };
      const result = await changeRows(ctx, { shape: "reset password", params: [set.reset_token, set.reset_requested_at, change.user_id] }, () =>
        tx.updateTable("tblusers").set(set).where("id", "=", change.user_id),
      );
      exactlyOne(`reset_password on tblusers id=${change.user_id}`, result);
      ctx.onPasswordReset?.(change.user_id);
      return;
    }
    default:
      throw new ChangeMissed(`the core returned a change this storage cannot write: ${JSON.stringify(change)}`);
  }
}

export async function writeChanges(ctx: WriteContext, changes: readonly AnyChange[]): Promise<void> {
  for (const change of changes) await writeChange(ctx, change);
}
