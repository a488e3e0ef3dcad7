#!/usr/bin/env python3
"""Writes a journey log (schema v1, docs/journey.md) of a made-up shop, with
the figures built into it as a ground truth.

    tools/journey_gen.py [--seed S] [--visitors N] [--days D]
                         [--start YYYY-MM-DD] LOG TRUTH

LOG gets the lines, roughly in time order as the module writes them (two
workers' buffers: lines may be a second out of order), with a few bots,
feedback and event lines, and invalid lines mixed in.  TRUTH gets a JSON
object of the figures the generator knows exactly because it built them
(docs/sql/README.md, "The check"): the figures of docs/report.md
that need no statistics.  The same seed and size give the same files.

Core Python 3 only.
"""

import argparse
import datetime
import json
import random
import sys

SITE_HOST = "shop.example"

# (touchpoint, goal, path maker): the touchpoints of the site
PAGES = {
    "home": lambda r: "/",
    "product": lambda r: "/product/%d" % r.randint(1, 400),
    "cart": lambda r: "/cart",
    "checkout": lambda r: "/checkout/%s" % r.choice(
        ["address", "shipping", "payment"]),
    "order_done": lambda r: "/checkout/done",
    "help": lambda r: "/help/%s" % r.choice(
        ["returns", "delivery", "sizes", "contact", "faq"]),
    None: lambda r: r.choice(["/about", "/blog/how-to-choose", "/blog/news",
                              "/stores", "/jobs", "/legal/privacy"]),
}

# the next touchpoint after each, with weights; "exit" ends the session
NEXT = {
    "home": [("product", 55), ("help", 6), (None, 8), ("cart", 4),
             ("home", 3), ("exit", 24)],
    "product": [("product", 32), ("cart", 22), ("home", 8), ("help", 4),
                (None, 3), ("exit", 31)],
    "cart": [("checkout", 48), ("product", 18), ("cart", 4), ("help", 3),
             ("exit", 27)],
    "checkout": [("checkout", 20), ("order_done", 0), ("cart", 8),
                 ("help", 5), ("exit", 30)],
    "order_done": [("home", 10), ("product", 10), ("help", 5),
                   ("exit", 75)],
    "help": [("help", 25), ("home", 15), ("product", 15), ("cart", 5),
             ("exit", 40)],
    None: [("home", 30), ("product", 20), (None, 15), ("exit", 35)],
}

# the funnel the truth counts (cx-report --funnel home,product,cart,...)
FUNNEL = ["home", "product", "cart", "checkout", "order_done"]

# the order's weight out of a checkout page, by checkout variant: B converts
# better ("order_done" in NEXT["checkout"] is set from this)
ORDER_WEIGHT = {"A": 30, "B": 42, None: 34}

LANDINGS = [("home", 50), ("product", 35), ("help", 7), (None, 8)]

# channel, weight, source, medium, campaign, referrer
CHANNELS = [
    ("direct", 30, None, None, None, None),
    ("search", 28, "google", None, None, "https://www.google.com/"),
    ("search", 6, "bing", None, None, "https://www.bing.com/"),
    ("social", 8, "facebook", None, None, "https://m.facebook.com/"),
    ("email", 5, "gmail", None, None, "https://mail.google.com/"),
    ("paid", 7, "google", "cpc", "winter-sale",
     "https://www.google.com/"),
    ("referral", 8, "blog.example.org", None, None,
     "https://blog.example.org/best-shops-2026"),
    ("campaign", 8, "newsletter", "email", "black-friday", None),
]

GEO = [
    ("GB", "ENG", "London", 51.5142, -0.0931, 2856, "British Telecommunications PLC"),
    ("US", "WA", "Milton", 47.2513, -122.3149, 209, "CenturyLink"),
    ("SE", "E", "Linköping", 58.4167, 15.6167, 29518, "Bredband2 AB"),
    ("DE", "BE", "Berlin", 52.5244, 13.4105, 3320, "Deutsche Telekom AG"),
    ("FR", "IDF", "Paris", 48.8534, 2.3488, 3215, "Orange S.A."),
    ("JP", "13", "Tokyo", 35.6895, 139.6917, 2516, "KDDI CORPORATION"),
    (None, None, None, None, None, None, None),
]

AGENTS = [("desktop", "chrome", "windows", 30), ("desktop", "firefox",
          "linux", 5), ("desktop", "safari", "macos", 12), ("desktop", "edge",
          "windows", 8), ("mobile", "safari", "ios", 20), ("mobile", "chrome",
          "android", 18), ("mobile", "samsung", "android", 4), ("tablet",
          "safari", "ios", 3)]

