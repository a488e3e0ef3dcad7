#!/bin/bash
# Builds nginx from Debian's source with the module compiled in
# (--add-module), either plain ("static") or with AddressSanitizer and UBSan
# ("asan", every pool allocation a malloc of its own so ASan sees overflows).
# Usage: scripts/build-static.sh BUILD_DIR static|asan

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
kind=$2
work=$build/$kind/nginx

case $kind in
static)
    cc_opt="-g -O2 -fstack-protector-strong -Wall -Wextra -Werror"
    ld_opt=""
    ;;
asan)
    sanitize="-fsanitize=address,undefined -fno-omit-frame-pointer"
    cc_opt="-g -O1 $sanitize \
-DNGX_DEBUG_PALLOC=1 -Wall -Wextra -Werror"
    ld_opt="$sanitize"
    ;;
*)
    echo "build-static.sh: unknown kind \"$kind\"" >&2
    exit 2
    ;;
esac

"$root/scripts/nginx-source.sh" "$build/source"

if [[ ! -f $work/objs/Makefile || $root/config -nt $work/objs/Makefile ]]; then
    rm -rf "$work"
    mkdir -p "$work"
    cp -r "$build/source/nginx/." "$work"
    cd "$work"
    # the same modules as Debian's nginx, so one test suite fits every build
    # shellcheck disable=SC1091
    source /usr/share/nginx/src/conf_flags
    ./configure "${NGX_CONF_FLAGS[@]}" \
        --with-cc-opt="$cc_opt" --with-ld-opt="$ld_opt" \
        --add-module="$root" > configure.log 2>&1 \
        || { tail -30 configure.log; exit 1; }
fi

cd "$work"
make -s -j"$(nproc)" -f objs/Makefile
