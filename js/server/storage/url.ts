/**
 * `DATABASE_URL`: `sqlite:PATH`, `mysql://USER:PASS@HOST:PORT/DB` or
 * `mariadb://...` (the same driver). A URL that cannot be read is a
 * `ConfigError` that says what was expected.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type DatabaseUrl =
  | { engine: "sqlite"; path: string; label: string }
  | { engine: "mysql"; host: string; port: number; user: string; password: string; database: string; label: string };

const EXPECTED = "expected sqlite:PATH, mysql://USER:PASS@HOST:PORT/DB or mariadb://USER:PASS@HOST:PORT/DB";

export function parseDatabaseUrl(text: string): DatabaseUrl {
  if (text.startsWith("sqlite:")) {
    // sqlite:data/x.sqlite, sqlite:/abs/x.sqlite, and sqlite:///abs/x.sqlite as URL-minded tools write it
    let path = text.slice("sqlite:".length);
    if (path.startsWith("//")) path = path.slice(2);
    if (path === "") throw new ConfigError(`DATABASE_URL ${JSON.stringify(text)} has no file path (${EXPECTED})`);
    return { engine: "sqlite", path, label: `sqlite:${path}` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`DATABASE_URL ${JSON.stringify(redact(text))} is not a URL (${EXPECTED})`);
  }
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") {
    throw new ConfigError(`DATABASE_URL scheme ${JSON.stringify(url.protocol)} is not supported (${EXPECTED})`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!url.hostname || !database || database.includes("/")) {
    throw new ConfigError(`DATABASE_URL ${JSON.stringify(redact(text))} needs a host and a database name (${EXPECTED})`);
  }
  const port = url.port ? Number(url.port) : 3306;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const user = decodeURIComponent(url.username);
  return {
    engine: "mysql",
    host,
    port,
    user,
    password: decodeURIComponent(url.password),
    database,
    label: `${url.protocol}//${user ? `${user}@` : ""}${url.host}/${database}`,
  };
}

/** The URL without its password, for messages and logs. */
export function redact(text: string): string {
  return text.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}
