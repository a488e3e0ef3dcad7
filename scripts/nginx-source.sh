#!/bin/bash
# Fetches the upstream nginx source Debian builds its nginx from: the orig
# tarball of Debian 12 (nginx 1.22) or Debian 13 (nginx 1.26), checked
# against the archive's signed index, and for 1.26 the configure flags of
# Debian 13's nginx (conf_flags, from its nginx-dev package).  apt reads a
# list of sources of its own under DIR/apt (the machine's Debian mirror, the
# release's main suite): the machine's apt configuration is left unchanged.
#
# Only the orig tarball is fetched, never the whole source package: a mirror
# may lack the .dsc and .debian.tar.xz of a security revision (apt-get source
# then prints errors), and the tarball is the same for every revision.  The
# static builds are therefore upstream nginx without Debian's patches, which
# fix packaging and security problems and change no module API; the dynamic
# build runs the module in Debian's own, patched nginx.
#
# Usage: scripts/nginx-source.sh DIR [1.22|1.26]
#   unpacks the source into DIR/nginx (1.22) or DIR/nginx-1.26, the
#   tarballs stay in DIR/download; for 1.26 also writes DIR/conf_flags-1.26

set -euo pipefail

dir=$1
release=${2:-1.22}

case $release in
1.22) suite=bookworm; debian=12; src=$dir/nginx ;;
1.26) suite=trixie; debian=13; src=$dir/nginx-$release ;;
*)
    echo "nginx-source.sh: unknown nginx \"$release\" (1.22 or 1.26)" >&2
    exit 2
    ;;
esac

apt_dir=$dir/apt/$suite

# The Debian archive the machine uses (a mirror, maybe), else Debian's own.
archive() {
    local uri
    uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
          | awk '$1 == "URIs:" && $2 ~ /\/debian\/?$/ { print $2; exit }')
    if [[ -z $uri && -f /etc/apt/sources.list ]]; then
        uri=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' \
              /etc/apt/sources.list)
    fi
    echo "${uri:-http://deb.debian.org/debian}"
}

private_apt() {
    apt-get -q -o Dir::Etc::SourceList="$apt_dir/sources.list" \
        -o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
        -o Dir::State::Lists="$apt_dir/lists" \
        -o Dir::State::status="$apt_dir/status" \
        -o Dir::Cache="$apt_dir/cache" \
        -o APT::Sandbox::User="$(id -un)" "$@"
}

# Fetches the file of an apt-get --print-uris line, checking its hash.
fetch() {
    local line=$1 url name hash
    read -r url name _ hash <<< "$line"
    url=${url//\'/}
    /usr/lib/apt/apt-helper -o APT::Sandbox::User="$(id -un)" \
        download-file "$url" "$name" "$hash" > /dev/null
}

mkdir -p "$dir/download"
cd "$dir/download"

tarball=$(ls nginx_"$release".*.orig.tar.gz 2>/dev/null | sort -V | tail -1 \
          || true)
flags=$dir/conf_flags-$release

if [[ -z $tarball || ( $release != 1.22 && ! -f $flags ) ]]; then
    mkdir -p "$apt_dir"/{sources.list.d,lists/partial,cache/archives/partial}
    touch "$apt_dir/status"
    cat > "$apt_dir/sources.list.d/debian.sources" <<EOF
Types: deb deb-src
URIs: $(archive)
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    echo "nginx-source.sh: reading Debian $debian's package index"
    private_apt update > "$apt_dir/update.log" 2>&1 \
        || { cat "$apt_dir/update.log" >&2; exit 1; }

    if [[ -z $tarball ]]; then
        line=$(private_apt source --print-uris nginx 2>/dev/null \
               | grep "nginx_$release\\.[0-9]*\\.orig\\.tar\\.gz " || true)
        if [[ -z $line ]]; then
            echo "nginx-source.sh: Debian $debian's archive names no" \
                 "nginx $release orig tarball" >&2
            exit 1
        fi
        fetch "$line"
        tarball=$(ls nginx_"$release".*.orig.tar.gz | sort -V | tail -1)
    fi

    if [[ $release != 1.22 ]]; then
        line=$(private_apt download --print-uris nginx-dev 2>/dev/null \
               | grep "nginx-dev_" || true)
        if [[ -z $line ]]; then
            echo "nginx-source.sh: Debian $debian's archive has no" \
                 "nginx-dev" >&2
            exit 1
        fi
        rm -f nginx-dev_*.deb
        fetch "$line"
        rm -rf nginx-dev
        dpkg-deb -x nginx-dev_*.deb nginx-dev
        cp nginx-dev/usr/share/nginx/src/conf_flags "$flags"
        rm -rf nginx-dev
    fi
fi

echo "nginx-source.sh: nginx $release for the static builds:" \
     "$tarball, Debian $debian's upstream tarball (its hash checked" \
     "against the archive's index), without Debian's patches: they fix" \
     "packaging and security problems, not the module API, and the" \
     "dynamic build runs the module in Debian's own patched nginx"

if [[ ! -f $src/configure ]]; then
    rm -rf "$src"
    mkdir -p "$src"
    tar -xzf "$tarball" -C "$src" --strip-components=1
fi
