#!/bin/bash
# make bench: the module's cost against plain nginx and against the stock
# assembly an operator would build instead (nginx's userid, split_clients and
# map, Debian's geoip2 module, a JSON access_log), measured in one run with
# the same nginx binary (Debian's):
#  - instructions, malloc-family calls and log writes per page view with
#    callgrind: one process (master_process off), the same client
#    (bench/driver.py) for every configuration, the difference between N and
#    N + 1000 keep-alive requests / 1000;
#  - requests per second with wrk: nginx pinned to one core, wrk to the
#    other, a returning visitor's cookie, BENCH_RUNS runs of each
#    configuration taken in turn, medians;
#  - the cost of each feature added one at a time, as a table and an SVG.
# Results also go to build/bench/ (results.md, features.svg, wrk runs).
# Usage: bench/run.sh
#   BENCH_REQUESTS=N   callgrind's N (1000)
#   BENCH_SECONDS=S    each wrk run (3)
#   BENCH_RUNS=R       wrk runs of each configuration (10; 0: no wrk)
#   BENCH_MODULE=FILE  another build of ngx_http_cx_module.so
#   BENCH_ONLY="a b"   only these configurations (plain and plain_realip
#                      always), e.g.
#                      "cx_minimal cx_full"
#   BENCH_KEEP=DIR     keep the callgrind files in DIR (callgrind_annotate)

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$root/../shared" 2>/dev/null && pwd || echo "$root/../shared")
module=${BENCH_MODULE:-$root/build/dynamic/nginx/objs/ngx_http_cx_module.so}
geoip2_module=/usr/lib/nginx/modules/ngx_http_geoip2_module.so
nginx=/usr/sbin/nginx
requests=${BENCH_REQUESTS:-1000}
many=2000    # visitors of the rows past the module's caches
seconds=${BENCH_SECONDS:-3}
runs=${BENCH_RUNS:-10}
out=$root/build/bench
work=$(mktemp -d /tmp/cx-bench-XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
keep=${BENCH_KEEP:-}
only=${BENCH_ONLY:-}
if [[ -n $keep ]]; then
    mkdir -p "$keep"
fi

# wanted NAME: in BENCH_ONLY, or no BENCH_ONLY
wanted() {
    [[ -z $only || $1 == plain || $1 == plain_realip
       || " $only " == *" $1 "* ]]
}
mkdir -p "$out"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {
    for _ in $(seq 600); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nginx did not listen on $1" >&2
    return 1
}

# a 13 KB page, as a shop's HTML is
mkdir -p "$work/www"
{
    echo '<!doctype html><html><head><title>Shop</title></head><body>'
    for i in $(seq 200); do
        echo "<p class=\"item\">Product $i, in stock, ships tomorrow.</p>"
    done
    echo '</body></html>'
} > "$work/www/page.html"

secret=$work/cx.key
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$secret"

city=$shared/geoip/GeoIP2-City-Test.mmdb
asn=$shared/geoip/GeoLite2-ASN-Test.mmdb

# the configurations: what they load, and their http{} directives

declare -A load directives

load[plain]=""
directives[plain]="
    access_log off;"

# nginx's realip alone: the geo rows need it to take the address from
# X-Forwarded-For, so it is part of their cost, though not the module's
load[plain_realip]=""
directives[plain_realip]="
    access_log off;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;"

load[stock]="load_module $geoip2_module;"
directives[stock]="
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    geoip2 $city {
        \$geo_country country iso_code;
        \$geo_region subdivisions 0 names en;
        \$geo_city city names en;
        \$geo_lat location latitude;
        \$geo_lon location longitude;
    }
    geoip2 $asn {
        \$geo_asn autonomous_system_number;
    }
    userid on;
    userid_name uid;
    userid_path /;
    userid_expires 365d;
    split_clients \"checkout\${uid_got}\${uid_set}\" \$exp_checkout {
        50% A;
        * B;
    }
    split_clients \"hero\${uid_got}\${uid_set}\" \$exp_hero {
        33.33% red;
        33.33% green;
        * blue;
    }
    map \$uri \$touchpoint {
        / home;
        ~^/product/ product;
        ~*^/cart cart;
        /checkout/done order_done;
    }
    map \$http_referer \$channel {
        \"\" direct;
        ~^https?://(www\\.)?google\\. search;
        default referral;
    }
    map \$http_user_agent \$device {
        ~Mobile mobile;
        default desktop;
    }
    log_format journey escape=json '{\"ts\":\"\$time_iso8601\",'
        '\"visitor\":\"\$uid_got\$uid_set\",\"path\":\"\$request_uri\",'
        '\"touchpoint\":\"\$touchpoint\",\"status\":\$status,'
        '\"request_ms\":\$request_time,\"channel\":\"\$channel\",'
        '\"referrer\":\"\$http_referer\",\"device\":\"\$device\",'
        '\"agent\":\"\$http_user_agent\",\"country\":\"\$geo_country\",'
        '\"region\":\"\$geo_region\",\"city\":\"\$geo_city\",'
        '\"lat\":\"\$geo_lat\",\"lon\":\"\$geo_lon\",\"asn\":\"\$geo_asn\",'
        '\"variants\":\"checkout=\$exp_checkout; hero=\$exp_hero\"}';
    access_log $work/stock.log journey buffer=64k;"

