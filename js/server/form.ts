/**
 * Request params the way PHP hands them to WHMCS's `api.php`: an
 * `application/x-www-form-urlencoded` body (or query string) or a
 * `multipart/form-data` body (what PHP's curl sends when CURLOPT_POSTFIELDS
 * is an array), both with PHP's bracket syntax (`permissions[]=a`,
 * `a[x]=1`), or a JSON object. Only parsing lives here; what the params
 * mean is the core's call.
 */
import { multipartFields } from "./multipart.js";
import { defineOwn } from "./own.js";

export { defineOwn };

/** A body the endpoint cannot read as params; `message` is the HTTP answer's text. */
export class BadRequest extends Error {
  constructor(
    message: string,
    readonly status: 400 | 415 = 400,
  ) {
    super(message);
  }
}

/** PHP's default `max_input_nesting_level`. */
const MAX_DEPTH = 64;

/** An ordered PHP array while it is being built. */
interface PhpArray {
  entries: Map<string, unknown>;
  next: number;
}

const isPhpArray = (v: unknown): v is PhpArray =>
  typeof v === "object" && v !== null && (v as PhpArray).entries instanceof Map;

/**
 * Parses a urlencoded string as PHP's `parse_str` would for our purposes:
 * `+` is a space, `%XX` is a byte (an invalid escape stays as written), the
 * text is UTF-8; a plain key repeated keeps the last value; `k[]` appends,
 * `k[name]` sets a key. A PHP array whose keys are all integers becomes a JS
 * array of its values (in insertion order), any other an object.
 */
export function parseForm(text: string): Record<string, unknown> {
  const pairs: [string, string][] = [];
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    pairs.push([decode(eq < 0 ? pair : pair.slice(0, eq)), decode(eq < 0 ? "" : pair.slice(eq + 1))]);
  }
  return fromPairs(pairs);
}

/** Params from (name, value) pairs in arrival order, by PHP's bracket rules (as `parseForm`). */
export function fromPairs(pairs: Iterable<readonly [string, string]>): Record<string, unknown> {
  const root: PhpArray = { entries: new Map(), next: 0 };
  for (const [key, value] of pairs) assign(root, key, value);
  return toObject(root);
}

function assign(root: PhpArray, key: string, value: string): void {
  const open = key.indexOf("[");
  const base = open > 0 ? key.slice(0, open) : key;
  if (base === "" || open === 0) return; // PHP drops `[]=x` and `=x`
  const path: string[] = [];
  let rest = open > 0 ? key.slice(open) : "";
  while (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) break;
    path.push(rest.slice(1, close));
    rest = rest.slice(close + 1);
  }
  if (path.length === 0 || path.length > MAX_DEPTH) {
    set(root, key, value);
    return;
  }
  let node = root;
  let name = base;
  for (const segment of path) {
    let child = node.entries.get(name);
    if (!isPhpArray(child)) {
      child = { entries: new Map(), next: 0 };
      set(node, name, child);
    }
    node = child as PhpArray;
    name = segment === "" ? String(node.next) : segment;
  }
  set(node, name, value);
}

function set(node: PhpArray, key: string, value: unknown): void {
  node.entries.set(key, value);
  if (/^(0|[1-9]\d{0,15})$/.test(key)) node.next = Math.max(node.next, Number(key) + 1);
}

function toObject(node: PhpArray): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of node.entries) defineOwn(out, key, convert(value));
  return out;
}

function convert(value: unknown): unknown {
  if (!isPhpArray(value)) return value;
  const keys = [...value.entries.keys()];
  if (keys.every((k) => /^(0|-?[1-9]\d*)$/.test(k))) return [...value.entries.values()].map(convert);
  return toObject(value);
}


const utf8 = new TextDecoder("utf-8");

/** PHP's `urldecode`: lenient about malformed escapes, UTF-8 text. */
function decode(text: string): string {
  if (!/[%+]/.test(text)) return text;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "+") bytes.push(0x20);
    else if (c === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = text.codePointAt(i)!;
      const char = String.fromCodePoint(code);
      for (const b of encoder.encode(char)) bytes.push(b);
      i += char.length - 1;
    }
  }
  return utf8.decode(new Uint8Array(bytes));
}

/**
 * The params of one request: the query string's, then the body's on top
 * (PHP's `$_REQUEST` order). The body is urlencoded (also when no content
 * type is given), multipart or JSON; anything else is a `BadRequest`.
 */
export async function parseParams(query: string, contentType: string | undefined, body: Buffer): Promise<Record<string, unknown>> {
  const params = parseForm(query);
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  let fromBody: Record<string, unknown>;
  if (type === "application/json" || type.endsWith("+json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8.decode(body));
    } catch (error) {
      throw new BadRequest(`the request body is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      const got = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`;
      throw new BadRequest(`the JSON request body must be an object of params, got ${got}`);
    }
    fromBody = parsed as Record<string, unknown>;
  } else if (type === "" || type === "application/x-www-form-urlencoded") {
    fromBody = parseForm(utf8.decode(body));
  } else if (type === "multipart/form-data") {
    let pairs: [string, string][];
    try {
      pairs = await multipartFields(contentType!, body);
    } catch (error) {
      throw new BadRequest(`the multipart/form-data body cannot be read (${error instanceof Error ? error.message : String(error)})`);
    }
    fromBody = fromPairs(pairs);
  } else {
    throw new BadRequest(
      `unsupported content type ${JSON.stringify(type)}: send application/x-www-form-urlencoded, multipart/form-data or application/json`,
      415,
    );
  }
  for (const key of Object.keys(fromBody)) defineOwn(params, key, fromBody[key]);
  return params;
}
