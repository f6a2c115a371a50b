/**
 * Error classes. Their messages come from the Rust core; this file only
 * gives them a class so `instanceof` works.
 */

/**
 * The host's state breaks a rule of SPEC.md section 2. `message` starts with
 * the JSON path of the first fault, e.g.
 * `state.user_clients[3].permissions[1]: unknown permission "foo"`.
 */
export class StateError extends Error {
  /** The JSON path of the fault, e.g. `state.users[4].id`. */
  readonly path: string;

  constructor(message: string, path: string) {
    super(message);
    this.name = "StateError";
    this.path = path;
  }
}

/** Rethrows what the core threw, as the wrapper's classes. @internal */
export function rethrow(error: unknown): never {
  if (error instanceof Error && error.name === "StateError" && !(error instanceof StateError)) {
    throw new StateError(error.message, String((error as { path?: unknown }).path ?? "state"));
  }
  throw error;
}
