/**
 * What the server needs from the core, in one place: which rows a command
 * reads (`readPlan`), the match key the derived key columns hold
 * (`matchKey`), and the GetUsers renderer for a page the database counted
 * and cut (`getUsersPage`). No rule is restated here.
 */
export { getUsersPage, matchKey, readPlan } from "whmcs-permissions";
export type { ReadPlan } from "whmcs-permissions";
