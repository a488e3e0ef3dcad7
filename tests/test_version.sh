#!/bin/bash
# One version, in one place: the file VERSION.  The tools print it, the
# Debian package's changelog and CHANGELOG.md have an entry for it on top.
# Usage: tests/test_version.sh path/to/cx-cookie [path/to/cx-report]

set -uo pipefail
export LC_ALL=C

COOKIE_TOOL=${1:?usage: $0 path/to/cx-cookie [path/to/cx-report]}
REPORT_TOOL=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

PASSED=0
FAILED=0

check() {   # name actual expected
    if [[ "$2" == "$3" ]]; then
        PASSED=$((PASSED + 1))
    else
        FAILED=$((FAILED + 1))
        echo "FAIL: $1" >&2
        echo "  got:      $2" >&2
        echo "  expected: $3" >&2
    fi
}

version=$(cat "$ROOT/VERSION")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
check "VERSION is MAJOR.MINOR.PATCH" "$?" 0
check "VERSION is one line" "$(wc -l < "$ROOT/VERSION")" 1

out=$("$COOKIE_TOOL" --version)
check "cx-cookie --version: exit" "$?" 0
check "cx-cookie --version" "$out" "cx-cookie $version"

if [[ -n $REPORT_TOOL ]]; then
    out=$("$REPORT_TOOL" --version)
    check "cx-report --version: exit" "$?" 0
    check "cx-report --version" "$out" "cx-report $version"
fi

# debian/changelog's first line: "SOURCE (VERSION) DISTRIBUTION; urgency=U"
top=$(head -1 "$ROOT/debian/changelog")
check "debian/changelog: top entry" \
    "$(sed -E 's/^([a-z0-9.+-]+) \(([^)]*)\) .*/\1 \2/' <<< "$top")" \
    "libnginx-mod-http-cx $version"

# CHANGELOG.md: the newest release heading, "## [VERSION] - YYYY-MM-DD"
newest=$(grep -E '^## \[[0-9]' "$ROOT/CHANGELOG.md" | head -1)
check "CHANGELOG.md: newest release" \
    "$(sed -E 's/^## \[([^]]*)\] - [0-9]{4}-[0-9]{2}-[0-9]{2}$/\1/' \
       <<< "$newest")" "$version"

echo "test_version: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
