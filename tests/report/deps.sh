#!/bin/sh
#
# Installs the pinned DuckDB for docs/sql/run.mjs (docs/sql/package.json,
# package-lock.json) under BUILD_DIR/duckdb, again only when the lock
# changed.  Nothing is written to the source tree.
#
#     tests/report/deps.sh BUILD_DIR

set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi

root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1/duckdb"
out=$(cd "$1/duckdb" && pwd)

if cmp -s "$root/docs/sql/package-lock.json" "$out/package-lock.json" \
        && [ -d "$out/node_modules/@duckdb/node-api" ]; then
    exit 0
fi

cp "$root/docs/sql/package.json" "$root/docs/sql/package-lock.json" "$out/"
npm ci --no-audit --no-fund --loglevel=error --prefix "$out"
