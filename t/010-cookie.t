# Visitors and sessions: the signed cookie, its attributes, the session
# timeout, forged cookies, key rotation, a fleet of nodes, DNT and Sec-GPC,
# and the journey fields and variables that come from it.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use MIME::Base64 qw(encode_base64url decode_base64url);

my $CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 '
    . '(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
my $COOKIE_RE = qr/^cx=([A-Za-z0-9_-]{92}); Max-Age=34560000; Path=\/; HttpOnly; SameSite=Lax$/;

sub site {
    my ($extra) = @_;
    $extra //= '';
    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
$extra

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%PREFIX%%/html;

        location / {
            default_type text/html;
            add_header X-Visitor \$cx_visitor;
            add_header X-Session \$cx_session;
            add_header X-Session-Index \$cx_session_index;
            add_header X-Seq \$cx_seq;
            add_header X-New-Session \$cx_new_session;
            return 200 "<p>page</p>";
        }

        location /img/ {
        }
    }
CONF
}

sub page {
    my ($t, $path, @headers) = @_;
    return $t->get($path, 'User-Agent' => $CHROME, @headers);
}

sub with_cookie {
    my ($value) = @_;
    return (Cookie => "other=1; cx=$value");
}

my $t = CX::Test->new;
$t->write_file('html/img/logo.png', "png\n");
$t->start(site());
my $secret = $t->prefix . '/cx.key';

