# A page view writes one journey line with every request field; assets,
# POSTs, redirects and locations with cx off write none.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use POSIX ();

my $t = CX::Test->new;

$t->write_file('html/index.html', "<h1>home</h1>\n");
$t->write_file('html/product.html', "<h1>product</h1>\n");
$t->write_file('html/logo.png', "\x89PNG\r\n\x1a\n");
$t->write_file('html/quiet/page.html', "<p>quiet</p>\n");

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        root %%PREFIX%%/html;

        location /quiet/ {
            cx off;
        }

        location = /moved {
            return 301 /product.html;
        }

        location = /backend {
            proxy_pass http://127.0.0.1:%%PORT_backend%%/answer;
        }

        location = /form {
            default_type text/html;
            return 200 "<p>thanks</p>";
        }
    }

    server {
        listen 127.0.0.1:%%PORT_backend%%;
        cx off;

        location = /answer {
            default_type text/html;
            return 200 "<p>from the backend</p>";
        }
    }
CONF

# the first line: every field of a plain page view, exactly

my $r = $t->get('/product.html?color=red&size=42',
    Host => 'Shop.Example:8080',
    Referer => 'https://www.google.com/search?q=x');
is($r->{status}, 200, 'page served');

my ($line) = $t->journey(1);
is($line->{v}, 1, 'v');
like($line->{ts}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ts format');
is($line->{event}, 'page_view', 'event');
is($line->{host}, 'shop.example', 'host: lowercase, without port');
is($line->{method}, 'GET', 'method');
is($line->{path}, '/product.html', 'path without the query');
is($line->{query}, 'color=red&size=42', 'query, raw');
is($line->{status}, 200, 'status');
is($line->{bytes}, length("<h1>product</h1>\n"), 'bytes of the body');
like($line->{request_ms}, qr/^\d+$/, 'request_ms is a whole number');
ok(exists $line->{upstream_ms} && !defined $line->{upstream_ms},
    'upstream_ms null without an upstream');
is($line->{referrer}, 'https://www.google.com/search?q=x', 'referrer');

is_deeply([sort keys %$line], [sort qw(v ts event host method path query
    status bytes request_ms upstream_ms referrer visitor session session_index
    seq new_visitor new_session prev_touchpoint since_prev_ms landing
    touchpoint goal channel source medium campaign term content device browser
    os bot country region city lat lon asn as_org ip experiments experience)],
    'exactly the page view fields, no truncated');

# ts is when the request started, in UTC

my @ts = $line->{ts} =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)/;
ok(abs(utc_epoch(@ts) - time) < 120, 'ts is now, in UTC');

# none of these is a page view: an image, a POST, a redirect, cx off

is($t->get('/logo.png')->{status}, 200, 'image served');
is($t->request('POST', '/form', content => 'a=1')->{status}, 200,
    'POST served');
is($t->get('/moved')->{status}, 301, 'redirect served');
is($t->get('/quiet/page.html')->{status}, 200, 'cx off location served');

# a marker page: one worker writes lines in request order, so if the marker's
# line is the second one, none of the requests above wrote a line

$t->get('/?marker=1');
my @lines = $t->journey(2);
is(scalar @lines, 2, 'two lines only');
is($lines[1]{path}, '/', 'the index page is logged as the path asked for');
is($lines[1]{query}, 'marker=1', 'marker query');

# HEAD is no page view (nobody sees its answer: t/007-fetch.t has the rest);
# a 404 page is one; an empty query is null

is($t->request('HEAD', '/product.html')->{status}, 200, 'HEAD served');
is($t->get('/missing.html?')->{status}, 404, '404 served');
$t->get('/?marker=2');

@lines = $t->journey(4);
is($lines[2]{status}, 404, '404 logged, HEAD not');
is($lines[2]{path}, '/missing.html', '404 path');
ok(!defined $lines[2]{query}, 'empty query is null');
ok(!defined $lines[2]{referrer}, 'no referrer is null');
is($lines[3]{query}, 'marker=2', 'nothing else logged');

# an upstream: upstream_ms is a number; the backend server has cx off

is($t->get('/backend')->{content}, '<p>from the backend</p>', 'proxied');
@lines = $t->journey(5);
is(scalar @lines, 5, 'the backend wrote no line of its own');
is($lines[4]{path}, '/backend', 'proxied path');
like($lines[4]{upstream_ms} // '', qr/^\d+$/, 'upstream_ms with an upstream');

# a percent-encoded path is decoded; its query stays raw

$t->get('/caf%C3%A9%20menu.html?q=caf%C3%A9');
@lines = $t->journey(6);
is($lines[5]{path}, "/caf\x{e9} menu.html", 'path decoded');
is($lines[5]{query}, 'q=caf%C3%A9', 'query raw');

$t->stop;

done_testing();

sub utc_epoch {
    my ($y, $mo, $d, $h, $mi, $s) = @_;
    local $ENV{TZ} = 'UTC';
    POSIX::tzset();
    return POSIX::mktime($s, $mi, $h, $d, $mo - 1, $y - 1900);
}
