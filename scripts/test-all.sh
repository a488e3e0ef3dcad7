#!/bin/bash
# make test: every suite in turn, each run to its end even when one before
# it failed, then one summary of the whole run: "N passed, N failed" for each
# suite, also kept in BUILD_DIR/test-summary, each suite's output in
# BUILD_DIR/test-logs.  Exits non-zero when any suite failed.
# Usage: scripts/test-all.sh BUILD_DIR

set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
make=${MAKE:-make}
logs=$build/test-logs
summary=$build/test-summary

# suite, make target, what is counted
suites=(
    "unit|unit|cmocka tests and cx-cookie checks"
    "fuzz|fuzz-smoke|fuzz targets, a bounded run each"
    "integration dynamic|test-dynamic|t/ files, Debian's nginx 1.22 and the .so"
    "integration static|test-static|t/ files, nginx 1.22 built with the module"
    "integration static-1.26|test-static-1.26|t/ files, nginx 1.26 built with the module"
    "integration asan|test-asan|t/ files, nginx 1.22 with ASan and UBSan"
    "soak|soak-smoke|t/090-soak.t against the ASan build"
    "report|report-check|cx-report against docs/sql in DuckDB and a ground truth"
    "deb|test-deb|the Debian packages installed, used and purged"
    "growthbook|test-growthbook|comparisons with GrowthBook's SDK: the core's, nginx's (t/040)"
)

# "passed failed" from a suite's output: cmocka's and our own counts, prove's
# files; a suite that failed before it counted anything counts one failure
count() {
    local log=$1 status=$2 passed=0 failed=0 files bad

    read -r passed failed < <(awk '
        /^\[  PASSED  \] [0-9]+ test/ { p += $4 }
        /^\[  FAILED  \] [0-9]+ test/ { f += $4 }
        /^[A-Za-z_ -]+: [0-9]+ passed, [0-9]+ failed$/ {
            n = split($0, w, / /)
            p += w[n - 3]; f += w[n - 1]
        }
        END { print p + 0, f + 0 }' "$log")

    files=$(sed -n 's/^Files=\([0-9]*\), Tests=.*/\1/p' "$log" | tail -1)
    if [[ -n $files ]]; then
        bad=$(awk '/^Test Summary Report/ { s = 1; next }
                   s && /^t\/[^ ]+ +\(Wstat/ { n++ }
                   END { print n + 0 }' "$log")
        passed=$((passed + files - bad))
        failed=$((failed + bad))
    fi

    if [[ $status -ne 0 && $failed -eq 0 ]]; then
        failed=1
    fi
    echo "$passed $failed"
}

mkdir -p "$logs"
: > "$summary"
suites_passed=0
suites_failed=0

for entry in "${suites[@]}"; do
    IFS='|' read -r suite target what <<< "$entry"
    log=$logs/${suite// /-}.log

    echo
    echo "=== $suite: make $target"
    $make --no-print-directory -C "$root" "$target" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}

    read -r passed failed < <(count "$log" "$status")
    note="($what)"
    if [[ $status -ne 0 ]] && ! grep -q '^Files=\|PASSED  \]\| passed, ' \
            "$log"; then
        note="(did not run: see ${log#"$root"/})"
    fi
    if [[ $suite == growthbook ]] \
            && grep -q 'npm registry was unreachable' "$log"; then
        note="(the npm registry was unreachable: nothing compared)"
    fi
    printf '%-24s %6d passed, %d failed  %s\n' "$suite:" "$passed" \
        "$failed" "$note" >> "$summary"

    if [[ $status -eq 0 ]]; then
        suites_passed=$((suites_passed + 1))
    else
        suites_failed=$((suites_failed + 1))
    fi
done

echo
echo "=== make test, every suite (build/test-summary):"
cat "$summary"
echo "suites: $suites_passed passed, $suites_failed failed" | tee -a "$summary"

[[ $suites_failed -eq 0 ]]
