#!/usr/bin/python3
"""Validates journey lines (stdin, one JSON object a line) against the JSON
Schema given as the first argument; prints each failure, exits 1 if any."""

import json
import sys

import jsonschema


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)

    validator = jsonschema.Draft202012Validator(schema)
    failures = 0

    for number, raw in enumerate(sys.stdin.buffer, 1):
        try:
            record = json.loads(raw.decode("utf-8", errors="strict"))
        except ValueError as e:
            print(f"line {number}: not UTF-8 JSON: {e}: {raw[:200]!r}")
            failures += 1
            continue

        for error in validator.iter_errors(record):
            path = "/".join(str(p) for p in error.absolute_path)
            print(f"line {number}: {path or '(record)'}: {error.message}")
            failures += 1

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
