// The plain-JavaScript baseline the benchmarks compare against: a `Map` of
// "user:client" to a `Set` of permissions, with the same validation rules
// as the core (ids parsed like params, owner checks, permission parsing,
// error precedence), and for the Users commands a lazy email index and id
// order, as the core keeps them. Written for speed, not shared with the
// package, and not a conformance target: the vectors are.

export const NAMES = ["profile", "contacts", "products", "manageproducts", "productsso", "domains", "managedomains", "invoices", "quotes", "tickets", "affiliates", "emails", "orders"];
const INDEX = new Map(NAMES.map((n, i) => [n, i]));
const MAX = Number.MAX_SAFE_INTEGER;
const TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;

export function parseId(v) {
  if (typeof v === "number") return Number.isInteger(v) && v >= 1 && v <= MAX ? v : null;
  if (typeof v === "string") {
    const t = v.replace(TRIM, "");
    if (!/^[0-9]+$/.test(t)) return null;
    const n = Number(t);
    return n >= 1 && n <= MAX ? n : null;
  }
  return null;
}

/** `{ known: Set, unknown: string | undefined }`, or null when missing. */
export function parsePermissions(v) {
  const parts = typeof v === "string" ? [v] : Array.isArray(v) && v.every((x) => typeof x === "string") ? v : null;
  if (parts === null) return null;
  const known = new Set();
  let unknown;
  let any = false;
  for (const part of parts) {
    for (let seg of part.split(",")) {
      seg = seg.replace(TRIM, "");
      if (seg === "") continue;
      any = true;
      if (INDEX.has(seg)) known.add(seg);
      else if (unknown === undefined) unknown = seg;
    }
  }
  return any ? { known, unknown } : null;
}

const canonical = (set) => NAMES.filter((n) => set.has(n));
const err = (message) => ({ result: "error", message });
const answer = (message) => ({ response: err(message), changes: [] });

/** A text param: a string not empty after PHP trim, trimmed; else undefined. */
function given(v) {
  if (typeof v !== "string") return undefined;
  const t = v.replace(TRIM, "");
  return t === "" ? undefined : t;
}

function plausibleEmail(email) {
  const at = email.indexOf("@");
  if (at <= 0 || email.indexOf("@", at + 1) !== -1) return false;
  const domain = email.slice(at + 1);
  return domain.includes(".") && domain.split(".").every((l) => l !== "") && !/\s/u.test(email) && [...email].length <= 254;
}

function parseCount(v, min, fallback) {
  const n = typeof v === "number" ? v : typeof v === "string" && /^[0-9]+$/.test(v.replace(TRIM, "")) ? Number(v.replace(TRIM, "")) : NaN;
  return Number.isInteger(n) && n >= min && n <= MAX ? n : fallback;
}

/** The indexed baseline: what `PermissionStore` does, in plain JS. */
export class JsStore {
  constructor(state) {
    this.users = new Set();
    this.records = new Map();
    this.owners = new Map();
    this.links = new Map();
    this.invites = [];
    this.maxId = 0;
    for (const u of state.users) {
      if (typeof u.id !== "number" || parseId(u.id) === null || this.users.has(u.id)) throw new Error("bad user");
      for (const f of ["email", "firstname", "lastname", "language"]) if (u[f] !== undefined && typeof u[f] !== "string") throw new Error("bad user");
      this.users.add(u.id);
      this.records.set(u.id, u);
      this.maxId = Math.max(this.maxId, u.id);
    }
    for (const c of state.clients) {
      if (parseId(c.id) === null || this.owners.has(c.id) || parseId(c.owner_user_id) === null) throw new Error("bad client");
      this.owners.set(c.id, c.owner_user_id);
      this.maxId = Math.max(this.maxId, c.owner_user_id);
    }
    for (const l of state.user_clients ?? []) {
      if (!this.users.has(l.user_id) || !this.owners.has(l.client_id)) throw new Error("bad link");
      const key = `${l.user_id}:${l.client_id}`;
      if (this.links.has(key)) throw new Error("duplicate link");
      const p = typeof l.permissions === "string" ? parsePermissions(l.permissions) : { known: new Set(l.permissions) };
      for (const n of p?.known ?? []) if (!INDEX.has(n)) throw new Error("bad permission");
      this.links.set(key, p?.known ?? new Set());
    }
  }

