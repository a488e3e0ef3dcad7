#!/bin/bash
# Installs the Debian packages a make target needs, only those missing.
# Usage: scripts/deps.sh GROUP...   (build static test browser demo bench node
# deb)

set -euo pipefail

declare -A GROUP_PACKAGES=(
    [build]="gcc make nginx nginx-dev libpcre2-dev libssl-dev zlib1g-dev libmaxminddb-dev"
    [static]="dpkg-dev"
    [test]="clang libclang-rt-14-dev libcmocka-dev python3 python3-jsonschema curl openssl perl prometheus"
    [browser]="chromium"
    [demo]="curl jq python3"
    [bench]="valgrind wrk goaccess time libjansson-dev python3 curl libnginx-mod-http-geoip2 util-linux"
    [node]="nodejs npm"
    [deb]="debhelper dpkg-dev fakeroot lintian help2man"
)

wanted=()
for group in "$@"; do
    if [[ -z "${GROUP_PACKAGES[$group]+set}" ]]; then
        echo "deps.sh: unknown group \"$group\"" >&2
        exit 2
    fi
    wanted+=(${GROUP_PACKAGES[$group]})
done

missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null \
            | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
        echo "deps.sh: missing packages: ${missing[*]}; install them as root" >&2
        exit 1
    fi
    sudo=(sudo)
fi

echo "deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"

# the package's own nginx must not hold port 80 or run our tests' configs
if [[ " ${missing[*]} " == *" nginx "* ]]; then
    "${sudo[@]}" nginx -s quit 2>/dev/null || true
fi
