#!/usr/bin/env python3
"""Writes the page views of a journey log as a combined access log, the
input GoAccess reads, for bench/report.sh: the same page views cx-report
and DuckDB count (event page_view, not a bot), one access log line each.

    bench/journey_access_log.py JOURNEY ACCESS_LOG

The user agent is made up from the line's device, browser and os.  Core
Python 3 only.
"""

import json
import re
import sys

TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\Z")

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec"]

SYSTEMS = {"windows": "Windows NT 10.0; Win64; x64",
           "macos": "Macintosh; Intel Mac OS X 10_15_7",
           "linux": "X11; Linux x86_64", "ios": "iPhone; CPU iPhone OS 17_1 "
           "like Mac OS X", "android": "Linux; Android 14; Pixel 8",
           "chromeos": "X11; CrOS x86_64 15633.69.0", "other": "compatible"}

BROWSERS = {"chrome": "Chrome/131.0.0.0 Safari/537.36",
            "firefox": "Firefox/133.0", "safari": "Version/17.1 "
            "Safari/605.1.15", "edge": "Chrome/131.0.0.0 Safari/537.36 "
            "Edg/131.0.0.0", "opera": "Chrome/131.0.0.0 Safari/537.36 "
            "OPR/115.0.0.0", "samsung": "SamsungBrowser/26.0 "
            "Chrome/122.0.0.0 Mobile Safari/537.36", "other": "Other/1.0"}


def main():
    written = 0
    with open(sys.argv[1], encoding="utf-8", errors="replace") as src, \
            open(sys.argv[2], "w", encoding="utf-8") as out:
        for raw in src:
            try:
                r = json.loads(raw)
            except ValueError:
                continue
            if (not isinstance(r, dict) or r.get("v") != 1
                    or not isinstance(r.get("ts"), str)
                    or not TS.match(r["ts"])
                    or not isinstance(r.get("session"), (str, type(None)))
                    or r.get("event") != "page_view" or r.get("bot") is True):
                continue
            ts = r["ts"]
            when = "%s/%s/%s:%s +0000" % (ts[8:10], MONTHS[int(ts[5:7]) - 1],
                                          ts[0:4], ts[11:19])
            target = r.get("path") or "/"
            if r.get("query"):
                target += "?" + r["query"]
            agent = "Mozilla/5.0 (%s) %s" % (
                SYSTEMS.get(r.get("os"), "compatible"),
                BROWSERS.get(r.get("browser"), "Other/1.0"))
            out.write('%s - - [%s] "%s %s HTTP/1.1" %d %d "%s" "%s"\n' % (
                r.get("ip") or "127.0.0.1", when, r.get("method") or "GET",
                target.replace('"', "%22"), r.get("status", 200),
                r.get("bytes", 0), (r.get("referrer") or "-").replace(
                    '"', "%22"), agent))
            written += 1
    print("%s: %d page views" % (sys.argv[2], written), file=sys.stderr)


if __name__ == "__main__":
    main()
