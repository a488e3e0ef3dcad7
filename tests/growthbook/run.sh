#!/bin/sh
#
# Proves that cx_experiment assigns visitors as GrowthBook's JS SDK does.
#
#     tests/growthbook/run.sh BUILD_DIR [CORE_DIR]
#
# Installs the pinned SDK (package.json, package-lock.json) under
# BUILD_DIR/growthbook, builds assign.c there against the core in CORE_DIR
# (default: ngx_cx_module next to tests/), and runs compare.js, whose exit
# status it returns.  Needs node (18 or later), npm and a C compiler ($CC,
# default gcc); nothing is written to the source tree.

set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BUILD_DIR [CORE_DIR]" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
tests=$(dirname "$here")
core=$(cd "${2:-$tests/../ngx_cx_module}" && pwd)

case "$1" in
    /*) build=$1 ;;
    *)  build=$PWD/$1 ;;
esac

case "$build/" in
    "$tests/"*)
        echo "$0: BUILD_DIR must not be inside $tests" >&2
        exit 2
        ;;
esac

mkdir -p "$build/growthbook"
out=$(cd "$build/growthbook" && pwd)

cp "$here/package.json" "$here/package-lock.json" "$out/"
if ! npm install --no-audit --no-fund --loglevel=error --prefix "$out"; then
    if ! npm ping > /dev/null 2>&1; then
        echo "$0: the npm registry was unreachable: GrowthBook's SDK is" \
             "not installed, nothing was compared with it" >&2
    else
        echo "$0: npm install failed: GrowthBook's SDK is not" \
             "installed, nothing was compared with it" >&2
    fi
    exit 1
fi

${CC:-gcc} -std=c99 -Wall -Wextra -Werror -g -O1 \
    -fsanitize=address,undefined -fno-sanitize-recover=all \
    -I"$core" -o "$out/assign" "$here/assign.c" \
    "$core/cx_experiment.c" "$core/cx_hash.c"

# one line for make test's summary: this comparison passed or failed
if node "$here/compare.js" "$out/assign" "$out"; then
    echo "the core against the SDK: 1 passed, 0 failed"
else
    echo "the core against the SDK: 0 passed, 1 failed"
    exit 1
fi
