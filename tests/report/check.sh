#!/bin/bash
#
# The report's two implementations held against each other and against a
# ground truth (make report-check):
#
#     tests/report/check.sh BUILD_DIR
#
#  1. the distribution functions of docs/sql/run.mjs (node --test);
#  2. a generated journey log (tools/journey_gen.py) whose lines match
#     docs/journey.schema.json, but for the invalid ones it put in;
#  3. docs/sql/ on it (DuckDB) against the figures the generator built in,
#     and against the checkout variant B it made convert better and the
#     hero split it made uneven;
#  4. docs/sql/ again on the same lines shuffled, split into three files,
#     one gzipped: the same report;
#  5. cx-report --format json (BUILD_DIR/cx-report, or $CX_REPORT) on the
#     same log and on the shuffled split: equal to docs/sql/'s report,
#     figure by figure, and to the ground truth; then with each option
#     (--control, --weights, --since, --until, --host, --path-steps, another
#     --funnel) on both sides.  Without a cx-report, it says so and fails
#     unless CX_REPORT_OPTIONAL=1.
#
# The journeys made by the module itself are held the same way in
# t/095-report.t.  REPORT_CHECK_VISITORS sets the generated log's size
# (default 20000 visitors, about 90,000 lines).

set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
build=$(cd "$1" && pwd)
cxr=${CX_REPORT:-$build/cx-report}
out=$build/report-check
visitors=${REPORT_CHECK_VISITORS:-20000}
passed=0
failed=0

rm -rf "$out"
mkdir -p "$out"

check() {
    local name=$1
    shift
    if "$@" > "$out/step.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok - $name"
        tail -1 "$out/step.log" | sed 's/^/    /'
    else
        failed=$((failed + 1))
        echo "not ok - $name"
        sed 's/^/    /' "$out/step.log" | head -60
    fi
}

compare() {
    node "$root/tests/report/compare.mjs" "$@"
}

truth_compare() {
    compare --subset --skip seed --skip visitors_made --skip funnel_steps \
        --skip built_in --skip invalid_lines "$@"
}

"$root/tests/report/deps.sh" "$build"

check "distribution functions against closed forms" \
    node --test "$root/tests/report/"

python3 "$root/tools/journey_gen.py" --seed 15 --visitors "$visitors" \
    "$out/gen.log" "$out/truth.json"
node -e 'for (const l of JSON.parse(require("fs").readFileSync(
    process.argv[1])).invalid_lines) console.log(l)' "$out/truth.json" \
    > "$out/invalid.txt"
funnel=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(
    process.argv[1])).funnel_steps.join(","))' "$out/truth.json")

# python3-jsonschema takes about a millisecond a line: the first 20,000
schema() {
    grep -vxF -f "$out/invalid.txt" "$out/gen.log" | head -20000 \
        | python3 "$root/t/lib/validate-journey.py" \
              "$root/docs/journey.schema.json"
    echo "the first 20000 lines but the invalid ones: valid"
}
check "the generated log matches the journey schema" schema

sql() {
    node "$root/docs/sql/run.mjs" --funnel "$funnel" "$@"
}

check "docs/sql on the generated log" sql -o "$out/sql.json" "$out/gen.log"
check "docs/sql: the figures the generator built in" \
    truth_compare "$out/truth.json" "$out/sql.json"

# what the generator made happen, not counted exactly: B converts better,
# significantly at this size; hero's uneven split is flagged, checkout's
# even one is not
expectations() {
    node -e '
        const r = JSON.parse(require("fs").readFileSync(process.argv[1]));
        const e = Object.fromEntries(r.experiments.map((x) => [x.experiment, x]));
        const b = e.checkout.variants.find((v) => v.variant === "B");
        const fails = [];
        if (!(b.uplift > 0 && b.p_value < 0.001 && b.ci_low > 0
              && b.chance_to_win > 0.999)) fails.push("checkout B: " + JSON.stringify(b));
        if (e.checkout.srm_warning) fails.push("checkout SRM flagged");
        if (!e.hero.srm_warning) fails.push("hero SRM not flagged");
        if (fails.length) { console.log(fails.join("\n")); process.exit(1); }
        console.log("checkout B uplift " + b.uplift + ", p " + b.p_value
                    + "; hero srm_p " + e.hero.srm_p);
    ' "$1"
}
check "docs/sql: B wins, hero's split is flagged" expectations "$out/sql.json"

# the same lines in another order, in three files, one gzipped
shuf --random-source=<(yes) "$out/gen.log" > "$out/shuffled.log"
split -n l/3 -d --additional-suffix=.log "$out/shuffled.log" "$out/part"
gzip "$out/part01.log"
parts=("$out/part00.log" "$out/part01.log.gz" "$out/part02.log")

check "docs/sql on the lines shuffled, split, gzipped" \
    sql -o "$out/sql-parts.json" "${parts[@]}"
check "docs/sql: the same report from the parts" \
    compare "$out/sql.json" "$out/sql-parts.json"

if [[ -x $cxr ]]; then
    check "cx-report on the generated log" \
        "$cxr" --format json --funnel "$funnel" -o "$out/cx-report.json" \
        "$out/gen.log"
    check "cx-report: the figures the generator built in" \
        truth_compare "$out/truth.json" "$out/cx-report.json"
    check "cx-report equals docs/sql, figure by figure" \
        compare "$out/sql.json" "$out/cx-report.json"
    check "cx-report on the lines shuffled, split, gzipped" \
        "$cxr" --format json --funnel "$funnel" \
        -o "$out/cx-report-parts.json" "${parts[@]}"
    check "cx-report: the same report from the parts" \
        compare "$out/sql.json" "$out/cx-report-parts.json"

    # the options, each the same on both sides
    options=("--control checkout=B --weights hero=36,33,31"
             "--since 2026-11-24 --until 2026-11-26T12:00:00"
             "--host SHOP.example --path-steps 3"
             "--host nowhere.example"
             "--funnel cart,checkout,cart")
    for i in "${!options[@]}"; do
        read -r -a o <<< "${options[$i]}"
        check "docs/sql ${options[$i]}" node "$root/docs/sql/run.mjs" \
            "${o[@]}" -o "$out/sql-o$i.json" "$out/gen.log"
        check "cx-report ${options[$i]}" "$cxr" --format json "${o[@]}" \
            -o "$out/cx-report-o$i.json" "$out/gen.log"
        check "the same report with ${options[$i]}" \
            compare "$out/sql-o$i.json" "$out/cx-report-o$i.json"
    done
elif [[ ${CX_REPORT_OPTIONAL:-0} == 1 ]]; then
    echo "# no $cxr: cx-report not checked (CX_REPORT_OPTIONAL=1)"
else
    failed=$((failed + 1))
    echo "not ok - cx-report: $cxr is missing"
fi

echo "report-check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
