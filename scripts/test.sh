#!/usr/bin/env bash
# Runs every check and test suite; `npm test` runs setup and build first.
# Ends with one summary line: "suites: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CHROMEDRIVER=/usr/bin/chromedriver
export GECKODRIVER="${GECKODRIVER:-$HOME/.cargo/bin/geckodriver}"

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

# Lints
suite "cargo fmt --check" cargo fmt --check
suite "cargo clippy (native)" cargo clippy --quiet --all-targets -- -D warnings
suite "cargo clippy (wasm32)" cargo clippy --quiet --all-targets --target wasm32-unknown-unknown -- -D warnings
suite "tsc --noEmit" tsc --noEmit -p .
suite "tsc typed consumers" tsc --noEmit -p tests/types

# Test suites
suite "native: cargo test" cargo test --quiet
suite "native: vectors" cargo test --quiet --test vectors -- --nocapture
suite "node: CJS + ESM + API tests" node --test --test-reporter=spec tests/js/
suite "wasm-bindgen-test: node" wasm-pack --log-level warn test --node -- --test wasm -- --nocapture
WASM_BINDGEN_USE_BROWSER=1 suite "wasm-bindgen-test: headless chrome" wasm-pack --log-level warn test --headless --chrome -- --test wasm -- --nocapture
if [ "${SETUP_FIREFOX:-1}" = 1 ]; then
  WASM_BINDGEN_USE_BROWSER=1 suite "wasm-bindgen-test: headless firefox" wasm-pack --log-level warn test --headless --firefox -- --test wasm -- --nocapture
fi

printf '\n=== summary ===\n'
printf '%s\n' "${report[@]}"
echo "suites: $passed passed, $failed failed"
[ "$failed" = 0 ]
