#!/usr/bin/env bash
# Removes, from the kept Cargo target dir, this workspace's own build artifacts that an earlier
# clone left: cargo keys a workspace crate's artifacts by its source path, and CI builds each
# submission in a new clone, so those of a previous clone are never reused and would pile up by
# gigabytes a run. Registry crates' artifacts (the slow part of a build) are kept.
#
#   scripts/lib/prune-target.sh STAMP   delete workspace artifacts older than the file STAMP
set -euo pipefail
stamp=$1
target="${CARGO_TARGET_DIR:?CARGO_TARGET_DIR is not set}"
[ -f "$stamp" ] || { echo "prune-target: no stamp file $stamp" >&2; exit 1; }
# A fresh machine has built nothing yet: nothing to prune.
[ -d "$target" ] || { echo "prune-target: $target does not exist yet"; exit 0; }

# Every target of the workspace's packages, as cargo names its artifacts (dashes become underscores).
mapfile -t names < <(cargo metadata --no-deps --format-version 1 --locked | python3 -c '
import json, sys
meta = json.load(sys.stdin)
for name in sorted({t["name"].replace("-", "_") for p in meta["packages"] for t in p["targets"]}):
    print(name)')
[ "${#names[@]}" -gt 0 ] || { echo "prune-target: no workspace targets found" >&2; exit 1; }

before=$(du -sm "$target" | cut -f1)
for deps in "$target"/*/deps "$target"/*/*/deps; do
  [ -d "$deps" ] || continue
  for name in "${names[@]}"; do
    find "$deps" -maxdepth 1 \( -name "$name-*" -o -name "lib$name-*" \) ! -newer "$stamp" -exec rm -rf {} +
  done
done
find "$target" -maxdepth 3 -type d -name incremental ! -newer "$stamp" -prune -exec rm -rf {} +
after=$(du -sm "$target" | cut -f1)
echo "prune-target: $target ${before} MB -> ${after} MB"
