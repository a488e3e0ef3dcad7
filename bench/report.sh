#!/bin/bash
# make bench, second part: cx-report against DuckDB and GoAccess on one
# generated journey log (tools/journey_gen.py), one run each:
#  - cx-report --format json, the whole report (docs/report.md);
#  - DuckDB (@duckdb/node-api, 2 threads): docs/sql/ through
#    docs/sql/run.mjs, the same figures, checked equal to cx-report's;
#  - DuckDB's quick query (bench/report-quick.sql): visitors, sessions,
#    bounce rate and channels only, the issue's reference point (0.8 s);
#  - GoAccess (Debian's) on the same page views as a combined access log
#    (bench/journey_access_log.py), an HTML report.
# Each: seconds (wall clock), lines per second (of its own input), peak
# memory (maximum resident set size by /usr/bin/time -v; DuckDB's is its
# node process's).  Targets (issue 15): cx-report at most 2x DuckDB's time,
# at least 5x GoAccess's lines per second, under 300 MB.
#
# Usage: bench/report.sh   (BENCH_REPORT_VISITORS=N for the log's size,
# default 175000 visitors, about 760,000 lines and 610 MB; the log is kept
# in build/bench/ and made again only when its size or the generator
# changes)

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
visitors=${BENCH_REPORT_VISITORS:-175000}
seed=15
data=$build/bench
log=$data/journey-$seed-$visitors.log
truth=$data/journey-$seed-$visitors.truth.json
access=$data/journey-$seed-$visitors.access.log
work=$(mktemp -d /tmp/cx-bench-report-XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$data"
stamp=$data/journey-$seed-$visitors.stamp
generator=$(cd "$root" && sha256sum tools/journey_gen.py \
    bench/journey_access_log.py | sha256sum | cut -c1-16)
if [[ ! -s $log || ! -s $access || $(cat "$stamp" 2>/dev/null) != "$generator" ]]
then
    echo "bench/report.sh: writing a journey log of $visitors visitors in $data"
    python3 "$root/tools/journey_gen.py" --seed "$seed" \
        --visitors "$visitors" "$log" "$truth"
    python3 "$root/bench/journey_access_log.py" "$log" "$access"
    echo "$generator" > "$stamp"
fi

funnel=$(python3 -c 'import json, sys
print(",".join(json.load(open(sys.argv[1]))["funnel_steps"]))' "$truth")
lines=$(wc -l < "$log")
access_lines=$(wc -l < "$access")
megabytes=$(( $(stat -c %s "$log") / 1000000 ))

# measure NAME COMMAND...: one run under /usr/bin/time -v; prints
# "seconds peak_kb cpu_seconds" (user and system time, which other load on
# the machine changes less than the wall clock)
measure() {
    local name=$1
    shift
    /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.out" \
        2> "$work/$name.err" || {
        echo "bench/report.sh: $name failed:" >&2
        cat "$work/$name.err" "$work/$name.time" >&2
        exit 1
    }
    awk -F': ' '
        /Elapsed \(wall clock\)/ {
            n = split($2, p, ":"); s = 0;
            for (i = 1; i <= n; i++) s = s * 60 + p[i];
        }
        /User time \(seconds\)/ { cpu += $2 }
        /System time \(seconds\)/ { cpu += $2 }
        /Maximum resident set size/ { kb = $2 }
        END { printf "%.3f %d %.2f\n", s, kb, cpu }' "$work/$name.time"
}

read -r cxr_s cxr_kb cxr_cpu < <(measure cx-report "$build/cx-report" \
    --format json --funnel "$funnel" -o "$work/cx-report.json" "$log")
read -r duck_s duck_kb duck_cpu < <(measure duckdb node "$root/docs/sql/run.mjs" \
    --threads 2 --times --funnel "$funnel" -o "$work/duckdb.json" "$log")
read -r quick_s quick_kb quick_cpu < <(measure duckdb-quick node \
    "$root/docs/sql/run.mjs" --threads 2 --sql "$root/bench/report-quick.sql" \
    --bare -o "$work/quick.json" "$log")
read -r ga_s ga_kb ga_cpu < <(measure goaccess goaccess "$access" \
    --log-format=COMBINED --no-progress --no-global-config \
    -o "$work/goaccess.html")

differ=0
node "$root/tests/report/compare.mjs" "$work/duckdb.json" \
    "$work/cx-report.json" > "$work/same.txt" || differ=1

echo
echo "cx-report against DuckDB and GoAccess: $lines journey lines" \
     "($megabytes MB, $visitors visitors made, seed $seed), $(nproc) cores," \
     "one run each, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
row() {
    printf '%-40s %8s %8s %8s %10s %8s\n' "$@"
}
per_second() {
    awk -v n="$1" -v s="$2" 'BEGIN { printf "%d", n / s }'
}
row program lines seconds "CPU s" "lines/s" "peak MB"
row "cx-report --format json" "$lines" "$cxr_s" "$cxr_cpu" \
    "$(per_second "$lines" "$cxr_s")" $((cxr_kb / 1024))
row "DuckDB $(node -p 'require(process.argv[1]).dependencies["@duckdb/node-api"]' \
    "$root/docs/sql/package.json"), 2 threads, docs/sql" "$lines" "$duck_s" \
    "$duck_cpu" "$(per_second "$lines" "$duck_s")" $((duck_kb / 1024))
row "DuckDB, 2 threads, the quick query" "$lines" "$quick_s" "$quick_cpu" \
    "$(per_second "$lines" "$quick_s")" $((quick_kb / 1024))
row "GoAccess $(goaccess --version | sed -n '1s/.* - //; 1s/\.$//p'), access log" \
    "$access_lines" "$ga_s" "$ga_cpu" \
    "$(per_second "$access_lines" "$ga_s")" $((ga_kb / 1024))
echo
echo "DuckDB's steps (docs/sql/run.mjs --times):"
sed 's/^/    /' "$work/duckdb.err"
echo "cx-report against DuckDB, figure by figure:"
sed 's/^/    /' "$work/same.txt"
echo "the quick query (bench/report-quick.sql): visitors, sessions, bounce" \
     "rate and channels only, the issue's reference point"
awk -v c="$cxr_s" -v d="$duck_s" -v g="$ga_s" -v n="$lines" -v a="$access_lines" \
    -v kb="$cxr_kb" -v q="$quick_s" -v cc="$cxr_cpu" -v dc="$duck_cpu" \
    -v qc="$quick_cpu" -v gc="$ga_cpu" 'BEGIN {
    printf "cx-report time / DuckDB time: %.2f (target <= 2); CPU: %.2f\n", \
        c / d, cc / dc;
    printf "cx-report time / the quick query'"'"'s time: %.2f; CPU: %.2f\n", \
        c / q, cc / qc;
    printf "cx-report lines/s / GoAccess lines/s: %.1f (target >= 5);" \
        " by CPU seconds: %.1f\n", (n / c) / (a / g), (n / cc) / (a / gc);
    printf "cx-report peak memory: %d MB (target < 300)\n", kb / 1024;
}'
if [[ $differ -ne 0 ]]; then
    echo "bench/report.sh: cx-report and DuckDB differ (above)" >&2
    exit 1
fi
