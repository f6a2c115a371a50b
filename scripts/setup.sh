#!/usr/bin/env bash
# Idempotent toolchain setup for whmcs-permissions.
# Installs only what is missing, so a second run takes a few seconds.
# What and why: ../shared/TOOLCHAIN.md (offline registries only; nothing
# may download a prebuilt browser or binary of its own).
#
#   scripts/setup.sh            everything the build and `npm test` need
#   SETUP_FIREFOX=0 ...         skip headless Firefox (firefox-esr + geckodriver)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$HOME/.cargo/bin:$PATH"

# The wasm-bindgen CLI must be exactly the version the crate is pinned to.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1)
WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1

# 1. Rust target
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for comp in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$comp"; then
    log "adding rust component $comp"
    rustup component add "$comp"
  fi
done

# 2. Cargo-installed CLIs (versions checked, not just presence)
cargo_tool() { # bin version crate [extra args]
  local bin=$1 version=$2 crate=$3; shift 3
  if have "$bin" && "$bin" --version 2>/dev/null | grep -q " $version"; then return 0; fi
  log "cargo install $crate $version (a few minutes, once)"
  cargo install "$crate" --version "$version" "$@"
}
# --locked breaks wasm-bindgen-cli (webpki-roots); see TOOLCHAIN.md
cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack --locked

# 3. System browsers and drivers (Debian packages)
apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ] && ! have sudo; then
    log "need root to apt-get install $*; install them and re-run"; exit 1
  fi
  local SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  if [ $apt_updated = 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  log "installing chromium + chromium-driver"
  apt_install chromium chromium-driver
fi
if [ "${SETUP_FIREFOX:-1}" = 1 ]; then
  if ! have firefox-esr && ! have firefox; then
    log "installing firefox-esr"
    apt_install firefox-esr
  fi
  cargo_tool geckodriver "$GECKODRIVER_VERSION" geckodriver --locked
fi

# 4. npm dependencies (binaryen's wasm-opt, typescript, esbuild, test tools)
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi

# 5. Runtimes that npm packages ship as binaries (tests/pack: Deno, Bun,
#    workerd). Their postinstall links the platform binary; redo it if not.
for tool in deno bun workerd; do
  if ! "node_modules/.bin/$tool" --version >/dev/null 2>&1; then
    log "npm rebuild $tool"
    npm rebuild "$tool" --loglevel=error
  fi
done

log "toolchain ready"
