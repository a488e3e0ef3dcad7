#!/bin/bash
# Builds ngx_http_cx_module.so against Debian's nginx-dev, configured with the
# flags Debian built its nginx with (conf_flags), so the stock nginx loads it.
# Usage: scripts/build-dynamic.sh BUILD_DIR

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
src=/usr/share/nginx/src
work=$build/dynamic/nginx

if [[ ! -f $work/objs/Makefile || $src/conf_flags -nt $work/objs/Makefile \
      || $root/config -nt $work/objs/Makefile ]]; then
    rm -rf "$work"
    mkdir -p "$(dirname "$work")"
    cp -r "$src" "$work"
    cd "$work"
    # shellcheck disable=SC1091
    source ./conf_flags
    ./configure "${NGX_CONF_FLAGS[@]}" \
        --with-cc-opt="-g -O2 -fstack-protector-strong -Wformat \
-Werror=format-security -fPIC -D_FORTIFY_SOURCE=2 -Wall -Wextra -Werror" \
        --with-ld-opt="-Wl,-z,relro -Wl,-z,now -fPIC" \
        --add-dynamic-module="$root" > configure.log 2>&1 \
        || { tail -30 configure.log; exit 1; }
fi

cd "$work"
make -s -f objs/Makefile modules
