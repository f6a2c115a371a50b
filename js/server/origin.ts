/**
 * Refuses requests another web site makes from a visitor's browser (they
 * carry a foreign `Origin`) and requests whose `Host` is not one of this
 * server's names (DNS rebinding). The server's names are its loopback
 * addresses on its port, its bind address, and every `PUBLIC_ORIGINS`
 * entry (the names a reverse proxy forwards with the `Host` header). A
 * `Host` without a port means the default port of the origin's scheme, so
 * port 80 (and 443 behind a TLS proxy) work.
 */
import type { IncomingMessage } from "node:http";

const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

/** The origins this server answers as. */
export function allowedOrigins(port: number, host: string, publicOrigins: readonly URL[]): URL[] {
  const names = ["127.0.0.1", "localhost", "[::1]"];
  const bound = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  if (!WILDCARD_HOSTS.has(host) && !names.includes(bound)) names.push(bound);
  return [...names.map((name) => new URL(`http://${name}:${port}`)), ...publicOrigins];
}

const defaultPort = (url: URL) => (url.protocol === "https:" ? "443" : "80");

/** Whether a `Host` header (`name` or `name:port`) names one of `origins`. */
export function hostAllowed(header: string | undefined, origins: readonly URL[]): boolean {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(header ?? "");
  if (!m) return false;
  const hostname = m[1]!.toLowerCase();
  const port = m[2];
  return origins.some((o) => o.hostname === hostname && (o.port || defaultPort(o)) === (port === undefined ? defaultPort(o) : String(Number(port))));
}

export function sameOrigin(req: IncomingMessage, origins: readonly URL[]): boolean {
  if (!hostAllowed(req.headers.host, origins)) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let given: string;
  try {
    given = new URL(origin).origin;
  } catch {
    return false;
  }
  return origins.some((o) => o.origin === given);
}
