#!/bin/bash
# make bench: the module's cost against plain nginx, measured in one run with
# the same nginx binary (Debian's, the module loaded in both):
#  - instructions per page view with callgrind: one worker, master_process
#    off, the difference between N and N+1000 keep-alive requests / 1000;
#  - requests per second with wrk (one nginx worker, one wrk thread).
# Usage: bench/run.sh   (BENCH_REQUESTS=N, BENCH_SECONDS=S to change)

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
shared=$(cd "$root/../shared" 2>/dev/null && pwd || echo "$root/../shared")
module=$root/build/dynamic/nginx/objs/ngx_http_cx_module.so
nginx=/usr/sbin/nginx
requests=${BENCH_REQUESTS:-1000}
seconds=${BENCH_SECONDS:-5}
work=$(mktemp -d /tmp/cx-bench-XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# config NAME MODE DIRECTIVES [proxy]: an nginx.conf answering every request
# with a small HTML page, itself or (proxy) through proxy_pass to a second
# server of the same nginx; MODE is "callgrind" (no master, no daemon) or
# "wrk"
config() {
    local name=$1 mode=$2 directives=$3 upstream=${4:-} prefix=$work/$1-$2
    local port backend page
    port=$(free_port)
    backend=$(free_port)
    mkdir -p "$prefix"/{logs,tmp}

    page='default_type text/html;
            return 200 "<!doctype html><p>bench</p>\n";'

    if [[ $upstream == proxy ]]; then
        page="proxy_pass http://127.0.0.1:$backend;"
    fi

    local process="worker_processes 1;"
    if [[ $mode == callgrind ]]; then
        process="master_process off; daemon off;"
    fi

    cat > "$prefix/nginx.conf" <<CONF
load_module $module;
$process
error_log $prefix/logs/error.log warn;
pid $prefix/logs/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path $prefix/tmp;
    proxy_temp_path $prefix/tmp;
    fastcgi_temp_path $prefix/tmp;
    uwsgi_temp_path $prefix/tmp;
    scgi_temp_path $prefix/tmp;
$directives
    server {
        listen 127.0.0.1:$port;
        location / {
            $page
        }
    }
    server {
        listen 127.0.0.1:$backend;
        cx off;
        location / {
            default_type text/html;
            return 200 "<!doctype html><p>bench</p>\n";
        }
    }
}
CONF
    echo "$prefix $port"
}

wait_port() {
    for _ in $(seq 600); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nginx did not listen on $1" >&2
    return 1
}

# instructions PREFIX PORT COUNT HEADERS...: callgrind's total for nginx
# started, sent COUNT requests and stopped
instructions() {
    local prefix=$1 port=$2 count=$3
    shift 3
    local out=$prefix/callgrind.$count

    valgrind --tool=callgrind --callgrind-out-file="$out" -q \
        "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" &
    local pid=$!
    wait_port "$port"
    perl "$root/bench/client.pl" "$port" "$count" / "$@"
    kill -QUIT "$pid"
    wait "$pid" || true
    awk '/^summary:/ { print $2 }' "$out"
}

per_request() {
    local directives=$1 upstream=$2
    shift 2
    local prefix port low high
    read -r prefix port < <(config "s$RANDOM" callgrind "$directives" \
        "$upstream")
    low=$(instructions "$prefix" "$port" "$requests" "$@")
    high=$(instructions "$prefix" "$port" $((requests + 1000)) "$@")
    echo $(( (high - low) / 1000 ))
}

throughput() {
    local directives=$1 upstream=$2
    shift 2
    local prefix port args=() rps
    read -r prefix port < <(config "w$RANDOM" wrk "$directives" "$upstream")
    "$nginx" -p "$prefix/" -c "$prefix/nginx.conf"
    wait_port "$port"
    for header in "$@"; do
        args+=(-H "$header")
    done
    args+=(-H "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0")
    wrk -t1 -c32 -d"${seconds}s" "${args[@]}" "http://127.0.0.1:$port/" \
        > "$prefix/wrk.txt"
    "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -s quit 2>/dev/null
    rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$prefix/wrk.txt")
    echo "$rps"
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
}