cx_minimal="
    access_log off;
    cx on;
    cx_secret $secret;
    cx_log $work/journey.log buffer=64k;"
cx_touchpoints="
    cx_touchpoint / home;
    cx_touchpoint ~^/product/ product;
    cx_touchpoint ~*^/cart cart;
    cx_touchpoint /checkout/done order_done goal;"
cx_geo="
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    cx_geoip2 $city;
    cx_geoip2 $asn;"
cx_experiments="
    cx_experiment checkout { 50% A; * B; }
    cx_experiment hero { 33.33% red; 33.33% green; * blue; }"
cx_metrics="
    cx_metrics_zone cx 1m;"

load[cx_minimal]="load_module $module;"
directives[cx_minimal]=$cx_minimal
load[cx_touchpoints]="load_module $module;"
directives[cx_touchpoints]=$cx_minimal$cx_touchpoints
load[cx_geo]="load_module $module;"
directives[cx_geo]=$cx_minimal$cx_touchpoints$cx_geo
load[cx_experiments]="load_module $module;"
directives[cx_experiments]=$cx_minimal$cx_touchpoints$cx_geo$cx_experiments
load[cx_full]="load_module $module;"
directives[cx_full]=$cx_minimal$cx_touchpoints$cx_geo$cx_experiments$cx_metrics

declare -A label=(
    [plain]="plain nginx, return 200"
    [plain_realip]="plain nginx + realip (as in the geo rows)"
    [stock]="stock assembly"
    [cx_minimal]="cx minimal (cx on, secret, log)"
    [cx_touchpoints]="+ 4 touchpoints"
    [cx_geo]="+ 2 geo databases"
    [cx_experiments]="+ 2 experiments"
    [cx_full]="+ metrics: cx full"
)

# config NAME MODE: an nginx.conf; MODE "callgrind" (one process, no
# daemon) or "wrk"; prints the prefix and the port
config() {
    local name=$1 mode=$2 prefix=$work/$1-$2-$RANDOM port process
    port=$(free_port)
    mkdir -p "$prefix"/{logs,tmp}

    process="worker_processes 1;"
    if [[ $mode == callgrind ]]; then
        process="master_process off; daemon off;"
    fi

    cat > "$prefix/nginx.conf" <<CONF
${load[$name]}
$process
error_log $prefix/logs/error.log warn;
pid $prefix/logs/nginx.pid;
events { worker_connections 1024; }
http {
    types { text/html html; }
    keepalive_requests 1000000;
    client_body_temp_path $prefix/tmp;
    proxy_temp_path $prefix/tmp;
    fastcgi_temp_path $prefix/tmp;
    uwsgi_temp_path $prefix/tmp;
    scgi_temp_path $prefix/tmp;
${directives[$name]}
    server {
        listen 127.0.0.1:$port;
        location / {
            default_type text/html;
            return 200 "<!doctype html><p>bench</p>\n";
        }
        location = /page.html {
            root $work/www;
        }
    }
}
CONF
    echo "$prefix $port"
}

