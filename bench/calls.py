#!/usr/bin/python3
"""Reads a callgrind output file: prints the total instructions, then the
calls made to each function named on the command line, as NAME=COUNT.

Usage: calls.py CALLGRIND_OUT NAME...
"""

import re
import sys

NAMED = re.compile(r"^(c?fn)=\((\d+)\)(?: (.*))?$")


def main():
    path, wanted = sys.argv[1], set(sys.argv[2:])
    names = {}
    calls = dict.fromkeys(wanted, 0)
    total = 0
    callee = None

    with open(path, encoding="latin-1") as f:
        for line in f:
            m = NAMED.match(line)
            if m:
                kind, ident, name = m.groups()
                if name is not None:
                    names[ident] = name
                callee = names.get(ident) if kind == "cfn" else None
                continue

            if line.startswith("calls=") and callee is not None:
                # "a'2" is callgrind's name for a recursion level of a
                name = callee.split("'")[0]
                if name in wanted:
                    calls[name] += int(line[6:].split()[0])
                callee = None
                continue

            if line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])

    print(total)
    for name in sorted(wanted):
        print("%s=%d" % (name, calls[name]))


if __name__ == "__main__":
    main()
