#!/usr/bin/env bash
# Runs every check and test suite; `npm test` runs setup and build first.
# Ends with one summary line: "suites: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$PWD/node_modules/.bin:$CARGO_BIN:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export GECKODRIVER="${GECKODRIVER:-$CARGO_BIN/geckodriver}"

passed=0; failed=0; report=()
suite() { # name command...
  local name=$1; shift
  printf '\n=== %s ===\n' "$name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); report+=("ok    $name ($((SECONDS - start))s)")
  else
    failed=$((failed + 1)); report+=("FAIL  $name ($((SECONDS - start))s)")
  fi
}

# The crate stands alone: `cargo package` holds none of the npm side.
crate_contents() {
  local list
  list=$(cargo package --list --allow-dirty --quiet) || return 1
  if grep -E '^(node_modules|pkg|target|js|scripts|tests/(js|pack|types|demo|server|robust|work|node_modules))/|^\.npmrc$|^(tests/)?package(-lock)?\.json$' <<<"$list"; then
    echo "the files above do not belong in the crate (see exclude in Cargo.toml)"; return 1
  fi
  echo "$(wc -l <<<"$list") files in the crate, none of the npm side"
}

# Lints
suite "cargo fmt --check" cargo fmt --check
suite "cargo clippy (native)" cargo clippy --quiet --all-targets -- -D warnings
suite "cargo clippy (wasm32)" cargo clippy --quiet --all-targets --target wasm32-unknown-unknown -- -D warnings
suite "tsc --noEmit" tsc --noEmit -p .
suite "tsc typed consumers" tsc --noEmit -p tests/types
suite "types match the core (every vector's outputs)" node tests/types/drift.mjs
suite "cargo doc (no warnings)" env RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps
suite "cargo package: crate contents" crate_contents

# A throwaway MariaDB for the database suites: its own data directory, socket
# and port on 127.0.0.1, stopped whatever happens (trap EXIT). Without it the
# MariaDB tests fail loudly (they never skip).
mariadb_base=""
stop_mariadb() { if [ -n "$mariadb_base" ]; then bash scripts/mariadb-stop.sh "$mariadb_base" || true; mariadb_base=""; fi; }
trap stop_mariadb EXIT
start_mariadb() {
  local out
  out=$(bash scripts/mariadb-start.sh) || return 1
  read -r mariadb_base mariadb_port _ <<<"$out"
  export WHMCS_TEST_MARIADB="mysql://app:app-pass@127.0.0.1:$mariadb_port"
  echo "MariaDB $(mariadb --no-defaults -h127.0.0.1 -P"$mariadb_port" -uapp -papp-pass -N -e 'select version()') on 127.0.0.1:$mariadb_port ($mariadb_base)"
}
suite "mariadb: throwaway server for the database suites" start_mariadb

# Test suites
suite "native: cargo test" cargo test --quiet
suite "native: vectors" cargo test --quiet --test vectors -- --nocapture
suite "node: CJS + ESM + API tests" node --test --test-reporter=spec tests/js/
suite "robustness: hostile inputs, health, read counts" node --test --test-reporter=spec tests/robust/
suite "work counts (callgrind): linear parsing, O(1) store calls" node tests/work/run.mjs
suite "demo: endpoint and CLI (JSON file, SQLite, MariaDB), admin page" node --test --test-reporter=spec tests/demo/
suite "server: faults, operations, three servers on one database (SQLite, MariaDB)" node --test --test-concurrency=1 --test-reporter=spec tests/server/
suite "packed tarball: every runtime" node tests/pack/run.mjs
suite "benchmarks: smoke run (tiny sizes)" node benches/bench.mjs --smoke
suite "wasm-bindgen-test: node" wasm-pack --log-level warn test --node -- --test wasm -- --nocapture
WASM_BINDGEN_USE_BROWSER=1 suite "wasm-bindgen-test: headless chrome" wasm-pack --log-level warn test --headless --chrome -- --test wasm -- --nocapture
if [ "${SETUP_FIREFOX:-1}" = 1 ]; then
  WASM_BINDGEN_USE_BROWSER=1 suite "wasm-bindgen-test: headless firefox" wasm-pack --log-level warn test --headless --firefox -- --test wasm -- --nocapture
fi

stop_mariadb

printf '\n=== summary ===\n'
printf '%s\n' "${report[@]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
