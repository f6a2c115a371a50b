/**
 * What the server needs from the core, in one place. `readPlan`,
 * `matchKey` and `getUsersPage` are core exports; until a core build that
 * has them is on this branch, the stand-ins below keep the server correct
 * (a whole-state plan; the match rule that SPEC section 8 states, JS
 * `toLowerCase`), and each is replaced by the core's export once it lands.
 */
import * as lib from "whmcs-permissions";

/** Which rows a command reads (the core's `readPlan`); see storage/plan.ts. */
export interface ReadPlan {
  /** Canonical WHMCS name; null = unknown command (answers "Command Not Found"; reads nothing). */
  command: string | null;
  /** The command may write: lock what you read. */
  writes: boolean;
  users: number[];
  clients: number[];
  links: { user_id: number; client_id: number }[];
  members_with_email: { client_id: number; email_key: string }[];
  users_with_email: string[];
  max_user_id: boolean;
  users_page: null | { start: number; limit: number; descending: boolean; search: string | null };
  /** Stand-in only (no core `readPlan` yet): load the whole state. */
  whole?: boolean;
}

type Exports = Record<string, unknown>;
const core = lib as unknown as Exports;

const coreReadPlan = core.readPlan as ((command: string, params: Record<string, unknown>) => ReadPlan) | undefined;

/** The core's plan, or (stand-in) "read and lock everything". */
export function readPlan(command: string, params: Record<string, unknown>): ReadPlan {
  if (coreReadPlan) return coreReadPlan(command, params);
  return {
    command: typeof command === "string" ? command : null,
    writes: true,
    users: [],
    clients: [],
    links: [],
    members_with_email: [],
    users_with_email: [],
    max_user_id: false,
    users_page: null,
    whole: true,
  };
}

const coreMatchKey = core.matchKey as ((text: string) => string) | undefined;

/** The core's match key (full-Unicode lowercase, SPEC sections 7 and 8). */
export const matchKey: (text: string) => string = coreMatchKey ?? ((text) => text.toLowerCase());

/** The core's GetUsers renderer for a page the database counted and paged, when the core has it. */
export const getUsersPage = core.getUsersPage as
  | ((slice: lib.State, params: Record<string, unknown>, totalresults: number) => lib.Outcome)
  | undefined;

/** Whether the core in this build provides the plan (else every request reads the whole state). */
export const hasCorePlan = coreReadPlan !== undefined;
