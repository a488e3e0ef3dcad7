#!/usr/bin/python3
"""The bench's client: COUNT keep-alive GET requests on one connection, one
after the other, as a site's returning visitors make them.

Fifty visitors take turns, each with a cookie jar kept from the answers'
Set-Cookie, an address from MaxMind's test networks in X-Forwarded-For, a
desktop Chrome User-Agent and a Google Referer, walking the shop's pages.
With --new-every K, every K-th request is a visitor never seen before, from
an address never seen before, who then takes the turn of the oldest.

The sequence depends only on the seed, so runs of N and N + 1000 requests
share their first N: (total(N + 1000) - total(N)) / 1000 is the cost of one
request.

With --visitors V, V visitors take turns instead of fifty: more than the
module's caches hold (the last 1024 cookies signed, 4096 visitors'
experiment buckets, 2048 addresses' places) makes each page view miss them.

Usage: driver.py PORT COUNT [--path P] [--new-every K] [--visitors V]
                 [--seed S]
"""

import argparse
import ipaddress
import random
import socket
import sys

VISITORS = 50

# networks of GeoIP2-City-Test.mmdb with a city or a country, and of the ASN
# test database; most addresses of a network share one record
NETWORKS = [
    "81.2.69.142/31", "81.2.69.144/28", "81.2.69.160/27", "81.2.69.192/28",
    "2.125.160.216/29", "89.160.20.112/28", "89.160.20.128/25",
    "216.160.83.56/29", "175.16.199.0/24", "214.78.120.0/22",
    "67.43.156.0/24", "202.196.224.0/20", "149.101.100.0/28",
]

PAGES = ["/", "/product/42", "/cart", "/product/7", "/checkout/done"]

USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")


class Addresses:
    """Every address of the test networks, each handed out once."""

    def __init__(self, rng):
        pool = []
        for network in NETWORKS:
            pool.extend(str(a) for a in ipaddress.ip_network(network))
        rng.shuffle(pool)
        self.pool = pool
        self.next = 0

    def take(self):
        address = self.pool[self.next % len(self.pool)]
        self.next += 1
        return address


class Visitor:
    def __init__(self, address, page):
        self.address = address
        self.page = page
        self.jar = {}

    def cookie_header(self):
        if not self.jar:
            return ""
        return "Cookie: " + "; ".join(
            "%s=%s" % kv for kv in self.jar.items()) + "\r\n"

    def keep(self, head):
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() != "set-cookie":
                continue
            pair = value.strip().split(";", 1)[0]
            key, _, val = pair.partition("=")
            if "max-age=0" in value.lower():
                self.jar.pop(key, None)
            else:
                self.jar[key] = val


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("--path", default=None,
                        help="always this path instead of the walk")
    parser.add_argument("--new-every", type=int, default=0)
    parser.add_argument("--visitors", type=int, default=VISITORS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    addresses = Addresses(rng)
    visitors = [Visitor(addresses.take(), i) for i in range(args.visitors)]
    oldest = 0

    s = socket.create_connection(("127.0.0.1", args.port))
    buffer = b""

    for n in range(args.count):
        if args.new_every and n % args.new_every == args.new_every - 1:
            visitors[oldest] = Visitor(addresses.take(), n)
            visitor = visitors[oldest]
            oldest = (oldest + 1) % args.visitors
        else:
            visitor = visitors[n % args.visitors]

        path = args.path or PAGES[visitor.page % len(PAGES)]
        visitor.page += 1

        request = ("GET %s HTTP/1.1\r\nHost: shop.example\r\n"
                   "User-Agent: %s\r\n"
                   "Accept: text/html,application/xhtml+xml\r\n"
                   "Referer: https://www.google.com/\r\n"
                   "X-Forwarded-For: %s\r\n%s\r\n"
                   % (path, USER_AGENT, visitor.address,
                      visitor.cookie_header()))
        s.sendall(request.encode())

        while b"\r\n\r\n" not in buffer:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit("closed at request %d" % n)
            buffer += chunk

        head, buffer = buffer.split(b"\r\n\r\n", 1)
        head = head.decode("latin-1")
        if not head.startswith("HTTP/1.1 200"):
            sys.exit("request %d: %s" % (n, head.split("\r\n")[0]))

        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)

        while len(buffer) < length:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit("closed at request %d" % n)
            buffer += chunk

        buffer = buffer[length:]
        visitor.keep(head)

    s.close()


if __name__ == "__main__":
    main()
