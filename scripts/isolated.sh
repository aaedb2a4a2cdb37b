#!/usr/bin/env bash
# Runs a command with the checkout alone in its parent directory: inside a private mount namespace the parent is
# replaced by an empty tmpfs into which only the checkout is bound back. Whatever sits beside the checkout on this
# machine (another checkout, shared test data) is invisible, so a test that reads outside the repository fails here.
# Usage: scripts/isolated.sh COMMAND [ARG ...]   (needs root and unshare(1); says so and exits 2 otherwise)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
parent="$(dirname "$repo")"
name="$(basename "$repo")"

if [ "$parent" = "/" ]; then
  echo "isolated.sh: the checkout sits directly under /; move it one level down to run isolated" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
  echo "isolated.sh: needs root and unshare(1) to hide what is beside the checkout" >&2
  exit 2
fi

# The checkout's own mount must stay reachable after the parent is covered, so it is held outside the parent.
hold_base=/tmp
case "$hold_base/" in "$parent"/*) hold_base=/var/tmp ;; esac
hold="$(mktemp -d "$hold_base/constellation-checkout.XXXXXX")"
trap 'rmdir "$hold" 2>/dev/null || true' EXIT

export CONSTELLATION_ISOLATED_PARENT="$parent" CONSTELLATION_ISOLATED_NAME="$name" CONSTELLATION_ISOLATED_HOLD="$hold"
unshare --mount --propagation private bash -euo pipefail -c '
  mount --rbind "$CONSTELLATION_ISOLATED_PARENT/$CONSTELLATION_ISOLATED_NAME" "$CONSTELLATION_ISOLATED_HOLD"
  mount -t tmpfs -o mode=0755 constellation-isolated "$CONSTELLATION_ISOLATED_PARENT"
  mkdir "$CONSTELLATION_ISOLATED_PARENT/$CONSTELLATION_ISOLATED_NAME"
  mount --rbind "$CONSTELLATION_ISOLATED_HOLD" "$CONSTELLATION_ISOLATED_PARENT/$CONSTELLATION_ISOLATED_NAME"
  beside="$(ls -A "$CONSTELLATION_ISOLATED_PARENT")"
  if [ "$beside" != "$CONSTELLATION_ISOLATED_NAME" ]; then
    echo "isolated.sh: expected only $CONSTELLATION_ISOLATED_NAME in $CONSTELLATION_ISOLATED_PARENT, found: $beside" >&2
    exit 2
  fi
  echo "isolated: $CONSTELLATION_ISOLATED_PARENT holds only $CONSTELLATION_ISOLATED_NAME"
  cd "$CONSTELLATION_ISOLATED_PARENT/$CONSTELLATION_ISOLATED_NAME"
  unset CONSTELLATION_ISOLATED_PARENT CONSTELLATION_ISOLATED_NAME CONSTELLATION_ISOLATED_HOLD
  exec "$@"
' isolated "$@"