# callgrind PREFIX PORT COUNT DRIVER_ARGS...: "instructions mallocs writes
# log_bytes" for nginx started, sent COUNT requests and stopped
callgrind() {
    local prefix=$1 port=$2 count=$3
    shift 3
    local out=$prefix/callgrind.$count pid bytes

    rm -f "$work/journey.log" "$work/stock.log"
    valgrind --tool=callgrind --callgrind-out-file="$out" -q \
        "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" &
    pid=$!
    wait_port "$port"
    python3 "$root/bench/driver.py" "$port" "$count" "$@"
    kill -QUIT "$pid"
    wait "$pid" || true

    if [[ -n $keep ]]; then
        cp "$out" "$keep/$(basename "$prefix").$count"
    fi

    bytes=0
    for log in "$work/journey.log" "$work/stock.log"; do
        if [[ -f $log ]]; then
            bytes=$((bytes + $(stat -c %s "$log")))
        fi
    done
    python3 "$root/bench/calls.py" "$out" malloc calloc realloc \
            posix_memalign memalign aligned_alloc write \
        | awk -v bytes="$bytes" '
            NR == 1 { total = $1; next }
            /^write=/ { split($0, kv, "="); writes = kv[2]; next }
            { split($0, kv, "="); mallocs += kv[2] }
            END { print total, mallocs, writes, bytes }'
}

# per_request NAME DRIVER_ARGS...: "instructions mallocs writes
# writes_per_64KiB" per request
per_request() {
    local name=$1 prefix port low high
    shift
    read -r prefix port < <(config "$name" callgrind)
    read -r -a low < <(callgrind "$prefix" "$port" "$requests" "$@")
    read -r -a high < <(callgrind "$prefix" "$port" $((requests + 1000)) "$@")
    awk -v i0="${low[0]}" -v i1="${high[0]}" -v m0="${low[1]}" \
        -v m1="${high[1]}" -v w0="${low[2]}" -v w1="${high[2]}" \
        -v b0="${low[3]}" -v b1="${high[3]}" 'BEGIN {
            bytes = b1 - b0
            printf "%d %.2f %.3f %s\n", (i1 - i0) / 1000, (m1 - m0) / 1000,
                (w1 - w0) / 1000,
                (bytes > 0) ? sprintf("%.2f", (w1 - w0) / (bytes / 65536)) \
                            : "-"
        }'
}

# wrk_once NAME PATH: requests per second, nginx on core 0, wrk on core 1,
# with the cookie this configuration gave a first request
wrk_once() {
    local name=$1 path=$2 prefix port cookie rps
    read -r prefix port < <(config "$name" wrk)
    taskset -c 0 "$nginx" -p "$prefix/" -c "$prefix/nginx.conf"
    wait_port "$port"
    cookie=$(curl -s -o /dev/null -D - -H "X-Forwarded-For: 81.2.69.142" \
                 "http://127.0.0.1:$port/" \
             | awk 'tolower($1) == "set-cookie:" { sub(/;.*/, "", $2);
                                                   printf "%s; ", $2 }')
    taskset -c 1 wrk -t1 -c32 -d"${seconds}s" \
        -H "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36" \
        -H "Referer: https://www.google.com/" \
        -H "X-Forwarded-For: 81.2.69.142" \
        ${cookie:+-H "Cookie: ${cookie%; }"} \
        "http://127.0.0.1:$port$path" > "$prefix/wrk.txt"
    "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -s quit 2>/dev/null
    rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$prefix/wrk.txt")
    echo "$rps"
}

