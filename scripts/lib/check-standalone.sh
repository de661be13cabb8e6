#!/usr/bin/env bash
# The repository stands alone: no tracked file may point at documents or data outside it (a sibling
# folder that exists on some machines and not in a clone). Everything the project needs lives here:
# the tally's rules in docs/tally.md, its test cases in app/tests/data/.
set -euo pipefail
cd "$(dirname "$0")/../.."

pattern='\.\./shared|shared/(schulze|DESIGN|TOOLCHAIN|STYLE)|(^|[^a-z/])(DESIGN|TOOLCHAIN|STYLE)\.md'
if found=$(git ls-files -z -- ':!:*.lock' ':!:*package-lock.json' ':!:scripts/lib/check-standalone.sh' \
  | xargs -0 grep -nIE "$pattern" --); then
  echo "These lines refer to files outside the repository; move what they need into it:" >&2
  echo "$found" >&2
  exit 1
fi
echo "standalone: no reference outside the repository"
