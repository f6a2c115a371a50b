/**
 * The server's configuration, from the environment. Anything that cannot
 * be used is a `StartupError` that says which variable and why.
 *
 *   PORT              port (default 8080; 0 picks a free one, printed at start)
 *   HOST              bind address (default 127.0.0.1)
 *   DATABASE_URL      sqlite:PATH | mysql://USER:PASS@HOST:PORT/DB | mariadb://...
 *                     (default sqlite:data/whmcs.sqlite)
 *   STATE_FILE        a JSON state file instead of a database (not with DATABASE_URL)
 *   PUBLIC_ORIGINS    comma list of origins the server is reached at through a proxy
 *   API_IDENTIFIER, API_SECRET   optional API credentials, both or neither
 */
import { ConfigError, parseDatabaseUrl, type DatabaseUrl } from "./storage/url.js";
import type { Credentials } from "./endpoint.js";

/** The server cannot start; `message` says why (and names the file, if it is about one). */
export class StartupError extends Error {
  constructor(
    message: string,
    /** The state file exists and was left untouched. */
    readonly fileKept = false,
  ) {
    super(message);
  }
}

export const DEFAULT_DATABASE_URL = "sqlite:data/whmcs.sqlite";

export type StorageConfig = { kind: "json-file"; path: string } | { kind: "database"; url: DatabaseUrl };

export interface Config {
  port: number;
  host: string;
  storage: StorageConfig;
  publicOrigins: URL[];
  credentials: Credentials | undefined;
}

const set = (value: string | undefined): value is string => value !== undefined && value !== "";

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const portText = env.PORT ?? "8080";
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new StartupError(`PORT must be a port number (0-65535), got ${JSON.stringify(portText)}`);
  const identifier = env.API_IDENTIFIER ?? "";
  const secret = env.API_SECRET ?? "";
  if ((identifier === "") !== (secret === "")) {
    throw new StartupError("set both API_IDENTIFIER and API_SECRET to require credentials, or neither");
  }
  if (set(env.DATABASE_URL) && set(env.STATE_FILE)) {
    throw new StartupError("DATABASE_URL and STATE_FILE are both set: choose a database or a JSON state file, not both");
  }
  let storage: StorageConfig;
  if (set(env.STATE_FILE)) storage = { kind: "json-file", path: env.STATE_FILE };
  else {
    try {
      storage = { kind: "database", url: parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL) };
    } catch (error) {
      if (error instanceof ConfigError) throw new StartupError(error.message);
      throw error;
    }
  }
  return {
    port,
    host: env.HOST || "127.0.0.1",
    storage,
    publicOrigins: parseOrigins(env.PUBLIC_ORIGINS ?? ""),
    credentials: identifier ? { identifier, secret } : undefined,
  };
}

/** `https://admin.example.com,http://example.com:8080`: scheme and host (and port), nothing else. */
function parseOrigins(text: string): URL[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        throw new StartupError(`PUBLIC_ORIGINS: ${JSON.stringify(s)} is not an origin such as https://admin.example.com`);
      }
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== "/" || url.search || url.hash || url.username) {
        throw new StartupError(`PUBLIC_ORIGINS: ${JSON.stringify(s)} must be just a scheme and a host, such as https://admin.example.com`);
      }
      return url;
    });
}
