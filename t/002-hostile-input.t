# Whatever the request holds, its line is valid UTF-8 JSON: invalid UTF-8
# becomes U+FFFD, control characters are escaped, long strings are cut on a
# character boundary and listed in "truncated"; requests nginx refuses are
# answered and write nothing.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $t = CX::Test->new;

$t->write_file('html/index.html', "<h1>home</h1>\n");

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%PREFIX%%/html;
        large_client_header_buffers 4 32k;

        location / {
            default_type text/html;
            return 200 "<p>page</p>";
        }
    }

    server {
        listen 127.0.0.1:%%PORT_small%%;
        large_client_header_buffers 2 1k;

        location / {
            default_type text/html;
            return 200 "<p>page</p>";
        }
    }
CONF

my $FFFD = "\x{fffd}";
my @expect;

sub page {
    my ($target, @headers) = @_;
    my $head = join '', map { "$_\r\n" } @headers;
    return $t->raw("GET $target HTTP/1.1\r\nHost: x\r\n${head}"
        . "Connection: close\r\n\r\n");
}

# raw invalid bytes: a stray continuation byte, an overlong '/', a UTF-16
# surrogate, a code point past U+10FFFF, a truncated sequence

page("/a\x80b");
push @expect, [path => "/a${FFFD}b"];

page("/over\xc0\xafload");
push @expect, [path => "/over${FFFD}${FFFD}load"];

page("/sur\xed\xa0\x80x");
push @expect, [path => "/sur${FFFD}${FFFD}${FFFD}x"];

page("/big\xf4\x90\x80\x80");
push @expect, [path => "/big${FFFD}${FFFD}${FFFD}${FFFD}"];

page("/cut\xe2\x82");
push @expect, [path => "/cut${FFFD}"];

# the same through percent-encoding, which the path decodes

page("/pct%ff%c3%28");
push @expect, [path => "/pct${FFFD}${FFFD}("];

# valid UTF-8 is kept, raw and encoded

page("/caf\xc3\xa9/%E2%82%AC");
push @expect, [path => "/caf\x{e9}/\x{20ac}"];

# the query is kept raw, its invalid bytes replaced

page("/q?x=\xff\xfe&y=%ff");
push @expect, [query => "x=${FFFD}${FFFD}&y=%ff"];

# the referrer header with invalid bytes and control characters

page("/r", "Referer: http://e.example/\xff\x01\x1f\x7f\"\\");
push @expect, [referrer => "http://e.example/${FFFD}\x01\x1f\x7f\"\\"];

# control characters in the path, through percent-encoding (nginx itself
# refuses %00 with a 400)

page("/ctl%01%0a%0d%09%1b%7f");
push @expect, [path => "/ctl\x01\x0a\x0d\x09\x1b\x7f"];

my @lines = $t->journey_lines(scalar @expect);
my @records = $t->journey(scalar @expect);
is(scalar @records, scalar @expect, 'a line for each request');

for my $i (0 .. $#expect) {
    my ($field, $value) = @{ $expect[$i] };
    is($records[$i]{$field}, $value, "line $i: $field");
}

like($lines[-1], qr{"path":"/ctl\\u0001\\u000a\\u000d\\u0009\\u001b\\u007f"},
    'control characters written as \u00XX');
like($lines[-2], qr{"referrer":"http://e\.example/\xef\xbf\xbd\\u0001\\u001f\\u007f\\"\\\\"},
    'quote and backslash escaped');

# a 16 KiB URI: path and query cut at 2048 bytes, listed in truncated

my $long_path = '/' . ('p' x 9000);
my $long_query = 'q=' . ("\xc3\xa9" x 3000);
page("$long_path?$long_query");

@records = $t->journey(@expect + 1);
my $cut = $records[-1];
is(length $cut->{path}, 2048, 'path cut to 2048 bytes');
is($cut->{path}, substr($long_path, 0, 2048), 'path cut keeps its start');
is($cut->{query}, 'q=' . ("\x{e9}" x 1023), 'query cut on a character boundary');
is_deeply($cut->{truncated}, ['path', 'query'], 'truncated lists both');

# refused requests: a URI over the header buffers (414), a header over them
# (400), a malformed request line, no Host: answered, and no page view of
# a page nobody could name, no cookie

my $r = $t->raw("GET /" . ('u' x 3000) . " HTTP/1.1\r\nHost: x\r\n\r\n",
    port => 'small');
like($r, qr{^HTTP/1\.1 414}, '414 for a huge URI');
unlike($r, qr/Set-Cookie/i, 'no cookie for it');
like($t->raw("GET /h HTTP/1.1\r\nHost: x\r\nX-Big: " . ('h' x 3000)
    . "\r\n\r\n", port => 'small'), qr{^HTTP/1\.1 400}, '400 for a huge header');
like($t->raw("GET /" . ('w' x 40000) . " HTTP/1.1\r\nHost: x\r\n\r\n"),
    qr{^HTTP/1\.1 414}, '414 past the large buffers');
like($t->raw("GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n"),
    qr{^HTTP/1\.1 400}, '400 for a malformed request line');
like($t->raw("GET /no-host HTTP/1.1\r\n\r\n"), qr{^HTTP/1\.1 400},
    '400 without Host');

# and nginx keeps serving: the next line is the next page's

like(page('/after'), qr{^HTTP/1\.1 200}, 'still serving');
@records = $t->journey(@expect + 2);
is($records[-1]{path}, '/after', 'the refused requests wrote no line');

$t->stop;

done_testing();
