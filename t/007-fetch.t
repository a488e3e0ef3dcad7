# What the browser fetches decides what is a page view (README, "What a page
# view is"): only a GET navigation to a document; HEAD, Range, subresources,
# fetch() calls and frames are none; a 304 is one.  A page fetched ahead
# (Sec-Purpose, Purpose) is no page view: a "prefetch" line, no seq, no
# cookie; "cx_speculation refuse" answers it 503.  Each case with and without
# a cookie: the line or none, the Set-Cookie or none, and the seq of the next
# real page view.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $t = CX::Test->new;

my $page = "<h1>page</h1>\n";

$t->write_file('html/index.html', "<h1>home</h1>\n");
$t->write_file('html/page.html', $page);
$t->write_file('html/app.css', "h1 { color: red }\n");
$t->write_file('html/refuse/page.html', $page);
$t->write_file('html/origin/page.html', $page);

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_metrics_zone cx 256k;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        root %%PREFIX%%/html;

        location /refuse/ {
            cx_speculation refuse;
        }

        location = /refuse/answer {
            cx_speculation refuse;
            default_type text/html;
            return 200 "<p>answered in the rewrite phase</p>";
        }

        location = /proxied.html {
            proxy_pass http://127.0.0.1:%%PORT_origin%%/origin/page.html;
        }

        location = /metrics {
            cx off;
            cx_metrics;
        }
    }

    server {
        listen 127.0.0.1:%%PORT_origin%%;
        cx off;
        root %%PREFIX%%/html;
    }
CONF

my $lines = 0;          # journey lines read so far
my $marker = 0;