median() {
    tr ' ' '\n' | sed '/^$/d' | sort -n \
        | awk '{ v[NR] = $1 }
               END {
                   if (NR % 2) { print v[(NR + 1) / 2] }
                   else { print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }
               }'
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

results=$out/results.md
: > "$results"

say() {
    echo "$@" | tee -a "$results"
}

say "ngx_cx_module benchmark, $(date -u +%Y-%m-%d), nginx" \
    "$("$nginx" -v 2>&1 | sed 's/.*\///'), $(nproc) cores," \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
say
say "Instructions per page view (callgrind, requests $requests..$((requests + 1000)),"
say "50 returning visitors; \"new\": every 5th page view a new visitor from a new address;"
say "\"$many visitors\": more than the module's caches hold, requests $((2 * many))..$((2 * many + 1000)))"
say
say "| configuration | instructions/request | ratio | over plain | malloc calls/request | log writes/request | log writes per 64 KiB |"
say "|---|---|---|---|---|---|---|"

declare -A instr
features=$out/features.tsv
: > "$features"

for name in plain plain_realip stock cx_minimal cx_touchpoints cx_geo \
            cx_experiments cx_full; do
    wanted "$name" || continue
    read -r ir mallocs writes per64k < <(per_request "$name")
    instr[$name]=$ir
    over=""
    if [[ $name != plain ]]; then
        over="+$((ir - instr[plain]))"
    fi
    if [[ $name != plain && $name != plain_realip ]]; then
        printf '%s\t%s\n' "${label[$name]}" "$((ir - instr[plain]))" \
            >> "$features"
    fi
    say "| ${label[$name]} | $ir | $(ratio "$ir" "${instr[plain]}") | $over |" \
        "$mallocs | $writes | $per64k |"
done

for name in plain stock cx_full; do
    wanted "$name" || continue
    read -r ir mallocs writes per64k < <(per_request "$name" --new-every 5)
    if [[ $name == plain ]]; then
        instr[plain_new]=$ir
        over=""
    else
        over="+$((ir - instr[plain_new]))"
    fi
    say "| ${label[$name]}, new | $ir | $(ratio "$ir" "${instr[plain_new]}") |" \
        "$over | $mallocs | $writes | $per64k |"
done

# more visitors than the module's caches hold: requests 2V..3V-1 are the
# third page views of V visitors, each V page views after their second
for name in plain cx_full; do
    wanted "$name" || continue
    read -r ir mallocs writes per64k \
        < <(requests=$((2 * many)) per_request "$name" --visitors "$many")
    if [[ $name == plain ]]; then
        instr[plain_many]=$ir
        over=""
    else
        over="+$((ir - instr[plain_many]))"
    fi
    say "| ${label[$name]}, $many visitors | $ir |" \
        "$(ratio "$ir" "${instr[plain_many]}") | $over | $mallocs | $writes |" \
        "$per64k |"
done

if (( runs > 0 )); then
    say
    say "Requests per second (wrk -t1 -c32 ${seconds}s, nginx on core 0, wrk on"
    say "core 1, a returning visitor's cookie; medians of $runs runs taken in turn)"
    say
    say "| configuration | return 200 | ratio | 13 KB page | ratio | all runs (return 200 / page) |"
    say "|---|---|---|---|---|---|"

    declare -A rps_return rps_page
    wrk_configs=(plain stock cx_minimal cx_full)

    for run in $(seq "$runs"); do
        for name in "${wrk_configs[@]}"; do
            rps_return[$name]+="$(wrk_once "$name" /) "
            rps_page[$name]+="$(wrk_once "$name" /page.html) "
        done
    done

    plain_return=$(echo "${rps_return[plain]}" | median)
    plain_page=$(echo "${rps_page[plain]}" | median)

    for name in "${wrk_configs[@]}"; do
        r=$(echo "${rps_return[$name]}" | median)
        p=$(echo "${rps_page[$name]}" | median)
        say "| ${label[$name]} | $r | $(ratio "$r" "$plain_return") | $p |" \
            "$(ratio "$p" "$plain_page") | ${rps_return[$name]% } / ${rps_page[$name]% } |"
    done

fi

python3 "$root/bench/chart.py" "$features" > "$out/features.svg"
say
say "Each feature's cost: $out/features.svg"
