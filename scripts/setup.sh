#!/usr/bin/env bash
# Idempotent toolchain setup for whmcs-permissions, in two levels.
# Installs only what is missing or at the wrong version, so a second run
# takes seconds. What and why: ../shared/TOOLCHAIN.md (offline registries
# only; nothing may download a prebuilt browser or binary of its own).
#
#   scripts/setup.sh build   what `npm run build` and `npm start` need: the
#                            wasm32 target, the wasm-bindgen CLI at the crate's
#                            version, the root npm dependencies. No root, no browsers.
#   scripts/setup.sh test    the build level, plus what `npm test` needs:
#                            rustfmt + clippy, wasm-pack, Chromium + chromedriver,
#                            Firefox + geckodriver, a MariaDB server (Debian),
#                            tests/ npm dependencies (Deno, Bun, workerd, Vite,
#                            playwright-core, ...). apt-get needs root or sudo.
#   SETUP_FIREFOX=0 ...      skip headless Firefox (firefox-esr + geckodriver)
set -euo pipefail
cd "$(dirname "$0")/.."

level=${1:-}
case "$level" in
  build | test) ;;
  *) echo "usage: scripts/setup.sh build|test" >&2; exit 2 ;;
esac

log() { printf '[setup %s] %s\n' "$level" "$*" >&2; }
die() { printf '[setup %s] error: %s\n' "$level" "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"

WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1

# The version Cargo.lock resolved for a crate; fails unless exactly one.
locked_version() { # crate
  [ -f Cargo.lock ] || die "Cargo.lock is missing: it pins the wasm-bindgen version the CLI must match"
  local versions
  versions=$(awk -v name="$1" '
    /^\[\[package\]\]$/ { in_pkg = 1; pkg = ""; next }
    in_pkg && $1 == "name" { pkg = $3; gsub(/"/, "", pkg) }
    in_pkg && $1 == "version" && pkg == name { v = $3; gsub(/"/, "", v); print v }
  ' Cargo.lock)
  if ! [[ "$versions" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    die "could not read one version of $1 from Cargo.lock (got: '${versions//$'\n'/ }')"
  fi
  printf '%s\n' "$versions"
}

# "name X.Y.Z ..." -> "X.Y.Z": the installed version of a CLI, or nothing.
cli_version() { # bin
  have "$1" || return 0
  "$1" --version 2>/dev/null | awk 'NR == 1 { print $2 }'
}

# cargo install, unless the CLI is installed at exactly this version.
cargo_tool() { # bin version crate [cargo install args]
  local bin=$1 version=$2 crate=$3; shift 3
  local installed
  installed=$(cli_version "$bin")
  [ "$installed" = "$version" ] && return 0
  log "cargo install $crate $version${installed:+ (found $installed)} (a few minutes, once)"
  cargo install "$crate" --version "$version" "$@"
  installed=$(cli_version "$bin")
  [ "$installed" = "$version" ] || die "$bin --version says '${installed}' after installing $version (is another $bin earlier on PATH?)"
}

rust_target() { # target
  rustup target list --installed | grep -qx "$1" && return 0
  log "rustup target add $1"
  rustup target add "$1"
}

rust_component() { # component
  rustup component list --installed | grep -q "^$1-" && return 0
  log "rustup component add $1"
  rustup component add "$1"
}

# npm ci in a folder, unless its node_modules was installed from this very lock.
npm_deps() { # dir
  local dir=$1 stamp="$1/node_modules/.setup-lock.sha256" sum
  [ -f "$dir/package-lock.json" ] || die "$dir/package-lock.json is missing"
  sum=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] && return 0
  log "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$sum" >"$stamp"
}

# Debian packages, all missing ones in one apt-get call (apt-get update first).
apt_packages() { # package...
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    have sudo || die "need root to apt-get install ${missing[*]}: run this as root, install sudo, or install them yourself and re-run"
    sudo=(sudo)
  fi
  log "apt-get install ${missing[*]} (about a minute, once)"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- build level -------------------------------------------------------------
WASM_BINDGEN_VERSION=$(locked_version wasm-bindgen)
rust_target wasm32-unknown-unknown
# --locked breaks wasm-bindgen-cli (webpki-roots); see TOOLCHAIN.md
cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
npm_deps .

if [ "$level" = build ]; then
  log "ready to build"
  exit 0
fi

# --- test level --------------------------------------------------------------
rust_component rustfmt
rust_component clippy

debs=(chromium chromium-driver mariadb-server mariadb-client valgrind)
if [ "${SETUP_FIREFOX:-1}" = 1 ]; then debs+=(firefox-esr); fi
apt_packages "${debs[@]}"

cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack --locked
if [ "${SETUP_FIREFOX:-1}" = 1 ]; then
  cargo_tool geckodriver "$GECKODRIVER_VERSION" geckodriver --locked
fi

npm_deps tests
# Runtimes that npm packages ship as binaries (tests/pack: Deno, Bun,
# workerd). Their postinstall links the platform binary; redo it if not.
for tool in deno bun workerd; do
  if ! "tests/node_modules/.bin/$tool" --version >/dev/null 2>&1; then
    log "npm rebuild $tool in tests"
    (cd tests && npm rebuild "$tool" --loglevel=error)
    "tests/node_modules/.bin/$tool" --version >/dev/null 2>&1 || die "tests/node_modules/.bin/$tool does not run after npm rebuild"
  fi
done

log "ready to test"