# The lines the requests since the last call wrote, up to and including the
# marker page view sent now (one worker writes them in request order).
sub lines_until_marker {
    my (%h) = @_;

    my $query = 'm=' . ++$marker;
    my $res = $t->get("/index.html?$query", %h);

    my @all;
    $t->wait_until(sub {
        @all = $t->journey_lines($lines + 1);
        $all[-1] =~ /"query":"\Q$query\E"/;
    }, "the marker line $query");

    CX::Test::validate_journey(@all[$lines .. $#all]);
    my @new = map { JSON::PP->new->decode($_) } @all[$lines .. $#all];
    $lines = @all;

    return ($res, @new);
}

# A visitor: the cookie and the seq of its last page view.
my ($cookie, $seq, $visitor);

sub start_visitor {
    my ($res, @new) = lines_until_marker();
    $cookie = CX::Test::cookie_value($res);
    $seq = $new[-1]{seq};
    $visitor = $new[-1]{visitor};
    is($seq, 1, 'a new visitor starts at seq 1');
}

my %served = (prefetch => 0, prerender => 0);
my %refused = (prefetch => 0, prerender => 0);

# One request, as a new visitor and as a known one: what it is answered and
# logged, then the next real page view's seq.  $want: status, line (undef:
# none, or the event), speculation, cache_control.
sub check {
    my ($name, $method, $path, $headers, $want) = @_;

    for my $with_cookie (0, 1) {
        my $label = "$name, " . ($with_cookie ? 'with' : 'without')
            . ' a cookie';
        my @h = @$headers;
        push @h, Cookie => "cx=$cookie" if $with_cookie;

        my $res = $t->request($method, $path, headers => \@h);
        is($res->{status}, $want->{status}, "$label: status");

        my $page_view = ($want->{line} // '') eq 'page_view';

        is(scalar(grep { lc $_->[0] eq 'set-cookie' } @{ $res->{fields} }),
            $page_view ? 1 : 0, "$label: Set-Cookie fields");

        if ($page_view) {
            ok(defined CX::Test::set_cookie($res), "$label: Set-Cookie");
        } else {
            is(CX::Test::set_cookie($res), undef, "$label: no Set-Cookie");
        }

        is($res->{headers}{'cache-control'}, $want->{cache_control},
            "$label: Cache-Control");

        my ($next, @new) = lines_until_marker(
            $with_cookie ? (Cookie => "cx=" . ($page_view
                ? CX::Test::cookie_value($res) : $cookie)) : ());

        my $marker_line = pop @new;

        if (!defined $want->{line}) {
            is(scalar @new, 0, "$label: no line");
        } else {
            is(scalar @new, 1, "$label: one line");
            my $l = $new[0] // {};
            is($l->{event}, $want->{line}, "$label: event");
            is($l->{path}, $path, "$label: path");
            is($l->{status}, $want->{status}, "$label: status logged");

            if ($want->{line} eq 'prefetch') {
                is($l->{speculation}, $want->{speculation},
                    "$label: speculation");
                ok(!exists $l->{friction}, "$label: no friction");
                ok(exists $l->{experience} && !defined $l->{experience},
                    "$label: no rating");
                ok(exists $l->{new_session} && !defined $l->{new_session},
                    "$label: new_session null");
                $served{$want->{speculation}}++;

                if ($with_cookie) {
                    is($l->{visitor}, $visitor, "$label: the visitor");
                    is($l->{seq}, $seq, "$label: the seq of the page before");
                } else {
                    ok(exists $l->{visitor} && !defined $l->{visitor},
                        "$label: no visitor");
                    ok(exists $l->{seq} && !defined $l->{seq},
                        "$label: no seq");
                    ok(exists $l->{session} && !defined $l->{session},
                        "$label: no session");
                }
            }

            if ($page_view) {
                if ($with_cookie) {
                    is($l->{seq}, $seq + 1, "$label: seq advances");
                    $seq++;
                } else {
                    is($l->{seq}, 1, "$label: a new visitor's seq 1");
                }
            }
        }

        $refused{$want->{speculation}}++
            if $want->{status} == 503 && $want->{speculation};

        if ($with_cookie) {
            is($marker_line->{visitor}, $visitor, "$label: the same visitor");
            is($marker_line->{seq}, $seq + 1,
                "$label: the next page view is seq + 1");
            $seq = $marker_line->{seq};
            $cookie = CX::Test::cookie_value($next);
        } else {
            is($marker_line->{seq}, 1,
                "$label: the next page view is a new visitor's first");
        }
    }
}

start_visitor();

my $html = { status => 200, line => undef };

# Sec-Fetch-Dest: only "document" can be a page view

check('Sec-Fetch-Dest: document', 'GET', '/page.html',
    ['Sec-Fetch-Dest' => 'document', 'Sec-Fetch-Mode' => 'navigate'],
    { status => 200, line => 'page_view' });

for my $dest (qw(empty image script style iframe frame manifest
                 serviceworker hologram))
{
    check("Sec-Fetch-Dest: $dest", 'GET', '/page.html',
        ['Sec-Fetch-Dest' => $dest], $html);
}

# no Sec-Fetch-* (curl, old browsers): the type rule alone

check('no Sec-Fetch-Dest', 'GET', '/page.html', [],
    { status => 200, line => 'page_view' });

# HEAD and Range: nobody sees them as a page

check('HEAD', 'HEAD', '/page.html', ['Sec-Fetch-Dest' => 'document'],
    $html);
check('HEAD without Sec-Fetch-Dest', 'HEAD', '/page.html', [], $html);
check('Range', 'GET', '/page.html', [Range => 'bytes=0-3'],
    { status => 206, line => undef });

# a missing favicon: a text/html 404, but the browser asked for an image

check('favicon 404', 'GET', '/favicon.ico',
    ['Sec-Fetch-Dest' => 'image', Accept => 'image/*'],
    { status => 404, line => undef });
check('a missing page', 'GET', '/missing.html',
    ['Sec-Fetch-Dest' => 'document'], { status => 404, line => 'page_view' });

# 304: the browser shows its copy, so it is a page view

my $full = $t->get('/page.html');
my $modified = $full->{headers}{'last-modified'};
my $etag = $full->{headers}{etag};
ok($modified && $etag, 'a static file has Last-Modified and ETag');
lines_until_marker();

check('304 by If-Modified-Since', 'GET', '/page.html',
    ['If-Modified-Since' => $modified, 'Sec-Fetch-Dest' => 'document'],
    { status => 304, line => 'page_view' });
check('304 by If-Modified-Since without Sec-Fetch-Dest', 'GET',
    '/page.html', ['If-Modified-Since' => $modified],
    { status => 304, line => 'page_view' });
check('304 by If-None-Match', 'GET', '/page.html',
    ['If-None-Match' => $etag], { status => 304, line => 'page_view' });

# If-Match failing: not_modified's 412 replaces the 200 this filter saw

check('412 by If-Match', 'GET', '/page.html',
    ['If-Match' => '"other"', 'Sec-Fetch-Dest' => 'document'],
    { status => 412, line => 'page_view' });

{
    # rated once, as a 412: the cookie's history has that one rating
    my $res = $t->get('/page.html', 'If-Match' => '"other"');
    my ($res2, $l) = lines_until_marker();
    my ($code, $json) = $t->cookie_tool('decode', '--secret',
        $t->prefix . '/cx.key', CX::Test::cookie_value($res) // '');
    my $history = $code == 0 ? $t->json->decode($json)->{experience} : [];
    my %rating = (positive => 1, neutral => 2, negative => 3);
    is($l->{status}, 412, '412 logged');
    is_deeply($history, [$rating{$l->{experience} // ''} // -1, 0, 0],
        'a 412 is rated once in the cookie');
}

# an upstream's 304 comes without a type: a browser saying "document" tells

my $origin = $t->get('/proxied.html');
is($origin->{status}, 200, 'proxied page');
lines_until_marker();
my $origin_etag = $origin->{headers}{etag};

check('proxied 304, Sec-Fetch-Dest: document', 'GET', '/proxied.html',
    ['If-None-Match' => $origin_etag, 'Sec-Fetch-Dest' => 'document'],
    { status => 304, line => 'page_view' });
check('proxied 304 without Sec-Fetch-Dest', 'GET', '/proxied.html',
    ['If-None-Match' => $origin_etag], { status => 304, line => undef });

# speculative requests, logged (the default)

my @speculations = (
    ['Sec-Purpose: prefetch', 'prefetch',
        ['Sec-Purpose' => 'prefetch', 'Sec-Fetch-Dest' => 'document']],
    ['Sec-Purpose: prefetch;prerender', 'prerender',
        ['Sec-Purpose' => 'prefetch;prerender',
         'Sec-Fetch-Dest' => 'document']],
    # what <link rel=prefetch> sends: "empty", whatever it fetches
    ['Purpose: prefetch', 'prefetch',
        [Purpose => 'prefetch', 'Sec-Fetch-Dest' => 'empty']],
    ['Purpose: prefetch without Sec-Fetch-Dest', 'prefetch',
        [Purpose => 'prefetch']],
);

for my $s (@speculations) {
    my ($name, $kind, $headers) = @$s;
    check("$name, logged", 'GET', '/page.html', $headers,
        { status => 200, line => 'prefetch', speculation => $kind });
}

check('a prefetched stylesheet', 'GET', '/app.css',
    [Purpose => 'prefetch', 'Sec-Fetch-Dest' => 'empty'], $html);
check('a prefetched image', 'GET', '/page.html',
    ['Sec-Purpose' => 'prefetch', 'Sec-Fetch-Dest' => 'image'], $html);

# refused: 503, not to be kept, no line

for my $s (@speculations) {
    my ($name, $kind, $headers) = @$s;
    check("$name, refused", 'GET', '/refuse/page.html', $headers,
        { status => 503, line => undef, speculation => $kind,
          cache_control => 'no-store' });
}

check('refused before a "return"', 'GET', '/refuse/answer',
    ['Sec-Purpose' => 'prefetch', 'Sec-Fetch-Dest' => 'document'],
    { status => 503, line => undef, speculation => 'prefetch',
      cache_control => 'no-store' });

# where speculation is refused, the navigation that follows is a page view

check('the navigation after a refused prefetch', 'GET', '/refuse/page.html',
    ['Sec-Fetch-Dest' => 'document'], { status => 200, line => 'page_view' });

# the metrics count what was fetched ahead

my %m = $t->metrics;

for my $kind (qw(prefetch prerender)) {
    is($m{"cx_speculative_requests_total{kind=\"$kind\",outcome=\"served\"}"},
        $served{$kind}, "$kind served, counted");
    is($m{"cx_speculative_requests_total{kind=\"$kind\",outcome=\"refused\"}"},
        $refused{$kind}, "$kind refused, counted");
}

$t->stop;

done_testing();
