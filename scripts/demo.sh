#!/bin/bash
# make demo: starts nginx with examples/nginx.conf in a temporary prefix on
# 127.0.0.1, walks a visitor through the example shop with curl and prints the
# journey lines with jq.  nginx stays up for a look in a browser;
# `scripts/demo.sh stop` (or `make demo-stop`) stops it.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state=$root/build/demo.prefix
module=$root/build/dynamic/nginx/objs/ngx_http_cx_module.so
nginx=/usr/sbin/nginx

stop_demo() {
    if [[ -f $state ]]; then
        prefix=$(cat "$state")
        if [[ -f $prefix/logs/nginx.pid ]]; then
            "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -s quit 2>/dev/null \
                || true
        fi
        rm -f "$state"
        echo "demo nginx stopped ($prefix)"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if [[ ${1:-} == stop ]]; then
    stop_demo
    exit 0
fi

stop_demo

prefix=$(mktemp -d /tmp/cx-demo-XXXXXX)

# a demo that fails on its way leaves no nginx and no prefix behind
cleanup_failed() {
    if [[ -f $prefix/logs/nginx.pid ]]; then
        "$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -s quit 2>/dev/null \
            || true
        for _ in $(seq 100); do
            [[ -f $prefix/logs/nginx.pid ]] || break
            sleep 0.05
        done
    fi
    rm -f "$state"
    rm -rf "$prefix"
    echo "demo failed: nginx stopped, $prefix removed" >&2
}
trap cleanup_failed EXIT
chmod 755 "$prefix"
mkdir -p "$prefix"/{logs,tmp}
cp -r "$root/examples/site" "$prefix/site"
chmod -R a+rX "$prefix/site"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$prefix/cx.key"
chmod 600 "$prefix/cx.key"

port=${DEMO_PORT:-$(free_port)}
backend_port=$(free_port)

sed -e "s|@MODULE@|$module|g" -e "s|@PREFIX@|$prefix|g" \
    -e "s|@PORT@|$port|g" -e "s|@BACKEND_PORT@|$backend_port|g" \
    "$root/examples/nginx.conf" > "$prefix/nginx.conf"

"$nginx" -p "$prefix/" -c "$prefix/nginx.conf" -t -q
"$nginx" -p "$prefix/" -c "$prefix/nginx.conf"
echo "$prefix" > "$state"

# wait for the port without a request: a request would be a page view
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done

shop=http://127.0.0.1:$port
browser='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
jar=$prefix/cookies.txt

visit() {
    local path=$1 referrer=${2:-} body=${3:-/dev/null}
    local status
    status=$(curl -s -o "$body" -w '%{http_code}' -A "$browser" \
        -b "$jar" -c "$jar" ${referrer:+-e "$referrer"} "$shop$path")
    printf '  %-45s %s\n' "$path" "$status"
}

# the forms of the confirmation and help pages, as a browser posts them: the
# form on a line of its own, whole
feedback() {
    local form=$1 referrer=$2
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -A "$browser" \
        -b "$jar" -e "$referrer" --data "$form" "$shop/cx/feedback")
    printf '  %-45s %s\n' "POST /cx/feedback" "$status"
    printf '      %s\n' "$form"
}

echo "A visitor walks through the shop at $shop:"
visit '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring' \
    'https://mail.google.com/'
visit /product/espresso-cup.html "$shop/"
visit /recommendations "$shop/product/espresso-cup.html"
visit /cart/ "$shop/recommendations"
visit /checkout/ "$shop/cart/"
visit /checkout/done.html "$shop/checkout/"
feedback 'score=5&scale=csat&comment=Quick+and+easy&redirect=/thanks.html' \
    "$shop/checkout/done.html"
visit /help/ "$shop/thanks.html"
feedback 'score=1&scale=thumbs&redirect=/help/' "$shop/help/"
visit /no-such-page "$shop/help/"
# a page the application server makes, kept to show below
page=$prefix/recommendations.html
visit /recommendations "$shop/no-such-page" "$page"

echo
echo "The application server saw the visitor through the module's headers" \
     "(the last page):"
sed -n '/<p>/,/<\/p>/p' "$page" | sed 's/<[^>]*>//g; s/^/  /'

# the lines are buffered per worker for up to a second (flush=1s)
log=$prefix/logs/journey.log
for _ in $(seq 100); do
    [[ $(wc -l < "$log" 2>/dev/null || echo 0) -ge 11 ]] && break
    sleep 0.05
done

echo
# each worker writes its own buffer: a session's lines are ordered by seq
echo "The journey, as analysts read it ($log), the first lines:"
jq -c -s 'sort_by(.session, .seq, .ts)[:3][]' "$log"
echo
echo "The same, in a table:"
jq -r -s 'sort_by(.session, .seq, .ts)[] | [.visitor[0:8], .seq, .event,
    .status, .path, (.touchpoint // "-"),
    (if .goal then "goal" else "-" end), .channel, (.source // "-"),
    (.experiments.checkout // "-"), (.experience // "-"),
    (if .feedback then "\(.feedback.scale) \(.feedback.score)" else "-" end),
    (.since_prev_ms // "-")] | @tsv' "$log" \
    | (printf 'visitor\tseq\tevent\tstatus\tpath\ttouchpoint\tgoal\tchannel'
       printf '\tsource\tcheckout\texperience\tfeedback\tsince_prev_ms\n'; cat) \
    | column -t -s $'\t'
echo
echo "Some of the counters Prometheus would scrape ($shop/metrics):"
curl -s "$shop/metrics" \
    | grep -E '^cx_(page_views|experience|goals|sessions|feedback)_total' \
    | grep -v ' 0$' | sed 's/^/  /'
echo
echo "The journey as a report (build/cx-report, docs/report.md):"
funnel=home,product,cart,checkout,order_done
"$root/build/cx-report" --funnel "$funnel" "$log" | sed 's/^/  /'
"$root/build/cx-report" --format html -o "$prefix/report.html" \
    --funnel "$funnel" "$log"
echo "The same as one page with charts: file://$prefix/report.html"
echo
echo "nginx is still up at $shop (prefix $prefix);"
echo "stop it with: make demo-stop"
trap - EXIT
