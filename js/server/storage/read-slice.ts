/**
 * The slice a command would run on, read and handed over without running
 * the command (`POST /api/slice`): the rows the core's read plan names,
 * loaded by the same loaders `Storage.execute` uses, as a canonical state.
 * A browser that runs the command on it with the same WebAssembly module
 * gets the server's answer. Nothing is locked, nothing is written.
 */
import type { CanonicalState } from "whmcs-permissions";
import type { ReadPlan } from "../core.js";
import { canonical } from "./bulk.js";
import { loadPlan, type Reader } from "./plan.js";
import { buildSlice, Loaded, onSlice } from "./slice.js";
import type { Conn } from "./statements.js";
import { loadUsersPage } from "./users-page.js";

export interface SliceAnswer {
  /** The WHMCS name of the command; null for an unknown one (its slice is empty). */
  command: string | null;
  /** The rows the command reads, as a valid state. */
  state: CanonicalState;
  /**
   * GetUsers only: how many users match, as the database counted them (the
   * slice holds one page). Absent when the core counts the slice itself (a
   * search longer than the key columns' exact prefix).
   */
  totalresults?: number;
}

/** Loads what `plan` names, inside the caller's read transaction. */
export async function readSlice(c: Conn, plan: ReadPlan): Promise<SliceAnswer> {
  const loaded = new Loaded();
  const reader: Reader = { ...c, into: loaded, lock: false };
  let totalresults: number | undefined;
  if (plan.users_page) totalresults = (await loadUsersPage(reader, plan.users_page)).total;
  else await loadPlan(reader, plan);
  const state = onSlice(buildSlice(loaded), canonical);
  return totalresults === undefined ? { command: plan.command, state } : { command: plan.command, state, totalresults };
}

/** The slice of an unknown command: it reads nothing. */
export const emptySlice = (): SliceAnswer => ({ command: null, state: canonical({ users: [], clients: [] }) });