# the scenarios: a name, the baseline it is measured against ("return" or
# "proxy"), the http{} directives, request headers
scenario_names=()
scenario_baselines=()
scenario_directives=()
scenario_headers=()

# scenario NAME BASELINE DIRECTIVES [HEADER...]: headers one per line
scenario() {
    scenario_names+=("$1")
    scenario_baselines+=("$2")
    scenario_directives+=("$3")
    shift 3
    scenario_headers+=("$(printf '%s\n' "$@")")
}

secret=$work/cx.key
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$secret"
cookie=$("$root/build/cx-cookie" mint --secret "$secret" --last-seen -1m \
    --seq 3 --path /)

plain="    cx off;
    cx_secret $secret;"
cx="    cx on;
    cx_secret $secret;
    cx_log $work/journey.log;"
touchpoints="    cx_touchpoint / home;
    cx_touchpoint ~^/product/ product;
    cx_touchpoint ~*^/cart cart;
    cx_touchpoint /checkout/done order_done goal;
    cx_touchpoint ~^/checkout checkout;
    cx_touchpoint ~^/help/ help;"
geo="    cx_geoip2 $shared/geoip/GeoIP2-City-Test.mmdb;
    cx_geoip2 $shared/geoip/GeoLite2-ASN-Test.mmdb;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;"
experiments="    cx_experiment checkout { 50% A; * B; }
    cx_experiment hero { 33.33% red; 33.33% green; * blue; }
    cx_experiment pricing { 10% low; 20% mid; 30% high; }"
metrics="    cx_metrics_zone cx 1m;"

scenario "cx, new visitor" return "$cx"
scenario "cx, returning visitor" return "$cx" "Cookie: cx=$cookie"
scenario "+ 6 touchpoints" return "$cx
$touchpoints" "Cookie: cx=$cookie"
scenario "+ 2 geo databases" return "$cx
$touchpoints
$geo" "Cookie: cx=$cookie" "X-Forwarded-For: 89.160.20.112"
scenario "+ metrics" return "$cx
$touchpoints
$geo
$metrics" "Cookie: cx=$cookie" "X-Forwarded-For: 89.160.20.112"
scenario "cx, 3 experiments, headers" proxy "$cx
$touchpoints
$experiments" "Cookie: cx=$cookie"
scenario "+ geo, metrics: everything" proxy "$cx
$touchpoints
$experiments
$geo
$metrics" "Cookie: cx=$cookie" "X-Forwarded-For: 89.160.20.112"

echo "ngx_cx_module benchmark: nginx $("$nginx" -v 2>&1 | sed 's/.*\///'),"\
" $(nproc) cores, callgrind over $requests..$((requests + 1000)) requests,"\
" wrk ${seconds}s"
echo

row() {
    printf '%-40s %14s %8s %12s %8s\n' "$@"
}

# each scenario against plain nginx given the very same requests (headers
# included: nginx's own parsing of a Cookie header is not the module's cost)
row scenario "instr/request" ratio "requests/s" ratio

for i in "${!scenario_names[@]}"; do
    base=${scenario_baselines[$i]}
    headers=()
    if [[ -n ${scenario_headers[$i]} ]]; then
        mapfile -t headers <<< "${scenario_headers[$i]}"
    fi
    plain_ir=$(per_request "$plain" "$base" "${headers[@]}")
    plain_rps=$(throughput "$plain" "$base" "${headers[@]}")
    ir=$(per_request "${scenario_directives[$i]}" "$base" "${headers[@]}")
    rps=$(throughput "${scenario_directives[$i]}" "$base" "${headers[@]}")
    row "${scenario_names[$i]}" "$ir" "$(ratio "$ir" "$plain_ir")" \
        "$rps" "$(ratio "$rps" "$plain_rps")"
    row "  plain nginx ($base), same requests" "$plain_ir" 1.000 \
        "$plain_rps" 1.000
    row "  the module's own cost" "+$((ir - plain_ir))"
done
