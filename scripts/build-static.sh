#!/bin/bash
# Builds nginx from Debian's source with the module compiled in
# (--add-module), either plain ("static") or with AddressSanitizer and UBSan
# ("asan", every pool allocation a malloc of its own so ASan sees overflows),
# from Debian 12's nginx 1.22 (the default) or Debian 13's 1.26, configured
# as Debian configures each (see scripts/nginx-source.sh).
# Usage: scripts/build-static.sh BUILD_DIR static|asan [1.22|1.26]

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
kind=$2
release=${3:-1.22}
if [[ $release == 1.22 ]]; then
    work=$build/$kind/nginx
    src=$build/source/nginx
    flags=/usr/share/nginx/src/conf_flags
else
    work=$build/$kind-$release/nginx
    src=$build/source/nginx-$release
    flags=$build/source/conf_flags-$release
fi

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

"$root/scripts/nginx-source.sh" "$build/source" "$release"

if [[ ! -f $work/objs/Makefile || $root/config -nt $work/objs/Makefile ]]; then
    rm -rf "$work"
    mkdir -p "$work"
    cp -r "$src/." "$work"
    cd "$work"
    # the same modules as Debian's nginx, so one test suite fits every build
    # shellcheck disable=SC1090
    source "$flags"
    ./configure "${NGX_CONF_FLAGS[@]}" \
        --with-cc-opt="$cc_opt" --with-ld-opt="$ld_opt" \
        --add-module="$root" > configure.log 2>&1 \
        || { tail -30 configure.log; exit 1; }
fi

cd "$work"
make -s -j"$(nproc)" -f objs/Makefile