  hasPermission(userId, clientId, permission) {
    if (typeof permission !== "string") throw new TypeError("permission must be a string");
    if (!INDEX.has(permission)) throw new TypeError(`unknown permission ${permission}`);
    const u = parseId(userId);
    const c = parseId(clientId);
    if (u === null || c === null || !this.users.has(u)) return false;
    const owner = this.owners.get(c);
    if (owner === undefined) return false;
    if (owner === u) return true;
    return this.links.get(`${u}:${c}`)?.has(permission) ?? false;
  }

  updateUserPermissions(params) {
    const u = parseId(params.user_id);
    if (u === null || !this.users.has(u)) return { response: err("Invalid user id"), changes: [] };
    const c = parseId(params.client_id);
    const owner = c === null ? undefined : this.owners.get(c);
    if (owner === undefined) return { response: err("Invalid client id"), changes: [] };
    if (owner === u) return { response: err("Permissions cannot be set on a client owner"), changes: [] };
    const p = parsePermissions(params.permissions);
    if (p === null) return { response: err("Missing permissions definition"), changes: [] };
    const key = `${u}:${c}`;
    const before = this.links.get(key);
    if (before === undefined) return { response: err("User is not associated with client"), changes: [] };
    if (p.unknown !== undefined) return { response: err(`Invalid permission: ${p.unknown}`), changes: [] };
    const b = canonical(before);
    const a = canonical(p.known);
    this.links.set(key, p.known);
    this.journal?.push(() => this.links.set(key, before));
    const same = a.length === b.length && a.every((x, i) => x === b[i]);
    return {
      response: { result: "success" },
      changes: same ? [] : [{ op: "set_permissions", user_id: u, client_id: c, before: b, after: a }],
    };
  }

  // --- Lazy indexes, as the core builds them on first use.

  /** matchKey(email) → user ids, in `users` order. */
  emails() {
    if (this.emailIndex === undefined) {
      this.emailIndex = new Map();
      for (const u of this.records.values()) if (typeof u.email === "string") this.#index(u.email, u.id);
    }
    return this.emailIndex;
  }