subtest 'a first page view, then a second with the cookie' => sub {
    my $r = page($t, '/first');
    my $cookie = CX::Test::set_cookie($r);
    like($cookie, $COOKIE_RE, 'Set-Cookie with the exact attributes');
    my ($value) = ($cookie // '') =~ $COOKIE_RE;

    my ($code, $json) = $t->cookie_tool('decode', '--secret', $secret,
        $value);
    is($code, 0, 'the cookie verifies with the secret');
    my $state = $t->json->decode($json);

    my ($first) = $t->journey(1);
    is($first->{visitor}, $state->{visitor}, 'visitor is the cookie\'s');
    is($first->{session}, $state->{session}, 'session is the cookie\'s');
    is($first->{session_index}, 1, 'session_index 1');
    is($first->{seq}, 1, 'seq 1');
    is($first->{new_visitor}, JSON::PP::true, 'new_visitor');
    is($first->{new_session}, JSON::PP::true, 'new_session');
    is($first->{landing}, JSON::PP::true, 'landing');
    ok(!defined $first->{since_prev_ms}, 'since_prev_ms null on a landing');
    ok(!defined $first->{prev_touchpoint}, 'prev_touchpoint null');
    like($first->{visitor}, qr/^[0-9a-f]{32}$/, 'visitor: 32 hex');
    like($first->{session}, qr/^[0-9a-f]{16}$/, 'session: 16 hex');

    is($r->{headers}{'x-visitor'}, $first->{visitor}, '$cx_visitor');
    is($r->{headers}{'x-session'}, $first->{session}, '$cx_session');
    is($r->{headers}{'x-session-index'}, '1', '$cx_session_index');
    is($r->{headers}{'x-seq'}, '1', '$cx_seq');
    is($r->{headers}{'x-new-session'}, '1', '$cx_new_session');

    # an image between the two pages changes nothing

    my $image = $t->get('/img/logo.png', 'User-Agent' => $CHROME,
        with_cookie($value));
    is($image->{status}, 200, 'image served');
    ok(!defined CX::Test::set_cookie($image), 'no Set-Cookie on an image');

    my $second = page($t, '/second', with_cookie($value));
    like(CX::Test::set_cookie($second), $COOKIE_RE, 're-issued, rolling');

    my @lines = $t->journey(2);
    my $line = $lines[1];
    is($line->{path}, '/second', 'the image wrote no line');
    is($line->{visitor}, $first->{visitor}, 'same visitor');
    is($line->{session}, $first->{session}, 'same session');
    is($line->{seq}, 2, 'seq 2');
    is($line->{session_index}, 1, 'same session_index');
    is($line->{new_visitor}, JSON::PP::false, 'not a new visitor');
    is($line->{new_session}, JSON::PP::false, 'not a new session');
    is($line->{landing}, JSON::PP::false, 'not a landing');
    like($line->{since_prev_ms}, qr/^\d+$/, 'since_prev_ms present');
    is($second->{headers}{'x-new-session'}, '0', '$cx_new_session 0');
};

subtest 'the session timeout: 31 minutes starts a new session, 29 not' => sub {
    my ($code, $old) = $t->cookie_tool('mint', '--secret', $secret,
        '--visitor', 'aa' x 16, '--session', 'bb' x 8, '--session-index', 3,
        '--seq', 7, '--last-seen', '-31m');
    is($code, 0, 'minted');
    my (undef, $recent) = $t->cookie_tool('mint', '--secret', $secret,
        '--visitor', 'aa' x 16, '--session', 'cc' x 8, '--session-index', 3,
        '--seq', 7, '--last-seen', '-29m');

    page($t, '/late', with_cookie($old));
    page($t, '/soon', with_cookie($recent));

    my ($late, $soon) = ($t->journey(4))[2, 3];
    is($late->{visitor}, 'aa' x 16, 'same visitor after 31 minutes');
    isnt($late->{session}, 'bb' x 8, 'a new session after 31 minutes');
    is($late->{session_index}, 4, 'session_index + 1');
    is($late->{seq}, 1, 'seq 1');
    is($late->{new_session}, JSON::PP::true, 'new_session');
    is($late->{new_visitor}, JSON::PP::false, 'not a new visitor');
    ok(!defined $late->{since_prev_ms}, 'a landing has no since_prev_ms');

    is($soon->{session}, 'cc' x 8, 'the same session after 29 minutes');
    is($soon->{seq}, 8, 'seq + 1');
    is($soon->{session_index}, 3, 'same session_index');
    ok($soon->{since_prev_ms} >= 29 * 60 * 1000
        && $soon->{since_prev_ms} < 30 * 60 * 1000, 'since_prev_ms 29 min');
};

subtest 'a new campaign starts a new session' => sub {
    my (undef, $value) = $t->cookie_tool('mint', '--secret', $secret,
        '--visitor', 'dd' x 16, '--session', 'ee' x 8, '--campaign',
        'spring sale', '--last-seen', '-1m', '--seq', 2);

    page($t, '/?utm_campaign=spring%20sale', with_cookie($value));
    page($t, '/?utm_campaign=summer', with_cookie($value));

    my ($same, $new) = ($t->journey(6))[4, 5];
    is($same->{session}, 'ee' x 8, 'the same campaign keeps the session');
    is($same->{seq}, 3, 'seq goes on');
    isnt($new->{session}, 'ee' x 8, 'another campaign: a new session');
    is($new->{seq}, 1, 'seq 1');
    is($new->{session_index}, 2, 'session_index + 1');
};

subtest 'forged and broken cookies are a new visitor' => sub {
    my (undef, $good) = $t->cookie_tool('mint', '--secret', $secret,
        '--visitor', '11' x 16, '--last-seen', '-1m');

    my (undef, $version) = $t->cookie_tool('mint', '--secret', $secret,
        '--version', 2);
    my (undef, $key_id) = $t->cookie_tool('mint', '--secret', $secret,
        '--key-id', 7);

    my %reasons = (
        bad_base64 => '!!!not base64!!!',
        bad_length => encode_base64url('x' x 30),
        bad_tag => flip($good, 40),
        bad_version => $version,
        unknown_key => $key_id,
        too_long => 'A' x 300,
    );

    my $before = count_rejections($t);

    for my $reason (sort keys %reasons) {
        my $r = page($t, "/forged?$reason", with_cookie($reasons{$reason}));
        is($r->{status}, 200, "$reason: served");
        my $issued = CX::Test::cookie_value($r);
        my (undef, $json) = $t->cookie_tool('decode', '--secret', $secret,
            $issued // '');
        my $state = eval { $t->json->decode($json) } // {};
        ok($state->{valid}, "$reason: a fresh cookie is issued");
        is($state->{seq}, 1, "$reason: seq 1");
    }

    my @lines = $t->journey(6 + keys %reasons);
    my @forged = grep { $_->{path} eq '/forged' } @lines;
    is(scalar @forged, scalar keys %reasons, 'a line for each');
    ok(!grep({ !$_->{new_visitor} } @forged), 'every one a new visitor');

    my $log = $t->read_file('logs/error.log');
    for my $reason (sort keys %reasons) {
        like($log, qr/\[info\] .*cx: cookie "cx" rejected \($reason\), a new visitor/,
            "$reason: info line with the reason");
    }
    is(count_rejections($t) - $before, scalar keys %reasons,
        'one info line per rejected cookie');
};

subtest '2000 mutated cookies: none accepted, nginx keeps serving' => sub {
    my (undef, $good) = $t->cookie_tool('mint', '--secret', $secret,
        '--visitor', '22' x 16, '--last-seen', '-1m');
    my $bytes = decode_base64url($good);

    srand(20261201);
    my %sent;

    while (keys %sent < 2000) {
        my $kind = int rand 5;
        my $mutated;

        if ($kind == 0) {       # a bit flipped in the signed bytes
            my $b = $bytes;
            my $at = int rand length $b;
            substr($b, $at, 1) = chr(ord(substr($b, $at, 1))
                ^ (1 << int rand 8));
            $mutated = encode_base64url($b);
        } elsif ($kind == 1) {  # truncated
            $mutated = substr($good, 0, int rand length $good);
        } elsif ($kind == 2) {  # extended
            $mutated = $good . join '', map {
                ('A' .. 'Z', 'a' .. 'z', 0 .. 9, '-', '_')[rand 64] }
                1 .. 1 + int rand 8;
        } elsif ($kind == 3) {  # another key id, same tag
            my $b = $bytes;
            substr($b, 1, 1) = chr((ord(substr($b, 1, 1)) + 1 + int rand 255)
                % 256);
            $mutated = encode_base64url($b);
        } else {                # base64 garbage
            $mutated = join '', map { chr(33 + int rand 94) }
                1 .. 1 + int rand 120;
            $mutated =~ s/[;,\s"\\]/x/g;
        }

        next if $mutated eq $good || $mutated eq '';
        $sent{$mutated} = 1;
    }

    my $accepted = 0;
    my $served = 0;
    my $n = 0;

    for my $mutated (keys %sent) {
        my $r = page($t, '/mutated?n=' . $n++, with_cookie($mutated));
        $served++ if $r->{status} == 200;
        my $h = $r->{headers}{'x-visitor'} // '';
        $accepted++ if $h eq '22' x 16;
    }

    is($served, 2000, 'all 2000 served');
    is($accepted, 0, 'none accepted: each got a new visitor');
    is(page($t, '/after')->{status}, 200, 'and nginx keeps serving');
};

$t->stop;

subtest 'key rotation: B signs, A still verifies' => sub {
    my $a = CX::Test->new;
    my $key_a = $a->write_file('a.key', "the old secret, rotated out soon\n");
    my $key_b = $a->write_file('b.key', "the new secret, signing from now\n");

    my (undef, $signed_a) = $a->cookie_tool('mint', '--secret', $key_a,
        '--visitor', '33' x 16, '--last-seen', '-1m', '--seq', 5);

    $a->start(site() =~ s{cx_secret %%SECRET%%;}
        {cx_secret $key_b;\n    cx_secret $key_a;}r);

    my $r = page($a, '/rotated', with_cookie($signed_a));
    is($r->{headers}{'x-visitor'}, '33' x 16, 'a cookie of A is accepted');
    is($r->{headers}{'x-seq'}, '6', 'its session goes on');

    my $issued = CX::Test::cookie_value($r);
    my ($code, $json) = $a->cookie_tool('decode', '--secret', $key_b,
        $issued);
    is($code, 0, 're-issued signed with B');
    ($code) = $a->cookie_tool('decode', '--secret', $key_a, $issued);
    is($code, 1, 'and no longer with A');
    $a->stop;

    my $b = CX::Test->new;
    $b->start(site() =~ s{cx_secret %%SECRET%%;}{cx_secret $key_b;}r);
    $r = page($b, '/b-only', with_cookie($signed_a));
    isnt($r->{headers}{'x-visitor'}, '33' x 16, 'B alone: a new visitor');
    like($b->read_file('logs/error.log'), qr/cookie "cx" rejected \(unknown_key\)|rejected \(bad_tag\)/,
        'rejected for its key');
    $b->stop;
};

# Each configuration keeps the cookies it signed, to know them again
# without verifying them: none outlives its keys.
subtest 'a cookie signed here is refused once its key is gone' => sub {
    my $n = CX::Test->new;
    my $key_a = $n->write_file('a.key', "the only secret, until the reload\n");
    my $key_b = $n->write_file('b.key', "the secret that replaces it, 32+\n");

    $n->start(site() =~ s{cx_secret %%SECRET%%;}{cx_secret $key_a;}r);

    my $first = page($n, '/first');
    my $issued = CX::Test::cookie_value($first);
    my $r = page($n, '/again', with_cookie($issued));
    is($r->{headers}{'x-visitor'}, $first->{headers}{'x-visitor'},
        'sent back, the visitor stays');
    is($r->{headers}{'x-seq'}, '2', 'and the session goes on');
    $r = page($n, '/again', with_cookie($issued));
    is($r->{headers}{'x-seq'}, '2', 'sent again, the same answer');

    my @old = $n->worker_pids;
    $n->reload(site() =~ s{cx_secret %%SECRET%%;}{cx_secret $key_b;}r);
    $n->wait_until(sub { !grep { CX::Test::alive($_) } @old },
        'the old workers to exit');

    $r = page($n, '/after', with_cookie($issued));
    isnt($r->{headers}{'x-visitor'}, $first->{headers}{'x-visitor'},
        'with B alone, the cookie A signed is refused');
    is($r->{headers}{'x-seq'}, '1', 'a new visitor');
    like($n->read_file('logs/error.log'),
        qr/cookie "cx" rejected \(unknown_key\)/, 'for its key');
    $n->stop;
};

subtest 'two nodes with one secret continue one journey' => sub {
    my $one = CX::Test->new;
    my $two = CX::Test->new;
    my $shared = $one->write_file('fleet.key', "one secret for the fleet, 32+ bytes\n");
    my $conf = site() =~ s{cx_secret %%SECRET%%;}{cx_secret $shared;}r;
    $one->start($conf);
    $two->start($conf);

    my $r = page($one, '/node-one');
    my $value = CX::Test::cookie_value($r);
    $r = page($two, '/node-two', with_cookie($value));
    $value = CX::Test::cookie_value($r);
    $r = page($one, '/node-one-again', with_cookie($value));

    my ($a1, $a2) = $one->journey(2);
    my ($b1) = $two->journey(1);
    is($b1->{visitor}, $a1->{visitor}, 'the second node knows the visitor');
    is($b1->{session}, $a1->{session}, 'and the session');
    is($b1->{seq}, 2, 'seq 2 on the second node');
    is($a2->{seq}, 3, 'seq 3 back on the first');
    is($b1->{new_visitor}, JSON::PP::false, 'not new on the second node');

    $one->stop;
    $two->stop;
};

subtest 'DNT and Sec-GPC: no cookie, no visitor, a daily anonymous session' => sub {
    my $p = CX::Test->new;
    $p->start(site());

    my $r1 = page($p, '/dnt', DNT => 1);
    my $r2 = page($p, '/dnt-again', DNT => 1);
    my $r3 = page($p, '/gpc', 'Sec-GPC' => 1);
    my $r4 = $p->get('/other-agent', 'User-Agent' => 'Mozilla/5.0 Firefox/133.0',
        DNT => 1);

    my (undef, $value) = $p->cookie_tool('mint', '--secret',
        $p->prefix . '/cx.key', '--last-seen', '-1m');
    my $r5 = page($p, '/dnt-with-cookie', DNT => 1, with_cookie($value));
    my $r6 = page($p, '/dnt-zero', DNT => 0);

    ok(!defined CX::Test::set_cookie($r1), 'DNT: no Set-Cookie');
    ok(!defined CX::Test::set_cookie($r3), 'Sec-GPC: no Set-Cookie');
    is(CX::Test::set_cookie($r5),
        'cx=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
        'DNT with a cookie: the cookie is expired');
    ok(!defined $r1->{headers}{'x-visitor'}, '$cx_visitor empty');
    like(CX::Test::set_cookie($r6), $COOKIE_RE, 'DNT: 0 is no signal');

    my @lines = $p->journey(6);
    my ($dnt, $again, $gpc, $other, $with) = @lines[0 .. 4];
    ok(!defined $dnt->{visitor}, 'visitor null');
    like($dnt->{session}, qr/^[0-9a-f]{16}$/, 'a cookieless session id');
    is($again->{session}, $dnt->{session}, 'the same for the same visitor');
    is($gpc->{session}, $dnt->{session}, 'Sec-GPC: the same too');
    isnt($other->{session}, $dnt->{session}, 'another agent: another id');
    is($with->{session}, $dnt->{session}, 'a cookie sent changes nothing');
    is($r1->{headers}{'x-session'}, $dnt->{session}, '$cx_session');
    ok(!defined $dnt->{seq} && !defined $dnt->{session_index}
        && !defined $dnt->{new_visitor} && !defined $dnt->{landing},
        'nothing counted across requests');
    like($lines[5]{visitor}, qr/^[0-9a-f]{32}$/, 'DNT: 0 has a visitor');

    $p->stop;
};

subtest 'cx_cookie attributes' => sub {
    my $c = CX::Test->new;
    $c->start(site(<<'CONF'));
    cx_cookie shop_cx domain=shop.example path=/store max_age=1d samesite=strict secure;
CONF
    my $r = page($c, '/attrs');
    like(CX::Test::set_cookie($r, 'shop_cx'),
        qr/^shop_cx=[A-Za-z0-9_-]{92}; Max-Age=86400; Path=\/store; Domain=shop\.example; HttpOnly; SameSite=Strict; Secure$/,
        'name, domain, path, max_age, samesite, secure');
    $c->stop;

    my $n = CX::Test->new;
    $n->start(site("    cx_cookie cx samesite=none;\n"));
    like(CX::Test::set_cookie(page($n, '/none')),
        qr/^cx=\S+; Max-Age=34560000; Path=\/; HttpOnly; SameSite=None; Secure$/,
        'SameSite=None is always Secure');
    $n->stop;
};

subtest 'https: Secure without being asked' => sub {
    my $s = CX::Test->new;
    my $dir = $s->prefix;
    system("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        . "-keyout $dir/tls.key -out $dir/tls.crt >/dev/null 2>&1") == 0
        or die "openssl failed";

    $s->start(site() =~ s{listen 127.0.0.1:%%PORT%%;}
        {listen 127.0.0.1:%%PORT%%;\n        listen 127.0.0.1:%%PORT_tls%% ssl;\n        ssl_certificate $dir/tls.crt;\n        ssl_certificate_key $dir/tls.key;}r);

    my $port = $s->port('tls');
    my $head = `curl -sk -o /dev/null -D - -A '$CHROME' https://127.0.0.1:$port/tls`;
    my ($cookie) = $head =~ /^Set-Cookie: (cx=.*?)\r?$/mi;
    like($cookie, qr/; HttpOnly; SameSite=Lax; Secure$/, 'Secure on https');
    unlike(CX::Test::set_cookie(page($s, '/plain')) // '', qr/Secure/,
        'not on plain http');
    $s->stop;
};

subtest 'nginx -t errors' => sub {
    my $e = CX::Test->new;
    my $short = $e->write_file('short.key', "too short\n");
    my $prefix = $e->prefix;

    my @cases = (
        [ 'cx_secret %%PREFIX%%/missing.key;',
          qr/\[emerg\] .*cx_secret "\Q$prefix\E\/missing\.key" cannot be opened \(2: No such file or directory\) in \S+test\.conf:\d+/,
          'a missing secret file' ],
        [ "cx_secret $short;",
          qr/\[emerg\] .*cx_secret "\Q$short\E" holds 10 bytes, it must hold 16 to 65536 in \S+test\.conf:\d+/,
          'a short secret file' ],
        [ 'cx_cookie cx max_age=forever;',
          qr/\[emerg\] .*invalid max_age "forever" in \S+test\.conf:\d+/,
          'a bad max_age' ],
        [ 'cx_cookie cx samesite=sometimes;',
          qr/\[emerg\] .*invalid samesite "sometimes", it must be "strict", "lax" or "none" in \S+test\.conf:\d+/,
          'a bad samesite' ],
        [ 'cx_cookie c;x;',
          qr/\[emerg\] /,
          'a bad cookie name' ],
        [ 'cx_cookie cx flavour=mint;',
          qr/\[emerg\] .*unknown cx_cookie parameter "flavour=mint" in \S+test\.conf:\d+/,
          'an unknown parameter' ],
        [ 'cx_session_timeout soon;',
          qr/\[emerg\] .*invalid value "soon" in "cx_session_timeout" directive|\[emerg\] .*"cx_session_timeout" directive invalid value/,
          'a bad session timeout' ],
    );

    for my $case (@cases) {
        my ($directive, $expect, $name) = @$case;
        my ($ok, $out) = $e->nginx_test(site("    $directive"));
        ok(!$ok, "$name: nginx -t fails");
        like($out, $expect, "$name: the message") or diag($out);
    }

    my ($ok, $out) = $e->nginx_test(site() =~ s/    cx_secret %%SECRET%%;\n//r);
    ok(!$ok, 'cx on without cx_secret fails');
    like($out, qr/\[emerg\] .*cx_secret is required where "cx" is on/,
        'cx_secret is required');
};

subtest 'a quoted cookie value (RFC 6265) is the same cookie' => sub {
    my $q = CX::Test->new;
    $q->start(site());

    my $r = page($q, '/first');
    my $value = CX::Test::cookie_value($r);
    my ($first) = $q->journey(1);

    $r = page($q, '/quoted', Cookie => "a=1; cx=\"$value\"; b=2");
    my ($quoted) = ($q->journey(2))[1];
    is($quoted->{visitor}, $first->{visitor}, 'the same visitor');
    is($quoted->{session}, $first->{session}, 'the same session');
    is($quoted->{seq}, 2, 'the next page of it');
    is($r->{headers}{'x-seq'}, 2, '$cx_seq too');

    # only a matched pair: a quote alone is a bad cookie
    page($q, '/half', Cookie => "cx=\"$value");
    my ($half) = ($q->journey(3))[2];
    isnt($half->{visitor}, $first->{visitor}, 'one quote: a new visitor');

    is(count_rejections($q), 1, 'only the unmatched quote rejected');
    like($q->read_file('logs/error.log'),
        qr/cookie "cx" rejected \(bad_base64\)[^\n]*"GET \/half /,
        'as bad base64');

    $q->stop;
};

# nginx 1.23 and later keep the Cookie headers in a list, 1.22 in an array
subtest 'the cookie in the third of three Cookie headers' => sub {
    my $q = CX::Test->new;
    $q->start(site());

    my $value = CX::Test::cookie_value(page($q, '/first'));
    my ($first) = $q->journey(1);

    my $r = page($q, '/third', Cookie => 'a=1', Cookie => 'b=2; c=3',
        Cookie => "d=4; cx=$value");
    my ($third) = ($q->journey(2))[1];
    is($third->{visitor}, $first->{visitor}, 'the same visitor');
    is($third->{seq}, 2, 'the next page of its session');
    is($r->{headers}{'x-seq'}, 2, '$cx_seq too');

    $q->stop;
};

subtest 'a refused cookie counts once, on the page view that replaces it'
    => sub {
    my $m = CX::Test->new;
    $m->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_metrics_zone cx 1m;

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            return 200 "<p>page</p>";
        }

        location /api/ {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location = /cx/feedback {
            cx_beacon;
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF
    $m->echo_backend;

    my $value = CX::Test::cookie_value(page($m, '/'));
    my $forged = flip($value, 30);

    # a page's proxied API calls (POSTs: no page views) and a beacon, all
    # with the forged cookie
    for my $n (1 .. 5) {
        my $r = $m->request('POST', "/api/$n", content => '{}', headers => [
            'User-Agent' => $CHROME, with_cookie($forged)]);
        like($r->{content}, qr/"uri":"\/api\/$n"/, "API call $n proxied");
    }
    is(page($m, '/cx/feedback?score=4', with_cookie($forged))->{status}, 204,
        'a beacon');

    my $metrics = $m->get('/metrics')->{content};
    like($metrics, qr/^cx_cookie_rejected_total\{reason="bad_tag"\} 0$/m,
        'nothing counted without a page view');

    my $r = page($m, '/page', with_cookie($forged));
    ok(defined CX::Test::cookie_value($r), 'the page view re-issues it');
    $m->request('POST', '/api/after', content => '{}', headers => [
        'User-Agent' => $CHROME, with_cookie($forged)]);

    $metrics = $m->get('/metrics')->{content};
    like($metrics, qr/^cx_cookie_rejected_total\{reason="bad_tag"\} 1$/m,
        'counted once, for that page view');
    is(count_rejections($m), 8, 'while each request logs its info line')
        or diag($m->read_file('logs/error.log'));

    $m->stop;
};

done_testing();

sub flip {
    my ($value, $at) = @_;
    my $bytes = decode_base64url($value);
    substr($bytes, $at, 1) = chr(ord(substr($bytes, $at, 1)) ^ 0x01);
    return encode_base64url($bytes);
}

sub count_rejections {
    my ($t) = @_;
    my $log = $t->read_file('logs/error.log') // '';
    my @lines = $log =~ /cx: cookie "cx" rejected/g;
    return scalar @lines;
}
