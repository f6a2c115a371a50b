/**
 * Error classes. Their messages come from the Rust core, which throws them
 * itself (`new StateError(message, path)`, registered at instantiation), so
 * they carry the call's stack.
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

// The package's bundles are minified (a faster cold start): keep the class's own name
// for `constructor.name` and util.inspect.
Object.defineProperty(StateError, "name", { value: "StateError" });
