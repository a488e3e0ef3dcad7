#!/bin/bash
# Builds the Debian packages (debian/) out of the tree: the repository's
# files are copied to BUILD/deb/SOURCE-VERSION and dpkg-buildpackage runs
# there, so its output (.deb, .dsc, .changes, written to the parent
# directory) lands in BUILD/deb/ and nothing in the repository.  Then
# lintian checks them: any error or warning fails the build.
# Usage: scripts/build-deb.sh BUILD_DIR

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
out=$build/deb
source=$(sed -n '1s/^\([^ ]*\) .*/\1/p' "$root/debian/changelog")
version=$(cat "$root/VERSION")
tree=$out/$source-$version

rm -rf "$out"
mkdir -p "$tree"

# what git tracks, and new files not ignored: never build/ or .git
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' file; do
              [[ -e $file ]] && printf '%s\0' "$file"
          done \
        | xargs -0 cp --parents -t "$tree"
else
    tar -C "$root" --exclude=./build --exclude=./.git -cf - . \
        | tar -C "$tree" -xf -
fi

cd "$tree"
dpkg-buildpackage -us -uc

cd "$out"
changes=("$out"/*.changes)
lintian --fail-on error,warning --info --display-info --pedantic \
    "${changes[@]}"

ls -1 "$out"/*.deb
