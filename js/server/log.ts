/**
 * The audit trail: one JSON line per API call on stdout (pino), as WHMCS
 * keeps its activity log: time, command, the verdict (result and message),
 * the committed changes, the HTTP status and how long it took. Never the
 * params: they can hold passwords and API secrets.
 */
import pino from "pino";
import type { ApiResponse } from "whmcs-permissions";
import type { AnyChange } from "./storage/index.js";

export type Logger = pino.Logger;

export function createLogger(): Logger {
  return pino({ base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

export interface CallRecord {
  /** The canonical command name; for an unknown one, the action as sent (null when none). */
  command: string | null;
  status: number;
  response?: ApiResponse;
  changes: readonly AnyChange[];
  ms: number;
  /** Why the server answered 500 or 503 (no WHMCS verdict then). */
  error?: string;
}

export function logCall(logger: Logger, call: CallRecord): void {
  const verdict = call.response && {
    result: call.response.result,
    ...(call.response.result === "error" ? { message: call.response.message } : {}),
  };
  const line = { command: call.command, status: call.status, verdict, changes: call.changes, ms: Math.round(call.ms * 1000) / 1000, ...(call.error ? { error: call.error } : {}) };
  if (call.status >= 500) logger.error(line, "api call failed");
  else logger.info(line, "api call");
}
