#!/usr/bin/env python3
"""Holds cx-report's line reader against Python's json module on hostile
lines: a few valid journey lines, mutated (bytes flipped, cut, invalid
UTF-8, deep nesting, huge numbers, duplicate keys, escapes, lone
surrogates, NaN, control characters) and handed to report_reader_dump.
Each line must get the same verdict, and a valid one the same fields, as
Python's json module and the rules of docs/report.md give.

    tests/report_reader_check.py BUILD/tests/report_reader_dump [N]
"""

import datetime
import json
import random
import re
import subprocess
import sys

TS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                r"\.[0-9]{3}Z\Z")
HEX16 = re.compile(r"[0-9a-f]{16}\Z")
HEX32 = re.compile(r"[0-9a-f]{32}\Z")
EVENTS = ("page_view", "feedback", "event", "prefetch")
FRICTION = ("backtrack", "error", "loop", "not_found", "reload", "slow")
SCALES = ("csat", "nps", "ces", "thumbs")
INT_MAX = 2 ** 63 - 1
MAX_DEPTH = 256


class Invalid(Exception):
    pass


class Pairs(list):
    """An object as its members in order, duplicates kept."""


def text(v):
    """a string the report reads: no lone surrogate"""
    if not isinstance(v, str):
        raise Invalid
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid
    return v


def nullable(check):
    return lambda v: None if v is None else check(v)


def integer(lo, hi):
    def check(v):
        if type(v) is not int or not lo <= v <= hi:
            raise Invalid
        return v
    return check


def boolean(v):
    if v is not None and type(v) is not bool:
        raise Invalid
    return bool(v)


def pattern(rx):
    def check(v):
        if not rx.match(text(v)):
            raise Invalid
        return v
    return check


def ts(v):
    if not isinstance(v, str) or not TS.match(v):
        raise Invalid
    y, m, d = int(v[0:4]), int(v[5:7]), int(v[8:10])
    # a real date and time of day: Python's own calendar says which
    try:
        datetime.datetime(max(y, 1), m, d, int(v[11:13]), int(v[14:16]),
                          int(v[17:19]))
    except ValueError:
        raise Invalid
    y -= m <= 2
    era = y // 400 if y >= 0 else (y - 399) // 400
    era = int(y / 400)              # C division truncates
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    ms = ((days * 24 + int(v[11:13])) * 60 + int(v[14:16])) * 60000 \
        + int(v[17:19]) * 1000 + int(v[20:23])
    if ms < 0:
        raise Invalid
    return v


def one_of(names, allow_null):
    def check(v):
        if v is None and allow_null:
            return None
        if v not in names or not isinstance(v, str):
            raise Invalid
        return v
    return check


def experiments(v):
    if not isinstance(v, Pairs):
        raise Invalid
    out = {}
    for k, x in v:
        if not isinstance(x, str) or not x or not k:
            raise Invalid
        text(k)
        text(x)
        out[k] = x
        if len(out) > 64:
            raise Invalid
    return [[k, x] for k, x in out.items()]


def strings(v, names=None, cap=64):
    if not isinstance(v, list) or isinstance(v, Pairs):
        raise Invalid
    for x in v:
        text(x)
        if names is not None and x not in names:
            raise Invalid
    if names is None and len(v) > cap:
        raise Invalid
    return v


def feedback(v):
    if not isinstance(v, Pairs):
        raise Invalid
    out = {}
    checks = {"score": integer(0, 10), "scale": one_of(SCALES, False),
              "comment": nullable(text), "touchpoint": nullable(text)}
    for k, x in v:
        if k in checks:
            out[k] = checks[k](x)
    if len(out) != 4:
        raise Invalid
    return out


FIELDS = {
    "v": integer(1, 1),
    "ts": ts,
    "event": one_of(EVENTS, False),
    "session": nullable(pattern(HEX16)),
    "visitor": nullable(pattern(HEX32)),
    "seq": nullable(integer(1, INT_MAX)),
    "request_ms": nullable(integer(0, INT_MAX)),
    "host": nullable(text),
    "touchpoint": nullable(text),
    "channel": nullable(text),
    "experience": one_of(("positive", "neutral", "negative"), True),
    "goal": boolean,
    "bot": boolean,
    "experiments": experiments,
    "forced": strings,
    "friction": lambda v: strings(v, FRICTION),
    "feedback": feedback,
}


def depth(v, level=1):
    if isinstance(v, list):
        items = [x for _, x in v] if isinstance(v, Pairs) else v
        return max([level] + [depth(x, level + 1) for x in items])
    return level


def reference(raw):
    """What cx-report's reader must give for the line: None when invalid"""
    try:
        s = raw.decode("utf-8")
        doc = json.loads(s, object_pairs_hook=Pairs,
                         parse_constant=lambda c: (_ for _ in ()).throw(
                             Invalid()))
    except (ValueError, RecursionError, Invalid):
        return None
    if not isinstance(doc, Pairs):
        return None
    try:
        if depth(doc) > MAX_DEPTH:
            return None
        last = {}
        for k, v in doc:
            if k in FIELDS:
                # every occurrence must be of the field's type
                last[k] = FIELDS[k](v)
    except Invalid:
        return None
    if not all(k in last for k in ("v", "ts", "event")):
        return None
    if last["event"] == "feedback" and "feedback" not in last:
        return None
    fr = last.get("friction") or []
    return {
        "event": last["event"], "ts": last["ts"],
        "session": last.get("session"), "visitor": last.get("visitor"),
        "seq": last.get("seq"), "request_ms": last.get("request_ms"),
        "host": last.get("host"), "touchpoint": last.get("touchpoint"),
        "channel": last.get("channel"),
        "experience": last.get("experience"),
        "goal": last.get("goal", False), "bot": last.get("bot", False),
        "experiments": last.get("experiments", []),
        "forced": last.get("forced", []),
        "friction": [f for f in FRICTION if f in fr],
        "feedback": last.get("feedback") if last["event"] == "feedback"
        else None,
    }


