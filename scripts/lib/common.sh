# Shared by the scripts in this folder: paths, pinned versions, logging. Source it, don't run it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export MEALVOTE_CACHE="${MEALVOTE_CACHE:-$HOME/.cache/mealvote}"
# One Cargo target dir outside the checkout, kept between runs (CI clones afresh every time).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$MEALVOTE_CACHE/target}"
# CI builds each clone once: incremental caches would only pile up in the kept target dir (tens
# of GB over a few runs) without ever being reused.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi
TOOLS_DIR="$MEALVOTE_CACHE/tools"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

# Pinned versions (see docs/toolchain.md for why these).
CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132

# Each `step` ends the previous one; `step_times` prints how long each took (scripts/test ends with it).
STEP_NAMES=()
STEP_SECONDS=()
step_close() {
  if [ -n "${STEP_STARTED:-}" ]; then
    STEP_SECONDS+=($((SECONDS - STEP_STARTED)))
    STEP_STARTED=""
  fi
}
step() {
  step_close
  STEP_NAMES+=("$*")
  STEP_STARTED=$SECONDS
  printf '\n==> %s\n' "$*"
}
step_times() {
  step_close
  local i
  printf '\n%8s  %s\n' "seconds" "step"
  for i in "${!STEP_SECONDS[@]}"; do
    printf '%8d  %s\n' "${STEP_SECONDS[$i]}" "${STEP_NAMES[$i]}"
  done
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (install it yourself, or install sudo)"
  fi
}

APT_UPDATED=""
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install these yourself: $*"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
locked_wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}
