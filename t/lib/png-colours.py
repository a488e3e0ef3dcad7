#!/usr/bin/python3
"""Prints "ok" when a PNG (8-bit RGB or RGBA, as Chromium writes them) has
at least 4 distinct colours and no single colour covers more than 97% of
it: a page with text and charts, not a blank one.  Core Python only."""

import struct
import sys
import zlib


def rows(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG")
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                sys.exit("unexpected PNG type")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        prev = line
        yield [bytes(line[i:i + 3]) for i in range(0, stride, bpp)]


def main():
    counts = {}
    total = 0
    for row in rows(sys.argv[1]):
        for px in row:
            counts[px] = counts.get(px, 0) + 1
            total += 1
    top = max(counts.values()) if counts else 0
    if len(counts) >= 4 and top <= 0.97 * total:
        print("ok")
    else:
        print("blank: %d colours, the commonest %.1f%%"
              % (len(counts), 100.0 * top / max(total, 1)))


if __name__ == "__main__":
    main()
