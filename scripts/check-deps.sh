#!/usr/bin/env bash
# Checks the dependency rule between libraries (docs/architecture.md): a file
# under src/<lib>/ or include/safegate/<lib>/ may include only the public
# headers of the libraries <lib> is allowed to depend on.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
  [base]="base"
  [text]="base text"
  [scan]="base text scan"
  [stats]="base stats"
  [corpus]="base corpus"
  [net]="base net"
  [store]="base store"
  [policy]="base text scan stats policy"
  [audit]="base text scan stats corpus policy audit"
  [bank]="base text scan stats policy net bank"
  [judge]="base text scan stats policy net judge"
  [eval]="base text scan stats corpus policy net store bank judge eval"
  [moderation]="base text scan stats policy net store judge moderation"
  [review]="base stats store review"
  [assess]="base text scan stats corpus policy audit net store bank judge eval review assess"
)
bad=0
for lib in "${!allowed[@]}"; do
  for f in $(find "src/$lib" "include/safegate/$lib" -name '*.h' -o -name '*.cc' 2>/dev/null); do
    while IFS= read -r dep; do
      case " ${allowed[$lib]} " in
        *" $dep "*) ;;
        *) echo "check-deps: $f includes safegate/$dep/ but $lib may depend only on: ${allowed[$lib]}" >&2; bad=1 ;;
      esac
    done < <(grep -oE '#include "safegate/[a-z]+/' "$f" | sed -E 's|#include "safegate/([a-z]+)/|\1|' | sort -u)
  done
done
if grep -rqE '#include "(apps|python)/' src include 2>/dev/null; then
  echo "check-deps: a library includes apps/ or python/" >&2
  bad=1
fi
[ "$bad" = 0 ] && echo "deps: ok"
exit "$bad"
