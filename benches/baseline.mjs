// The plain-JavaScript baseline the benchmarks compare against: a `Map` of
// "user:client" to a `Set` of permissions, with the same validation rules
// as the core (ids parsed like params, owner checks, permission parsing,
// error precedence). Written for speed, not shared with the package.

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

/** The indexed baseline: what `PermissionStore` does, in plain JS. */
export class JsStore {
  constructor(state) {
    this.users = new Set();
    this.owners = new Map();
    this.links = new Map();
    for (const u of state.users) {
      if (typeof u.id !== "number" || parseId(u.id) === null || this.users.has(u.id)) throw new Error("bad user");
      this.users.add(u.id);
    }
    for (const c of state.clients) {
      if (parseId(c.id) === null || this.owners.has(c.id) || parseId(c.owner_user_id) === null) throw new Error("bad client");
      this.owners.set(c.id, c.owner_user_id);
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
    const same = a.length === b.length && a.every((x, i) => x === b[i]);
    return {
      response: { result: "success" },
      changes: same ? [] : [{ op: "set_permissions", user_id: u, client_id: c, before: b, after: a }],
    };
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
