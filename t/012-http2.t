# The core of the module as browsers reach most sites, over HTTP/2 on TLS,
# and the same over HTTP/1.1 (plain and on TLS), with curl as the client:
# the page view's journey line, the cookie and its attributes (Secure on
# https), an asset and a second page on one connection, the X-CX-* headers a
# backend sees through proxy_pass, and the feedback beacon.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my ($ok, $version) = CX::Test::run_command('curl', '-V');
like($version, qr/^Features:.* HTTP2\b/m, 'this curl speaks HTTP/2');

my $t = CX::Test->new;
my $secret = $t->prefix . '/cx.key';

$t->write_file('html/product.html', "<h1>product</h1>\n");
$t->write_file('html/first.html', "<h1>first</h1>\n");
$t->write_file('html/second.html', "<h1>second</h1>\n");
$t->write_file('html/img/logo.png', "\x89PNG\r\n\x1a\n");

$t->echo_backend;
$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_touchpoint ~^/second second_page;
    cx_touchpoint ~^/proxy/ page;

    log_format protocol '$server_protocol $request_method $request_uri '
                        '$status';

    server {
        listen 127.0.0.1:%%PORT%%;
        %%LISTEN_H2%%
        root %%PREFIX%%/html;
        underscores_in_headers on;
        access_log %%PREFIX%%/logs/access.log protocol;

        location /proxy/ {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location = /cx/feedback {
            cx_beacon;
        }

        # a body bigger than the buffer goes to a temporary file
        location = /cx/small {
            client_body_buffer_size 16;
            cx_beacon;
        }
    }
CONF

# the cookie of a page view, exactly; Secure only on https
sub cookie_re {
    my ($secure) = @_;
    my $tail = $secure ? '; Secure' : '';
    return qr/^cx=([A-Za-z0-9_-]{92}); Max-Age=34560000; Path=\/; HttpOnly; SameSite=Lax\Q$tail\E$/;
}

my ($code, $minted) = $t->cookie_tool('mint', '--secret', $secret,
    '--visitor', 'aa' x 16, '--session', 'bb' x 8, '--session-index', 2,
    '--seq', 4, '--last-seen', '-1m');
die "mint failed: $minted" if $code;

my $count = 0;
sub lines {
    my ($n) = @_;
    $count += $n;
    return ($t->journey($count))[-$n .. -1];
}

# the access log's lines since the last call: "protocol method uri status"
my $logged = 0;
sub logged {
    my ($n) = @_;
    my @lines;
    $t->wait_until(sub {
        @lines = ($t->read_file('logs/access.log') // '') =~ /([^\n]*)\n/g;
        @lines >= $logged + $n;
    }, "$n more access log lines");
    my @new = @lines[$logged .. $#lines];
    $logged = @lines;
    return @new;
}

# the X-CX-* headers the echo backend saw, in order
sub ours {
    my ($r) = @_;
    my $echo = eval { $t->json->decode($r->{content}) } // { headers => [] };
    return [ map { "$_->[0]: $_->[1]" } grep { $_->[0] =~ /^x[-_]cx[-_]/i }
        @{ $echo->{headers} } ];
}

my @TRANSPORTS = (
    { name => 'HTTP/1.1', opt => {}, curl => '1.1', server => 'HTTP/1.1',
        secure => 0 },
    { name => 'HTTP/1.1 on TLS', opt => { tls => 1, port => 'h2' },
        curl => '1.1', server => 'HTTP/1.1', secure => 1 },
    { name => 'HTTP/2', opt => { h2 => 1 }, curl => '2',
        server => 'HTTP/2.0', secure => 1 },
);

for my $transport (@TRANSPORTS) {
    my %opt = %{ $transport->{opt} };
    my $name = $transport->{name};
    my $cookie_re = cookie_re($transport->{secure});
    my $cookie;
    my $second;

    subtest "$name: a page view, every field" => sub {
        my ($r) = $t->curl([{ path => '/product.html?color=red&size=42',
            headers => [Host => 'Shop.Example:8080',
                Referer => 'https://www.google.com/search?q=x'] }], %opt);
        is($r->{http_version}, $transport->{curl}, "curl spoke $name");
        is($r->{status}, 200, 'served');
        is($r->{content}, "<h1>product</h1>\n", 'the page');

        my $set = CX::Test::set_cookie($r);
        like($set, $cookie_re, 'Set-Cookie with the exact attributes');
        my ($value) = ($set // '') =~ $cookie_re;
        my (undef, $json) = $t->cookie_tool('decode', '--secret', $secret,
            $value // '');
        my $state = eval { $t->json->decode($json) } // {};
        ok($state->{valid}, 'the cookie verifies');

        my ($l) = lines(1);
        is($l->{event}, 'page_view', 'event');
        is($l->{host}, 'shop.example', 'host: lowercase, without port');
        is($l->{method}, 'GET', 'method');
        is($l->{path}, '/product.html', 'path');
        is($l->{query}, 'color=red&size=42', 'query');
        is($l->{status}, 200, 'status');
        is($l->{bytes}, length("<h1>product</h1>\n"), 'bytes of the body');
        like($l->{request_ms}, qr/^\d+$/, 'request_ms');
        is($l->{referrer}, 'https://www.google.com/search?q=x', 'referrer');
        is($l->{visitor}, $state->{visitor}, 'the cookie\'s visitor');
        is($l->{session}, $state->{session}, 'the cookie\'s session');
        is($l->{seq}, 1, 'seq 1');
        is($l->{new_visitor}, JSON::PP::true, 'new_visitor');
        is($l->{device}, 'desktop', 'a desktop browser');

        is_deeply([logged(1)], ["$transport->{server} GET "
            . '/product.html?color=red&size=42 200'], 'nginx saw it so');
    };

    subtest "$name: a page, an image and a page on one connection" => sub {
        my $jar = $t->prefix . "/tmp/jar.$transport->{curl}.$transport->{secure}";
        my @r = $t->curl([{ path => '/first.html' },
            { path => '/img/logo.png' }, { path => '/second.html' }],
            %opt, jar => $jar);

        is_deeply([map { $_->{status} } @r], [200, 200, 200], 'served');
        is_deeply([map { $_->{http_version} } @r], [($transport->{curl}) x 3],
            "all $name");
        is_deeply([map { $_->{num_connects} } @r], [1, 0, 0],
            'on one connection');
        like(CX::Test::set_cookie($r[0]), $cookie_re, 'the page: Set-Cookie');
        ok(!defined CX::Test::set_cookie($r[1]), 'the image: none');
        like(CX::Test::set_cookie($r[2]), $cookie_re,
            'the second page: re-issued');
        ($cookie) = (CX::Test::set_cookie($r[2]) // '') =~ $cookie_re;

        my ($first, $page) = lines(2);
        is($first->{path}, '/first.html', 'the first page');
        is($page->{path}, '/second.html', 'the image wrote no line');
        is($first->{seq}, 1, 'seq 1');
        is($page->{seq}, 2, 'seq 2: the cookie came back');
        is($page->{visitor}, $first->{visitor}, 'the same visitor');
        is($page->{session}, $first->{session}, 'the same session');
        is($page->{new_visitor}, JSON::PP::false, 'not a new visitor');
        is($page->{touchpoint}, 'second_page', 'touchpoint');
        $second = $page;

        is_deeply([logged(3)], [map { "$transport->{server} GET $_ 200" }
            qw(/first.html /img/logo.png /second.html)], 'nginx saw them so');
    };

    subtest "$name: the cookie among others, in two Cookie fields" => sub {
        # HTTP/2 lets a browser send each cookie in a field of its own
        my ($r) = $t->curl([{ path => '/second.html',
            headers => [Cookie => 'other=1', Cookie => "cx=$cookie"] }],
            %opt);
        like(CX::Test::set_cookie($r), $cookie_re, 'Set-Cookie');
        ($cookie) = (CX::Test::set_cookie($r) // '') =~ $cookie_re;
        my ($l) = lines(1);
        is($l->{visitor}, $second->{visitor}, 'the same visitor');
        is($l->{session}, $second->{session}, 'the same session');
        is($l->{seq}, 3, 'seq 3');
        $second = $l;
        is_deeply([logged(1)], ["$transport->{server} GET /second.html 200"],
            'nginx saw it so');
    };

    subtest "$name: the headers a backend sees" => sub {
        my ($r) = $t->curl([{ path => '/proxy/p',
            headers => [Cookie => "cx=$minted", 'X-CX-Visitor' => 'evil-1',
                'x-cx-seq' => 'evil-2', 'X_CX_Session' => 'evil-3',
                'X_Cx_Anything' => 'evil-4'] }], %opt);
        is($r->{status}, 200, 'proxied');
        is($r->{http_version}, $transport->{curl}, "curl spoke $name");
        is_deeply(ours($r), [
            'X-CX-Visitor: ' . 'aa' x 16,
            'X-CX-Session-Index: 2',
            'X-CX-Seq: 5',
            'X-CX-Segment: returning',
            'X-CX-Session: ' . 'bb' x 8,
            'X-CX-Touchpoint: page',
            'X-CX-Channel: direct',
            'X-CX-Device: desktop',
        ], 'ours only, the cookie\'s') or diag(explain(ours($r)));
        like(CX::Test::set_cookie($r), $cookie_re, 'Set-Cookie');

        my ($l) = lines(1);
        is($l->{path}, '/proxy/p', 'the proxied page');
        is($l->{visitor}, 'aa' x 16, 'visitor');
        is($l->{seq}, 5, 'seq 5');
        like($l->{upstream_ms} // '', qr/^\d+$/, 'upstream_ms');

        # a new visitor: the backend sees the visitor the cookie gets
        ($r) = $t->curl([{ path => '/proxy/new' }], %opt);
        my ($value) = (CX::Test::set_cookie($r) // '') =~ $cookie_re;
        my (undef, $json) = $t->cookie_tool('decode', '--secret', $secret,
            $value // '');
        my $state = eval { $t->json->decode($json) } // {};
        my ($visitor) = map { /^X-CX-Visitor: (.*)/ ? $1 : () } @{ ours($r) };
        ok(defined $state->{visitor}, 'a new cookie');
        is($visitor, $state->{visitor}, 'X-CX-Visitor is the new cookie\'s');
        my ($new) = lines(1);
        is($new->{visitor}, $state->{visitor}, 'and the line\'s');

        is_deeply([logged(2)], ["$transport->{server} GET /proxy/p 200",
            "$transport->{server} GET /proxy/new 200"], 'nginx saw them so');
    };

    subtest "$name: the feedback beacon" => sub {
        my $comment = 'Quick and easy! ' x 4;
        (my $encoded = $comment) =~ s/ /+/g;
        $encoded =~ s/!/%21/g;
        my @r = $t->curl([
            { path => '/cx/feedback', method => 'POST',
                content => "score=5&scale=csat&comment=$encoded",
                headers => [Cookie => "cx=$cookie",
                    'Content-Type' => 'application/x-www-form-urlencoded'] },
            { path => '/cx/small', method => 'POST',
                content => "score=9&scale=nps&comment=$encoded",
                headers => [Cookie => "cx=$cookie",
                    'Content-Type' => 'text/plain;charset=UTF-8'] },
        ], %opt);

        is_deeply([map { $_->{status} } @r], [204, 204], '204 each');
        is_deeply([map { $_->{http_version} } @r],
            [($transport->{curl}) x 2], "curl spoke $name");
        ok(!grep({ defined CX::Test::set_cookie($_) } @r),
            'the cookie is not re-issued');

        my @l = lines(2);
        is($l[0]{event}, 'feedback', 'event feedback');
        is_deeply($l[0]{feedback}, { score => 5, scale => 'csat',
            comment => $comment, touchpoint => 'second_page' },
            'score, scale, comment, the last page\'s touchpoint');
        is_deeply($l[1]{feedback}, { score => 9, scale => 'nps',
            comment => $comment, touchpoint => 'second_page' },
            'a body in a temporary file: the same');
        for my $l (@l) {
            is($l->{method}, 'POST', 'method');
            is($l->{visitor}, $second->{visitor}, 'the visitor');
            is($l->{session}, $second->{session}, 'the session');
            is($l->{seq}, 3, 'the seq of the last page, not advanced');
        }

        is_deeply([logged(2)], ["$transport->{server} POST /cx/feedback 204",
            "$transport->{server} POST /cx/small 204"], 'nginx saw them so');
    };
}

$t->stop;

done_testing();
