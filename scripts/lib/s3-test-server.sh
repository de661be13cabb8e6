#!/usr/bin/env bash
# Installs the S3-protocol server that server/tests/publish_assets.rs runs on loopback: moto's
# standalone server from PyPI, pinned, in its own venv. Each test starts and stops its own instance
# on a free port, so nothing is left running and tests never share a bucket namespace.
#
#   scripts/lib/s3-test-server.sh        install (a second run only compares the pin: well under 1 s)
#   source scripts/lib/s3-test-server.sh; ensure_s3_test_server
#
# The tests find the server at $MOTO_SERVER, else at the path below (the same default as here).

MOTO_VERSION=5.2.5
S3_TEST_VENV="${MEALVOTE_CACHE:-$HOME/.cache/mealvote}/venv-s3"

ensure_s3_test_server() {
  local wanted="moto[server]==$MOTO_VERSION"
  local stamp="$S3_TEST_VENV/.requirements"
  if [[ -x "$S3_TEST_VENV/bin/moto_server" && -f "$stamp" && "$(<"$stamp")" == "$wanted" ]]; then
    echo "S3 test server: moto $MOTO_VERSION in $S3_TEST_VENV"
    return 0
  fi
  echo "S3 test server: installing $wanted into $S3_TEST_VENV"
  command -v python3 >/dev/null || { echo "error: python3 is needed for the S3 test server" >&2; return 1; }
  rm -rf "$S3_TEST_VENV"
  python3 -m venv "$S3_TEST_VENV"
  "$S3_TEST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$wanted"
  # Written last: an interrupted install is redone on the next run.
  printf '%s' "$wanted" >"$stamp"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  ensure_s3_test_server
fi