# experiments: name -> (variants, their weights for assignment, touchpoints
# where it runs or None for every page); "hero" is assigned unevenly on
# purpose, against its equal expected split: a sample ratio mismatch
EXPERIMENTS = {
    "checkout": (["A", "B"], [50, 50], {"cart", "checkout", "order_done"}),
    "hero": (["blue", "green", "red"], [36, 33, 31], None),
}

SCALES = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7), "thumbs": (0, 1)}
FEEDBACK_AT = {"order_done": ["csat", "nps"], "help": ["ces", "thumbs"],
               "product": ["thumbs"], "checkout": ["csat"]}
COMMENTS = ["Quick and easy!", "Could not find the size guide",
            "Très bien, merci", "Payment failed twice", "ok",
            "Delivery options are confusing", "Love it 😀",
            "The page was so slow", "Too many steps", "Great prices"]

SESSION_GAP_MS = 30 * 60 * 1000


def weighted(r, items):
    total = sum(w for _, w in items)
    x = r.uniform(0, total)
    for item, w in items:
        x -= w
        if x <= 0:
            return item
    return items[-1][0]


def ts_text(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


class Truth:
    """The figures the generator built in, counted as it builds them."""

    def __init__(self):
        self.lines = dict(read=0, invalid=0, page_views=0, feedback=0,
                          events=0, bots=0, prefetch=0)
        self.visitors = set()
        self.sessions = 0
        self.bounces = 0
        self.conversions = 0
        self.page_views_in_sessions = 0
        self.first_ts = None
        self.last_ts = None
        self.days = {}
        self.channels = {}
        self.touchpoints = {}
        self.paths = {}
        self.funnel = [0] * len(FUNNEL)
        self.exposures = {}
        self.feedback = {}

    def touchpoint(self, name):
        name = "(none)" if name is None else name
        return self.touchpoints.setdefault(name, dict(
            views=0, entries=0, exits=0, positive=0, neutral=0,
            negative=0, friction={}))


def experience(r, status, request_ms, tps, paths, goal):
    """The friction flags and rating the module would give (experience.md)."""
    friction = []
    if request_ms > 1000:
        friction.append("slow")
    if status >= 500:
        friction.append("error")
    if status in (404, 410):
        friction.append("not_found")
    if len(paths) >= 2 and paths[-1] == paths[-2]:
        friction.append("reload")
    elif len(paths) >= 3 and paths[-1] == paths[-3]:
        friction.append("backtrack")
    if (len(tps) >= 3 and tps[-1] is not None and tps[-1] == tps[-2] == tps[-3]
            and not goal):
        friction.append("loop")
    if (set(friction) & {"slow", "error", "not_found"}) or len(friction) >= 2:
        rating = "negative"
    elif not friction and (goal or request_ms < 250):
        rating = "positive"
    else:
        rating = "neutral"
    return friction, rating


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--visitors", type=int, default=2000)
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--start", default="2026-11-23")
    ap.add_argument("log")
    ap.add_argument("truth")
    args = ap.parse_args()

    r = random.Random(args.seed)
    start = int(datetime.datetime.strptime(args.start, "%Y-%m-%d").replace(
        tzinfo=datetime.timezone.utc).timestamp() * 1000)
    period = args.days * 86400 * 1000
    truth = Truth()

    # (sort key, line): sorted by time at the end, with the jitter of two
    # workers' buffers
    out = []

    def emit(ms, record):
        out.append((ms + r.randint(0, 900), json.dumps(
            record, ensure_ascii=False, separators=(",", ":"))))

    def base(ms, event, path, query, status, request_ms, geo, agent, ip):
        device, browser, os_ = agent
        country, region, city, lat, lon, asn, as_org = geo
        rec = {"v": 1, "ts": ts_text(ms), "event": event, "host": SITE_HOST,
               "method": "GET", "path": path, "query": query,
               "status": status, "bytes": r.randint(2000, 90000)
               if status == 200 else r.randint(0, 900),
               "request_ms": request_ms,
               "upstream_ms": max(0, request_ms - r.randint(0, 3))}
        return rec, dict(device=device, browser=browser, os=os_,
                         bot=False, country=country, region=region,
                         city=city, lat=lat, lon=lon, asn=asn,
                         as_org=as_org, ip=ip)

    for vnum in range(args.visitors):
        dnt = r.random() < 0.04
        visitor = None if dnt else "%032x" % r.getrandbits(128)
        agent = weighted(r, [(a[:3], a[3]) for a in AGENTS])
        geo = r.choice(GEO)
        ip = "%d.%d.%d.0" % (r.randint(1, 223), r.randint(0, 255),
                             r.randint(0, 255))
        qa = visitor is not None and r.random() < 0.005
        variants = {}
        for name, (names, weights, _) in EXPERIMENTS.items():
            variants[name] = weighted(r, list(zip(names, weights)))

        nsessions = 1 if dnt else weighted(r, [(1, 70), (2, 20), (3, 10)])
        t = start + r.randint(0, period - 1)
        exposure = {}   # experiment -> (first ts ms, variant)
        goals = []      # ts ms of the visitor's goal page views

        for sindex in range(1, nsessions + 1):
            if t >= start + period:
                break
            session = "%016x" % r.getrandbits(64)
            chan = weighted(r, [(c, c[1]) for c in CHANNELS])
            channel, _, source, medium, campaign, referrer = chan
            tp = weighted(r, LANDINGS)
            tps, paths, pages = [], [], []
            seq = 0
            converted = False
            funnel_at = 0
            while True:
                seq += 1
                path = PAGES[tp](r)
                if r.random() < 0.05 and paths:
                    tp, path = tps[-1], paths[-1]    # a reload
                goal = tp == "order_done"
                roll = r.random()
                status = 200
                if roll < 0.01:
                    status = 500
                elif roll < 0.03 and tp in ("product", None, "help"):
                    status = 404
                request_ms = int(r.lognormvariate(4.3, 0.9))
                tps.append(tp)
                paths.append(path)
                friction, rating = experience(r, status, request_ms, tps,
                                              paths, goal)
                landing = seq == 1
                query = None
                if landing and channel in ("paid", "campaign"):
                    query = "utm_source=%s&utm_medium=%s&utm_campaign=%s" % (
                        source, medium, campaign)
                rec, tail = base(t, "page_view", path, query, status,
                                 request_ms, geo, agent, ip)
                exps = {}
                for name, (_, _, where) in EXPERIMENTS.items():
                    if visitor is not None and (where is None or tp in where):
                        exps[name] = variants[name]
                rec.update({
                    "referrer": (referrer if landing else
                                 "https://%s%s" % (SITE_HOST, paths[-2])
                                 if len(paths) > 1 else None),
                    "visitor": visitor, "session": session,
                    "session_index": None if dnt else sindex,
                    "seq": None if dnt else seq,
                    "new_visitor": None if dnt else (sindex == 1 and landing),
                    "new_session": None if dnt else landing,
                    "prev_touchpoint": None if landing else tps[-2],
                    "since_prev_ms": None if landing else pages[-1][1],
                    "landing": None if dnt else landing,
                    "touchpoint": tp, "goal": goal,
                    # a DNT visitor's pages are classified each on its own:
                    # after the landing, they come from the site itself
                    "channel": channel if landing or not dnt else "internal",
                    "source": source if landing else None,
                    "medium": medium if landing else None,
                    "campaign": campaign if landing else None,
                    "term": None, "content": None,
                })
                rec.update(tail)
                rec["experiments"] = exps
                if qa and "checkout" in exps:
                    rec["forced"] = ["checkout"]
                if friction:
                    rec["friction"] = friction
                rec["experience"] = rating
                emit(t, rec)

                # the truth of this page view
                truth.lines["read"] += 1
                truth.lines["page_views"] += 1
                stamp = rec["ts"]
                if truth.first_ts is None or stamp < truth.first_ts:
                    truth.first_ts = stamp
                if truth.last_ts is None or stamp > truth.last_ts:
                    truth.last_ts = stamp
                day = truth.days.setdefault(stamp[:10], dict(
                    page_views=0, sessions=set(), negative=0))
                day["page_views"] += 1
                day["sessions"].add(session)
                day["negative"] += rating == "negative"
                tpt = truth.touchpoint(tp)
                tpt["views"] += 1
                tpt[rating] += 1
                for f in friction:
                    tpt["friction"][f] = tpt["friction"].get(f, 0) + 1
                if visitor is not None:
                    truth.visitors.add(visitor)
                    for name, variant in exps.items():
                        if qa and name == "checkout":
                            continue
                        if name not in exposure:
                            exposure[name] = (t, variant)
                    if goal:
                        goals.append(t)
                if goal:
                    converted = True
                if funnel_at < len(FUNNEL) and tp == FUNNEL[funnel_at]:
                    funnel_at += 1

                # feedback on this page, sometimes
                for scale in FEEDBACK_AT.get(tp, []):
                    if r.random() < 0.06:
                        ft = t + r.randint(2000, 20000)
                        low, high = SCALES[scale]
                        score = r.randint(low, high)
                        if rating == "negative" and r.random() < 0.7:
                            score = low
                        comment = (r.choice(COMMENTS) if r.random() < 0.4
                                   else None)
                        frec, ftail = base(ft, "feedback", "/cx/feedback",
                                           None, 204, r.randint(0, 2), geo,
                                           agent, ip)
                        frec["method"] = "POST"
                        frec.update({
                            "referrer": "https://%s%s" % (SITE_HOST, path),
                            "visitor": visitor, "session": session,
                            "session_index": None if dnt else sindex,
                            "seq": None if dnt else seq,
                            "new_visitor": None, "new_session": None,
                            "prev_touchpoint": None,
                            "since_prev_ms": ft - t, "landing": None,
                            "touchpoint": tp, "goal": False,
                            "channel": rec["channel"], "source": None,
                            "medium": None, "campaign": None, "term": None,
                            "content": None})
                        frec.update(ftail)
                        frec["experiments"] = exps
                        frec["experience"] = None
                        frec["feedback"] = {"score": score, "scale": scale,
                                            "comment": comment,
                                            "touchpoint": tp}
                        emit(ft, frec)
                        truth.lines["read"] += 1
                        truth.lines["feedback"] += 1
                        fb = truth.feedback.setdefault(
                            (tp, scale), dict(answers=0, scores={}))
                        fb["answers"] += 1
                        fb["scores"][score] = fb["scores"].get(score, 0) + 1

                # an event, sometimes
                if tp == "product" and r.random() < 0.05:
                    et = t + r.randint(1000, 9000)
                    erec, etail = base(et, "event", "/cx/feedback", None,
                                       204, 0, geo, agent, ip)
                    erec["method"] = "POST"
                    erec.update({"referrer": None, "visitor": visitor,
                                 "session": session, "seq": None if dnt
                                 else seq, "since_prev_ms": et - t,
                                 "touchpoint": tp})
                    erec.update(etail)
                    erec["name"] = "size_guide.opened"
                    erec["value"] = r.choice([None, 1, 2.5])
                    emit(et, erec)
                    truth.lines["read"] += 1
                    truth.lines["events"] += 1

                gap = int(r.lognormvariate(10.2, 1.0))
                gap = max(1500, min(gap, SESSION_GAP_MS - 60000))
                pages.append((t, gap))
                t += gap
                nexts = NEXT[tp]
                if tp == "checkout":
                    nexts = [(n, ORDER_WEIGHT[variants["checkout"]
                                              if visitor else None]
                              if n == "order_done" else w) for n, w in nexts]
                tp = weighted(r, nexts)
                # a DNT session's id is the day's: it ends at midnight
                if (tp == "exit" or t >= start + period or seq >= 60
                        or (dnt and ts_text(t)[:10] != rec["ts"][:10])):
                    break

            # the truth of this session
            truth.sessions += 1
            truth.page_views_in_sessions += len(tps)
            truth.bounces += len(tps) == 1
            truth.conversions += converted
            ch = truth.channels.setdefault(channel, dict(
                sessions=0, conversions=0, bounces=0))
            ch["sessions"] += 1
            ch["conversions"] += converted
            ch["bounces"] += len(tps) == 1
            truth.touchpoint(tps[0])["entries"] += 1
            truth.touchpoint(tps[-1])["exits"] += 1
            steps = []
            for x in tps:
                x = "(none)" if x is None else x
                if not steps or steps[-1] != x:
                    steps.append(x)
            if len(steps) > 5:
                steps = steps[:5] + ["…"]
            p = truth.paths.setdefault(tuple(steps), [0, 0])
            p[0] += 1
            p[1] += converted
            for k in range(funnel_at):
                truth.funnel[k] += 1

            # the next session: after more than the session timeout
            t += SESSION_GAP_MS + int(r.expovariate(1 / (2 * 86400e3)))

        for name, (first, variant) in exposure.items():
            e = truth.exposures.setdefault(name, {}).setdefault(
                variant, [0, 0])
            e[0] += 1
            e[1] += any(g >= first for g in goals)

    # bots: page views without visitor, session or counts
    for _ in range(max(1, args.visitors // 20)):
        ms = start + r.randint(0, period - 1)
        rec, tail = base(ms, "page_view", r.choice(["/", "/product/7",
                         "/robots.txt", "/sitemap.xml"]), None, 200,
                         r.randint(1, 40), GEO[1], ("bot", "other", "other"),
                         "66.249.66.0")
        rec.update({"referrer": None, "visitor": None, "session": None,
                    "session_index": None, "seq": None, "new_visitor": None,
                    "new_session": None, "prev_touchpoint": None,
                    "since_prev_ms": None, "landing": None,
                    "touchpoint": None, "goal": False, "channel": "direct",
                    "source": None, "medium": None, "campaign": None,
                    "term": None, "content": None})
        rec.update(tail)
        rec["bot"] = True
        rec["experiments"] = {}
        rec["experience"] = "positive"
        emit(ms, rec)
        truth.lines["read"] += 1
        truth.lines["bots"] += 1

    # invalid lines: not JSON, cut short, not an object, another version, no
    # event, a field of the wrong type
    invalid = ['GET / HTTP/1.1 200', '{"v":1,"ts":"2026-11-23T10:00:00.000Z",'
               '"event":"page_view","host":"shop.exa', '[1,2,3]', '"page_view"',
               '{"v":2,"ts":"2026-11-23T10:00:00.000Z","event":"page_view"}',
               '{"v":1,"ts":"2026-11-23T10:00:00.000Z"}',
               '{"v":1,"ts":"yesterday","event":"page_view"}',
               '{"v":1,"ts":"2026-11-23T10:00:00.000Z","event":"click"}',
               '{"v":1,"ts":"2026-11-23T10:00:00.000Z","event":"page_view",'
               '"session":42}', 'null']
    for i in range(max(len(invalid), args.visitors // 200)):
        out.append((start + r.randint(0, period - 1), invalid[i % len(invalid)]))
        truth.lines["read"] += 1
        truth.lines["invalid"] += 1

    out.sort(key=lambda x: x[0])
    with open(args.log, "w", encoding="utf-8") as f:
        for _, line in out:
            f.write(line)
            f.write("\n")

    t = truth
    paths = sorted(t.paths.items(), key=lambda kv: (-kv[1][0],
                   " > ".join(kv[0]).encode()))[:20]
    result = {
        "seed": args.seed, "visitors_made": args.visitors,
        "funnel_steps": FUNNEL,
        "lines": t.lines,
        "overview": {
            "page_views": t.lines["page_views"], "visitors": len(t.visitors),
            "sessions": t.sessions,
            "bounce_rate": t.bounces / t.sessions,
            "pages_per_session": t.page_views_in_sessions / t.sessions,
            "conversion_rate": t.conversions / t.sessions,
            "first_ts": t.first_ts, "last_ts": t.last_ts,
            "days": [{"date": d, "page_views": v["page_views"],
                      "sessions": len(v["sessions"]),
                      "negative_share": v["negative"] / v["page_views"]}
                     for d, v in sorted(t.days.items())],
        },
        "channels": sorted([{"channel": c, "sessions": v["sessions"],
                             "conversions": v["conversions"],
                             "bounce_rate": v["bounces"] / v["sessions"]}
                            for c, v in t.channels.items()],
                           key=lambda x: (-x["sessions"], x["channel"])),
        "touchpoints": sorted([dict(touchpoint=k, **{
            **v, "friction": dict(sorted(v["friction"].items()))})
            for k, v in t.touchpoints.items()],
            key=lambda x: (-x["views"], x["touchpoint"].encode())),
        "paths": [{"path": list(k), "sessions": v[0], "conversions": v[1]}
                  for k, v in paths],
        "funnel": [{"step": s, "sessions": n, "rate": n / t.funnel[0]}
                   for s, n in zip(FUNNEL, t.funnel)],
        "experiments": [{"experiment": e, "variants": [
            {"variant": v, "visitors": n, "conversions": c, "rate": c / n}
            for v, (n, c) in sorted(vs.items())]}
            for e, vs in sorted(t.exposures.items())],
        "feedback": [{"touchpoint": tp, "scale": sc, "answers": v["answers"],
                      "score": scale_score(sc, v)}
                     for (tp, sc), v in sorted(t.feedback.items())],
        "invalid_lines": invalid,
        "built_in": {
            "checkout_order_weight": ORDER_WEIGHT,
            "hero_assignment_weights": EXPERIMENTS["hero"][1],
            "note": "checkout B converts better by construction; hero is "
                    "assigned 36/33/31 against an equal expected split",
        },
    }
    with open(args.truth, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("%s: %d lines, %d visitors, %d sessions" % (
        args.log, t.lines["read"], len(t.visitors), t.sessions),
        file=sys.stderr)


def scale_score(scale, v):
    n = v["answers"]
    s = v["scores"]
    if scale == "csat":
        return (s.get(4, 0) + s.get(5, 0)) / n
    if scale == "nps":
        return (s.get(9, 0) + s.get(10, 0)
                - sum(s.get(i, 0) for i in range(7))) / n
    if scale == "thumbs":
        return s.get(1, 0) / n
    return sum(k * c for k, c in s.items()) / n


if __name__ == "__main__":
    main()