  #index(email, id) {
    const key = email.toLowerCase();
    const ids = this.emailIndex.get(key);
    if (ids === undefined) this.emailIndex.set(key, [id]);
    else ids.push(id);
  }

  #unindex(email, id) {
    const key = email.toLowerCase();
    const ids = this.emailIndex.get(key)?.filter((x) => x !== id) ?? [];
    if (ids.length === 0) this.emailIndex.delete(key);
    else this.emailIndex.set(key, ids);
  }

  /** User ids in ascending order. */
  idOrder() {
    this.order ??= [...this.users].sort((a, b) => a - b);
    return this.order;
  }

  /** user id → the client ids it owns or is linked to. */
  memberships() {
    if (this.members === undefined) {
      this.members = new Map();
      const add = (u, c) => {
        const set = this.members.get(u);
        if (set === undefined) this.members.set(u, new Set([c]));
        else set.add(c);
      };
      for (const [c, owner] of this.owners) add(owner, c);
      for (const key of this.links.keys()) {
        const [u, c] = key.split(":").map(Number);
        add(u, c);
      }
    }
    return this.members;
  }

  // --- The other commands.

  getUserPermissions(params) {
    const u = parseId(params.user_id);
    if (u === null || !this.users.has(u)) return err("Invalid user id");
    const c = parseId(params.client_id);
    const owner = c === null ? undefined : this.owners.get(c);
    if (owner === undefined) return err("Invalid client id");
    if (owner === u) return { result: "success", permissions: { permission: [...NAMES] } };
    const set = this.links.get(`${u}:${c}`);
    if (set === undefined) return err("User is not associated with client");
    return { result: "success", permissions: { permission: canonical(set) } };
  }

  getPermissionsList() {
    return { result: "success", permissions: { permission: [...NAMES] } };
  }

  deleteUserClient(params) {
    const u = parseId(params.user_id);
    if (u === null || !this.users.has(u)) return answer("Invalid user id");
    const c = parseId(params.client_id);
    const owner = c === null ? undefined : this.owners.get(c);
    if (owner === undefined) return answer("Invalid client id");
    if (owner === u) return answer("You cannot remove the account owner");
    const key = `${u}:${c}`;
    const before = this.links.get(key);
    if (before === undefined) return answer("User is not associated with client");
    this.links.delete(key);
    this.members?.get(u)?.delete(c);
    this.journal?.push(() => {
      this.links.set(key, before);
      this.members?.get(u)?.add(c);
    });
    return { response: { result: "success" }, changes: [{ op: "remove_link", user_id: u, client_id: c, before: canonical(before) }] };
  }

  createClientInvite(params) {
    const email = given(params.email);
    if (email === undefined) return answer("Email is required");
    const c = parseId(params.client_id);
    if (c === null || !this.owners.has(c)) return answer("Invalid client id");
    if (!plausibleEmail(email)) return answer("The email address entered is not valid");
    const p = parsePermissions(params.permissions);
    if (p === null) return answer("User permissions are required");
    const owner = this.owners.get(c);
    for (const u of this.emails().get(email.toLowerCase()) ?? []) {
      if (u === owner || this.links.has(`${u}:${c}`)) return answer("User already associated with client");
    }
    if (p.unknown !== undefined) return answer(`Invalid permission: ${p.unknown}`);
    const permissions = canonical(p.known);
    this.invites.push({ client_id: c, email, permissions });
    this.journal?.push(() => this.invites.pop());
    return { response: { result: "success" }, changes: [{ op: "add_invite", client_id: c, email, permissions }] };
  }

  addUser(params) {
    const firstname = given(params.firstname);
    if (firstname === undefined) return answer("You did not enter a first name");
    const lastname = given(params.lastname);
    if (lastname === undefined) return answer("You did not enter a last name");
    const email = given(params.email);
    if (email === undefined) return answer("You did not enter an email address");
    if (given(params.password2) === undefined) return answer("You did not enter a password");
    if (!plausibleEmail(email)) return answer("The email address entered is not valid");
    if (this.emails().has(email.toLowerCase())) return answer("A user already exists with that email address");
    if (this.maxId >= MAX) return answer("User ID limit reached");
    const id = this.maxId + 1;
    const user = { id, firstname, lastname, email };
    const language = given(params.language);
    if (language !== undefined) user.language = language;
    const maxId = this.maxId;
    this.maxId = id;
    this.users.add(id);
    this.records.set(id, user);
    this.order?.push(id);
    this.#index(email, id);
    this.journal?.push(() => {
      this.maxId = maxId;
      this.users.delete(id);
      this.records.delete(id);
      if (this.order?.at(-1) === id) this.order.pop();
      this.#unindex(email, id);
    });
    return { response: { result: "success", user_id: String(id) }, changes: [{ op: "add_user", user_id: id, user }] };
  }

  updateUser(params) {
    const u = parseId(params.user_id);
    const record = u === null ? undefined : this.records.get(u);
    if (record === undefined) return answer("Invalid User ID requested");
    const fields = ["firstname", "lastname", "email", "language"].map((f) => [f, given(params[f])]).filter(([, v]) => v !== undefined);
    if (fields.length === 0) return answer("One of `email`, `firstname`, `lastname`, or `language` is required");
    const email = fields.find(([f]) => f === "email")?.[1];
    if (email !== undefined) {
      if (!plausibleEmail(email)) return answer("The email address entered is not valid");
      if ((this.emails().get(email.toLowerCase()) ?? []).some((id) => id !== u)) return answer("A user already exists with that email address");
    }
    const before = {};
    const after = {};
    for (const [f, v] of fields) {
      if (record[f] !== v) {
        before[f] = record[f] ?? null;
        after[f] = v;
      }
    }
    if (Object.keys(after).length === 0) return { response: { result: "success", user_id: String(u) }, changes: [] };
    const next = { ...record, ...after };
    this.records.set(u, next);
    if (this.emailIndex !== undefined && next.email !== record.email) {
      if (typeof record.email === "string") this.#unindex(record.email, u);
      this.#index(next.email, u);
    }
    this.journal?.push(() => {
      this.records.set(u, record);
      if (this.emailIndex !== undefined && next.email !== record.email) {
        this.#unindex(next.email, u);
        if (typeof record.email === "string") this.#index(record.email, u);
      }
    });
    return { response: { result: "success", user_id: String(u) }, changes: [{ op: "update_user", user_id: u, before, after }] };
  }

  /** GetUsers without `search` (the page through the id order). */
  getUsers(params = {}) {
    const start = parseCount(params.limitstart, 0, 0);
    const limit = parseCount(params.limitnum, 1, 25);
    const desc = typeof params.sorting === "string" && params.sorting.replace(TRIM, "").toUpperCase() === "DESC";
    const order = this.idOrder();
    const total = order.length;
    const from = Math.min(start, total);
    const to = Math.min(from + limit, total);
    const ids = desc ? order.slice(total - to, total - from).reverse() : order.slice(from, to);
    const text = (v) => (typeof v === "string" ? v : "");
    const members = this.memberships();
    const users = ids.map((id) => {
      const r = this.records.get(id);
      const clients = [...(members.get(id) ?? [])].sort((a, b) => a - b).map((c) => ({ id: c, isOwner: this.owners.get(c) === id }));
      return { id, firstname: text(r.firstname), lastname: text(r.lastname), email: text(r.email), datecreated: text(r.datecreated), validationdata: text(r.validationdata), clients };
    });
    return { result: "success", totalresults: total, startnumber: start, numreturned: users.length, users };
  }

  resetPassword(params) {
    const id = params.id;
    if (id !== undefined && id !== null && !(typeof id === "string" && id.replace(TRIM, "") === "")) {
      const u = parseId(id);
      if (u === null || !this.users.has(u)) return answer("User Not Found");
      return { response: { result: "success" }, changes: [{ op: "reset_password", user_id: u }] };
    }
    const email = given(params.email);
    if (email === undefined) return answer("Please enter the email address or provide the id");
    if (!plausibleEmail(email)) return answer("Please provide a valid email address");
    const found = this.emails().get(email.toLowerCase());
    if (found === undefined) return answer("User Not Found");
    return { response: { result: "success" }, changes: [{ op: "reset_password", user_id: found[0] }] };
  }

  localApi(command, params) {
    switch (command.toLowerCase()) {
      case "updateuserpermissions": return this.updateUserPermissions(params);
      case "deleteuserclient": return this.deleteUserClient(params);
      case "createclientinvite": return this.createClientInvite(params);
      case "adduser": return this.addUser(params);
      case "updateuser": return this.updateUser(params);
      case "resetpassword": return this.resetPassword(params);
      case "getuserpermissions": return { response: this.getUserPermissions(params), changes: [] };
      case "getpermissionslist": return { response: this.getPermissionsList(), changes: [] };
      case "getusers": return { response: this.getUsers(params), changes: [] };
      default: return answer("Command Not Found");
    }
  }

  /** Calls in order; atomic: the first error undoes everything the batch did. */
  applyBatch(calls, { atomic = false } = {}) {
    this.journal = [];
    const responses = [];
    let changes = [];
    let failedIndex = null;
    try {
      for (let i = 0; i < calls.length; i++) {
        const out = this.localApi(calls[i].command, calls[i].params);
        responses.push(out.response);
        changes.push(...out.changes);
        if (out.response.result === "error" && failedIndex === null) {
          failedIndex = i;
          if (atomic) {
            for (const undo of this.journal.reverse()) undo();
            changes = [];
            break;
          }
        }
      }
    } finally {
      this.journal = undefined;
    }
    return { responses, changes, failedIndex };
  }

  toState(state) {
    return {
      ...state,
      user_clients: (state.user_clients ?? []).flatMap((l) => {
        const p = this.links.get(`${l.user_id}:${l.client_id}`);
        return p === undefined ? [] : [{ ...l, permissions: canonical(p) }];
      }),
      invites: state.invites ?? [],
    };
  }
}

/** The functional baseline: validate and index the whole state, apply, copy out. */
export function jsUpdateUserPermissions(state, params) {
  const store = new JsStore(state);
  const { response, changes } = store.updateUserPermissions(params);
  return { response, state: store.toState(state), changes };
}
