#!/bin/bash
# Fetches the source of Debian's nginx with apt-get source, adding a deb-src
# entry for the Debian archive already configured when there is none.  The
# upstream (orig) tarball is all the build needs: Debian's newest security
# revision may lack its .dsc on the mirror while the tarball still arrives.
# Usage: scripts/nginx-source.sh DIR    (unpacks the source into DIR/nginx)

set -euo pipefail

dir=$1
deb_src=/etc/apt/sources.list.d/ngx-cx-deb-src.sources

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
fi

has_deb_src() {
    grep -rqsE '^(deb-src |Types:.*deb-src)' /etc/apt/sources.list \
        /etc/apt/sources.list.d/
}

# Copies the stanzas (or lines) of the Debian archive as deb-src entries.
write_deb_src() {
    {
        for f in /etc/apt/sources.list.d/*.sources; do
            [[ -f $f ]] || continue
            awk 'BEGIN { RS = ""; ORS = "\n\n" }
                 /Types:[^\n]*deb/ && /URIs:[^\n]*debian/ {
                     sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f"
        done
        if [[ -f /etc/apt/sources.list ]]; then
            awk '$1 == "deb" && $0 ~ /debian/ {
                     $1 = ""
                     print "Types: deb-src\nURIs:" $2 "\nSuites: " $3
                     $2 = ""; $3 = ""
                     sub(/^ +/, "")
                     print "Components: " $0 "\n" }' /etc/apt/sources.list
        fi
    } | "${sudo[@]}" tee "$deb_src" > /dev/null
}

mkdir -p "$dir/download"
cd "$dir/download"

if ! ls nginx_*.orig.tar.gz > /dev/null 2>&1; then
    if ! has_deb_src; then
        write_deb_src
    fi
    "${sudo[@]}" apt-get update -q > /dev/null
    apt-get source --download-only nginx || true
fi

tarball=$(ls nginx_*.orig.tar.gz 2>/dev/null | sort -V | tail -1)
if [[ -z $tarball ]]; then
    echo "nginx-source.sh: apt-get source nginx brought no orig tarball" >&2
    exit 1
fi

if [[ ! -f $dir/nginx/configure ]]; then
    rm -rf "$dir/nginx"
    mkdir -p "$dir/nginx"
    tar -xzf "$tarball" -C "$dir/nginx" --strip-components=1
fi
