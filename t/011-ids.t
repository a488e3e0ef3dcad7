# Ids nobody made up: requests that are no navigation (fetch() calls,
# POSTs, images, prefetches) without a valid cookie get no visitor, session or variant; every
# request with a cookie whose session timed out names the same next
# session as the page view that starts it; of two cookies of our name the
# first that verifies wins; a cookie from a node whose clock runs ahead
# keeps its visitor.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use MIME::Base64 qw(encode_base64url decode_base64url);

my $t = CX::Test->new;
my $secret = $t->prefix . '/cx.key';

# an API: its answers are no page views, whatever the request
$t->echo_backend('backend', type => 'application/json');
$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_session_timeout 5m;
    cx_metrics_zone cx 1m;

    cx_experiment checkout {
        50% A;
        *   B;
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        # what the backend hears of the module, its headers and variables
        location /api/ {
            proxy_set_header X-Vars
                "[$cx_visitor|$cx_session|$cx_session_index|$cx_seq|$cx_new_session|$cx_variants|$cx_variant_checkout|$cx_segment]";
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location / {
            add_header X-Session $cx_session;
            return 200 "<p>page</p>";
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF

my $API = [ 'Sec-Fetch-Dest' => 'empty', 'Sec-Fetch-Mode' => 'cors',
    'Sec-Fetch-Site' => 'same-origin' ];
my $FORM = "item=42";

# what the echo backend saw: its X-CX-* headers, "Name: value" sorted, and
# the variables
sub backend {
    my ($r) = @_;
    my $seen = eval { $t->json->decode($r->{content}) } // { headers => [] };
    my @cx = sort map { "$_->[0]: $_->[1]" }
        grep { $_->[0] =~ /^X-CX-/i } @{ $seen->{headers} };
    my ($vars) = map { $_->[1] } grep { lc $_->[0] eq 'x-vars' }
        @{ $seen->{headers} };
    return { cx => \@cx, vars => $vars // '', status => $r->{status},
        set_cookie => CX::Test::set_cookie($r) };
}

sub fetch_call {
    my ($path, @headers) = @_;
    return backend($t->get($path, @$API, @headers));
}

sub post_call {
    my ($path, @headers) = @_;
    return backend($t->request('POST', $path, headers => [ @headers,
        'Content-Type' => 'application/x-www-form-urlencoded',
        'Sec-Fetch-Dest' => 'empty', 'Sec-Fetch-Mode' => 'cors' ],
        content => $FORM));
}

sub header_of {
    my ($seen, $name) = @_;
    my ($h) = grep { /^\Q$name\E: / } @{ $seen->{cx} };
    return defined $h ? ($h =~ /^[^:]+: (.*)$/)[0] : undef;
}

sub mint {
    my (@args) = @_;
    my ($rc, $value) = $t->cookie_tool('mint', '--secret', $secret, @args);
    die "cx-cookie mint: $value" if $rc;
    return $value;
}

sub decode {
    my ($value) = @_;
    my (undef, $json) = $t->cookie_tool('decode', '--secret', $secret,
        $value // '');
    return eval { $t->json->decode($json) } // {};
}

my $lines = 0;

# the page view lines written since the last call, $n of them
sub new_lines {
    my ($n) = @_;
    my @all = $t->journey($lines + $n);
    my @new = @all[$lines .. $#all];
    $lines = @all;
    return @new;
}

subtest 'API calls without a cookie: no visitor, no session, no variant' => sub {
    my @calls = (
        fetch_call('/api/items'),
        fetch_call('/api/items'),
        post_call('/api/cart'),
        post_call('/api/cart'),
        backend($t->get('/api/logo', 'Sec-Fetch-Dest' => 'image')),
        backend($t->get('/api/next', 'Sec-Purpose' => 'prefetch')),
    );

    for my $i (0 .. $#calls) {
        my $seen = $calls[$i];
        is($seen->{status}, 200, "call $i: served");
        is_deeply($seen->{cx},
            [ 'X-CX-Channel: direct', 'X-CX-Device: desktop' ],
            "call $i: the backend sees channel and device only")
            or diag(explain($seen->{cx}));
        is($seen->{vars}, '[|||||||]', "call $i: every variable empty");
        ok(!defined $seen->{set_cookie}, "call $i: no Set-Cookie");
    }

    is_deeply($calls[1], $calls[0], 'two fetch() calls see the same');
    is_deeply($calls[3], $calls[2], 'two POSTs see the same');

    # a navigation, with or without Sec-Fetch-Dest, is a visitor already
    for my $dest ([], [ 'Sec-Fetch-Dest' => 'document' ]) {
        my $seen = backend($t->get('/api/page', @$dest));
        like(header_of($seen, 'X-CX-Visitor') // '', qr/^[0-9a-f]{32}$/,
            'a navigation has a visitor (' . (@$dest ? 'document' : 'no Sec-Fetch-Dest') . ')');
        like(header_of($seen, 'X-CX-Variants') // '', qr/^checkout=[AB]$/,
            '... and a variant');
        like($seen->{vars}, qr/^\[[0-9a-f]{32}\|[0-9a-f]{16}\|1\|1\|1\|checkout=[AB]\|[AB]\|new\]$/,
            '... and the variables');
    }
};

subtest 'a timed-out session: every request names the next one' => sub {
    my $old = mint('--visitor', 'aa' x 16, '--session', 'bb' x 8,
        '--session-index', 3, '--seq', 7, '--last-seen', '-10m');
    my @cookie = (Cookie => "cx=$old");

    # API calls before the page view, in both forms
    my @before = (fetch_call('/api/a', @cookie), post_call('/api/b', @cookie),
        fetch_call('/api/c', @cookie));

    my $page = $t->get('/landing', @cookie, 'Sec-Fetch-Dest' => 'document');
    my $next = $page->{headers}{'x-session'};

    # and after it, still with the old cookie (a request already on its way)
    my @after = (post_call('/api/d', @cookie), fetch_call('/api/e', @cookie));

    like($next, qr/^[0-9a-f]{16}$/, 'the page view has a session');
    isnt($next, 'bb' x 8, 'a new one');

    for my $seen (@before, @after) {
        is(header_of($seen, 'X-CX-Visitor'), 'aa' x 16, 'the visitor');
        is(header_of($seen, 'X-CX-Session'), $next,
            'the session the page view starts');
        is(header_of($seen, 'X-CX-Session-Index'), 4, 'session index 4');
        is(header_of($seen, 'X-CX-Seq'), 1, 'seq 1');
        ok(!defined $seen->{set_cookie}, 'no Set-Cookie');
    }

    my ($line) = new_lines(1);
    is($line->{path}, '/landing', 'one line, the page view');
    is($line->{visitor}, 'aa' x 16, 'line: the visitor');
    is($line->{session}, $next, 'line: the session the calls saw');
    is($line->{session_index}, 4, 'line: session_index 4');
    is($line->{seq}, 1, 'line: seq 1');
    is($line->{new_session}, JSON::PP::true, 'line: new_session');
    is($line->{new_visitor}, JSON::PP::false, 'line: not a new visitor');
    is($line->{landing}, JSON::PP::true, 'line: a landing');
    ok(!defined $line->{since_prev_ms}, 'line: no since_prev_ms');

    my $issued = decode(CX::Test::cookie_value($page));
    is($issued->{session}, $next, 'the Set-Cookie carries it');
    is($issued->{seq}, 1, 'with seq 1');

    # the session goes on from the new cookie
    $t->get('/second', Cookie => 'cx=' . CX::Test::cookie_value($page));
    my ($second) = new_lines(1);
    is($second->{session}, $next, 'the next page view: the same session');
    is($second->{seq}, 2, 'seq 2');
};

subtest 'two cookies of our name: the first that verifies wins' => sub {
    my $good = mint('--visitor', '11' x 16, '--session', '12' x 8,
        '--seq', 4, '--last-seen', '-1m');
    my $sibling = mint('--visitor', '22' x 16, '--session', '23' x 8,
        '--seq', 9, '--last-seen', '-2m');
    my $forged = encode_base64url(do {
        my $b = decode_base64url($good);
        substr($b, 40, 1) = chr(ord(substr($b, 40, 1)) ^ 1);
        $b;
    });

    my @cases = (
        [ 'garbage first, one header', '11', 5,
          Cookie => "cx=garbage; cx=$good" ],
        [ 'garbage last, one header', '11', 5,
          Cookie => "a=1; cx=$good; cx=garbage" ],
        [ 'garbage first, two headers', '11', 5,
          Cookie => 'cx=garbage', Cookie => "b=2; cx=$good" ],
        [ 'garbage last, two headers', '11', 5,
          Cookie => "cx=$good", Cookie => 'cx=garbage' ],
        [ 'a forged one first', '11', 5,
          Cookie => "cx=$forged; cx=$good" ],
        [ 'a sibling\'s valid one after', '11', 5,
          Cookie => "cx=$good; cx=$sibling" ],
        [ 'a sibling\'s valid one first', '22', 10,
          Cookie => "cx=$sibling", Cookie => "cx=$good" ],
    );

    my %before = $t->metrics;
    my $log_before = () = ($t->read_file('logs/error.log') // '')
        =~ /cx: cookie "cx" rejected/g;

    for my $case (@cases) {
        my ($name, $visitor, $seq, @headers) = @$case;
        my $r = $t->get("/dup", @headers);
        my ($line) = new_lines(1);
        is($line->{visitor}, $visitor x 16, "$name: the visitor");
        is($line->{seq}, $seq, "$name: seq $seq");
        is($line->{new_visitor}, JSON::PP::false, "$name: not new");
        is(decode(CX::Test::cookie_value($r))->{visitor}, $visitor x 16,
            "$name: re-issued");
    }

    my %after = $t->metrics;
    my $rejected = 'cx_cookie_rejected_total{reason="bad_length"}';
    is($after{$rejected} - $before{$rejected}, 0,
        'no rejection counted where one verified');

    # none verifies: a new visitor, the first one's reason counted once
    my $r = $t->get('/dup-none', Cookie => "cx=$forged; cx=garbage",
        Cookie => 'cx=!!!');
    my ($line) = new_lines(1);
    is($line->{new_visitor}, JSON::PP::true, 'none verifies: a new visitor');
    isnt($line->{visitor}, '11' x 16, 'a visitor of its own');
    ok(decode(CX::Test::cookie_value($r))->{valid}, 'a fresh cookie');

    %after = $t->metrics;
    is($after{'cx_cookie_rejected_total{reason="bad_tag"}'}
        - $before{'cx_cookie_rejected_total{reason="bad_tag"}'}, 1,
        'bad_tag, the first one\'s reason, counted once');
    is($after{$rejected} - $before{$rejected}, 0, 'bad_length not counted');
    is($after{'cx_cookie_rejected_total{reason="bad_base64"}'}
        - $before{'cx_cookie_rejected_total{reason="bad_base64"}'}, 0,
        'bad_base64 not counted');

    my $log = $t->read_file('logs/error.log') // '';
    my $log_after = () = $log =~ /cx: cookie "cx" rejected/g;
    is($log_after - $log_before, 1, 'one info line, for the request that had none');
    like($log, qr/cx: cookie "cx" rejected \(bad_tag\), a new visitor/,
        'naming the first one\'s reason');
};

subtest 'a cookie from a node 5 minutes ahead keeps its visitor' => sub {
    my $ahead = mint('--visitor', '33' x 16, '--session', '34' x 8,
        '--session-index', 2, '--seq', 6, '--last-seen', '+5m');
    my %before = $t->metrics;

    ok(!exists $before{'cx_cookie_rejected_total{reason="future"}'},
        'no "future" rejection series: such a cookie is not refused');

    my $call = fetch_call('/api/ahead', Cookie => "cx=$ahead");
    my $r = $t->get('/ahead', Cookie => "cx=$ahead");
    my ($line) = new_lines(1);

    is($line->{visitor}, '33' x 16, 'the same visitor');
    is($line->{new_visitor}, JSON::PP::false, 'not a new visitor');
    is($line->{new_session}, JSON::PP::true, 'a new session');
    isnt($line->{session}, '34' x 8, 'with a new id');
    is($line->{session_index}, 3, 'session_index + 1');
    is($line->{seq}, 1, 'seq 1');
    is($line->{landing}, JSON::PP::true, 'a landing');
    ok(!defined $line->{since_prev_ms}, 'no since_prev_ms');
    is(header_of($call, 'X-CX-Session'), $line->{session},
        'an API call with it names the same session');
    is(header_of($call, 'X-CX-Visitor'), '33' x 16, '... and visitor');

    my $issued = decode(CX::Test::cookie_value($r));
    is($issued->{visitor}, '33' x 16, 'the cookie re-issued for the visitor');
    is($issued->{seq}, 1, 'from this node\'s time: seq 1');

    # the re-issued cookie goes on here
    $t->get('/ahead-2', Cookie => 'cx=' . CX::Test::cookie_value($r));
    my ($next) = new_lines(1);
    is($next->{session}, $line->{session}, 'and the session goes on');
    is($next->{seq}, 2, 'seq 2');

    my %after = $t->metrics;
    is($after{cx_cookie_clock_ahead_total} - $before{cx_cookie_clock_ahead_total},
        1, 'cx_cookie_clock_ahead_total counts it once, for the page view');

    like($t->read_file('logs/error.log'),
        qr/\[info\] .*cx: cookie "cx" is ahead of this node's clock, a new session/,
        'an info line says so');

    # within the allowed skew, the session goes on
    my $slight = mint('--visitor', '35' x 16, '--session', '36' x 8,
        '--seq', 3, '--last-seen', '+30s');
    $t->get('/slight', Cookie => "cx=$slight");
    my ($same) = new_lines(1);
    is($same->{session}, '36' x 8, '30 s ahead: the same session');
    is($same->{seq}, 4, 'seq + 1');

    # a forged cookie from the future is nobody's
    my $forged = encode_base64url(do {
        my $b = decode_base64url($ahead);
        substr($b, 40, 1) = chr(ord(substr($b, 40, 1)) ^ 1);
        $b;
    });
    $t->get('/forged-ahead', Cookie => "cx=$forged");
    my ($nobody) = new_lines(1);
    isnt($nobody->{visitor}, '33' x 16, 'forged: another visitor');
    is($nobody->{new_visitor}, JSON::PP::true, 'forged: a new visitor');
};

$t->stop;
$t->check_health;

done_testing;
