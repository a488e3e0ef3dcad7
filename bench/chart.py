#!/usr/bin/python3
"""Writes an SVG bar chart of instructions per page view over plain nginx,
one bar per configuration, each cx bar split into what the feature it adds
costs.  Input: a TSV of "label<TAB>instructions over plain", the stock
assembly first, then cx from minimal to full, each adding one feature.

Usage: chart.py FEATURES.tsv > features.svg
"""

import sys
from xml.sax.saxutils import escape

BAR, GAP, LEFT, WIDTH = 26, 10, 260, 460

# issue 16's target for cx full over plain
TARGET = 8000
COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"]


def main():
    rows = []
    with open(sys.argv[1]) as f:
        for line in f:
            label, value = line.rstrip("\n").split("\t")
            rows.append((label, int(value)))

    top = max(v for _, v in rows) or 1
    scale = WIDTH / top
    height = 40 + len(rows) * (BAR + GAP) + 30
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">'
           % (LEFT + WIDTH + 90, height),
           '<text x="10" y="20" font-size="14">Instructions per page view '
           'over plain nginx (returning visitors)</text>']

    y = 40
    previous = 0
    for i, (label, value) in enumerate(rows):
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (LEFT - 8, y + BAR * 0.65, escape(label)))
        if i == 0:
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" '
                       'fill="#bab0ac"/>' % (LEFT, y, value * scale, BAR))
        else:
            # the features before, then this one's own cost in its colour
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" '
                       'fill="#d4e2ee"/>' % (LEFT, y, previous * scale, BAR))
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" '
                       'fill="%s"/>'
                       % (LEFT + previous * scale, y,
                          max(value - previous, 0) * scale, BAR,
                          COLOURS[(i - 1) % len(COLOURS)]))
        own = "" if i <= 1 else " (%+d)" % (value - previous)
        out.append('<text x="%.1f" y="%d">+%d%s</text>'
                   % (LEFT + max(value, previous) * scale + 6,
                      y + BAR * 0.65, value, own))
        if i > 0:
            previous = value
        y += BAR + GAP

    x = LEFT + TARGET * scale
    out.append('<line x1="%.1f" y1="34" x2="%.1f" y2="%d" stroke="#333" '
               'stroke-dasharray="4 3"/>' % (x, x, y))
    out.append('<text x="%.1f" y="%d" text-anchor="middle">target +%d</text>'
               % (x, y + 14, TARGET))
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