BASE = [
    b'{"v":1,"ts":"2026-12-01T06:47:12.123Z","event":"page_view",'
    b'"host":"shop.example","path":"/cart","request_ms":12,"visitor":'
    b'"3f2a9c4e7b1d4f6a8e5c0b9d2a7f6e13","session":"00000000000000ff",'
    b'"seq":3,"touchpoint":"cart","goal":false,"channel":"search",'
    b'"bot":false,"lat":51.5,"experiments":{"checkout":"B"},'
    b'"friction":["slow","reload"],"experience":"negative"}',
    b'{"v":1,"ts":"2026-12-01T06:47:13.000Z","event":"feedback",'
    b'"visitor":null,"session":"0123456789abcdef","seq":null,'
    b'"feedback":{"score":9,"scale":"nps","comment":"tr\\u00e8s bien \xf0'
    b'\x9f\x98\x80","touchpoint":null}}',
    b'{"v":1,"ts":"2026-12-01T06:47:14.999Z","event":"event","name":"x",'
    b'"value":-1.5e-3,"forced":["a","b"],"truncated":["path"]}',
]

PIECES = [
    b'"', b'\\', b'\\u', b'\\ud800', b'\\udc00', b'\\ud83d\\ude00', b'\x00',
    b'\x1f', b'\x7f', b'\x80', b'\xc0\xaf', b'\xed\xa0\x80', b'\xf4\x90\x80'
    b'\x80', b'\xe2\x82', b'\xff', b'NaN', b'Infinity', b'-0', b'01',
    b'1e999', b'99999999999999999999', b'9223372036854775807',
    b'9223372036854775808', b'-9223372036854775808', b'1.0', b'{', b'}',
    b'[', b']', b',', b':', b' ', b'\t', b'\r', b'null', b'true', b'"v":2,',
    b'"v":1,', b'"seq":0,', b'"seq":1,', b'"event":"page_view",',
    b'"event":"feedback",', b'"goal":true,', b'"bot":true,',
    b'"touchpoint":"\\ud800",', b'"session":"00000000000000FF",',
    b'"\\u0073eq":7,', b'"experiments":{"e":"A","e":"B"},',
    b'"friction":["loop","loop"],', b'"feedback":{"score":3,"scale":"ces",'
    b'"comment":null,"touchpoint":"t"},', b'"ts":"1969-12-31T23:59:59.999Z",',
    b'"ts":"2026-13-01T00:00:00.000Z",', b'"ts":"2026-02-30T00:00:00.000Z",',
    b'"ts":"2100-02-29T00:00:00.000Z",', b'"ts":"2024-02-29T00:00:00.000Z",',
    b'"ts":"2026-12-01T24:00:00.000Z",', b'"ts":"2026-12-01T23:59:60.000Z",',
]


def mutate(rnd, line):
    kind = rnd.randrange(8)
    b = bytearray(line)
    if kind == 0:
        for _ in range(rnd.randint(1, 3)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
    elif kind == 1:
        b = b[:rnd.randrange(len(b))]
    elif kind in (2, 3, 4):
        for _ in range(rnd.randint(1, 2)):
            at = rnd.randrange(len(b))
            b[at:at] = rnd.choice(PIECES)
    elif kind == 5:
        # a member after the opening brace, duplicates of what follows
        b[1:1] = rnd.choice(PIECES[37:])
    elif kind == 6:
        n = rnd.choice([1, 50, 200, 254, 255, 256, 257, 2000, 100000])
        at = line.rfind(b"}")
        b[at:at] = b',"deep":' + b"[" * n + b"]" * n
    else:
        at = line.rfind(b"}")
        b[at:at] = b',"n":' + rnd.choice(PIECES[18:26])
    return bytes(b).replace(b"\n", b" ")


def main():
    dump = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rnd = random.Random(15)
    lines = list(BASE)
    while len(lines) < count:
        lines.append(mutate(rnd, rnd.choice(BASE)))

    out = subprocess.run([dump], input=b"\n".join(lines) + b"\n",
                         stdout=subprocess.PIPE, check=True).stdout
    got = out.decode("utf-8").split("\n")[:-1]
    if len(got) != len(lines):
        sys.exit("report_reader_check: %d lines in, %d out"
                 % (len(lines), len(got)))

    bad = valid = 0
    for raw, g in zip(lines, got):
        want = reference(raw)
        have = None if g == "invalid" else json.loads(g)
        valid += want is not None
        if want != have:
            bad += 1
            if bad <= 10:
                print("MISMATCH %r\n  python: %r\n  reader: %r"
                      % (raw[:300], want, have))
    print("report_reader_check: %d lines, %d valid, %d mismatches"
          % (len(lines), valid, bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
