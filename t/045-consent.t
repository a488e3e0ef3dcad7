# Consent: where cx_consent is set, only a visitor whose variable says yes
# gets the cookie; without consent the request is tracked as a DNT one, a
# cookie the visitor still has is expired, and the line says which it was.
# The consent platforms' recipes are README's own, read from it.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $COOKIE_RE = qr/^cx=([A-Za-z0-9_-]{92}); Max-Age=34560000; Path=\/; HttpOnly; SameSite=Lax$/;
my $EXPIRED = 'cx=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax';
my $BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; '
    . '+http://www.google.com/bot.html)';

sub site {
    my ($http, $server) = @_;
    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_metrics_zone cx 256k;
    cx_touchpoint ~^/ page;
$http

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;
$server

        location / {
            add_header X-Visitor "[\$cx_visitor]";
            add_header X-Session "[\$cx_session]";
            return 200 "<p>page</p>";
        }

        location /shop/ {
            cx_cookie cx domain=shop.example path=/shop;
            return 200 "<p>shop</p>";
        }

        location /proxy/ {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location = /metrics {
            cx_metrics;
        }

        location = /cx/feedback {
            cx_beacon;
        }
    }

    server {
        listen 127.0.0.1:%%PORT_plain%%;
        default_type text/html;

        location / {
            return 200 "<p>no consent asked</p>";
        }
    }
CONF
}

# the line of the page view of a path, once the log has $count lines
sub line_of {
    my ($t, $count, $path) = @_;
    my @lines = grep { ($_->{path} // '') eq $path } $t->journey($count);
    is(scalar @lines, 1, "one line for $path");
    return $lines[0] // {};
}

my $t = CX::Test->new;
$t->echo_backend;
$t->start(site('', '        cx_consent $cookie_analytics;'));

my $lines = 0;

subtest 'no consent: no cookie, no visitor, an anonymous session' => sub {
    my $r = $t->get('/none');
    my $line = line_of($t, ++$lines, '/none');

    is(CX::Test::set_cookie($r), undef, 'no Set-Cookie');
    is($r->{headers}{'x-visitor'}, '[]', '$cx_visitor empty');
    like($r->{headers}{'x-session'}, qr/^\[[0-9a-f]{16}\]$/,
        '$cx_session: the anonymous one');
    is($line->{visitor}, undef, 'visitor null');
    like($line->{session} // '', qr/^[0-9a-f]{16}$/, 'a cookieless session');
    is("[$line->{session}]", $r->{headers}{'x-session'}, 'the same');
    is($line->{seq}, undef, 'seq null');
    is($line->{consent}, JSON::PP::false, 'consent false');

    for my $value ('0', '') {
        my $path = "/none-$value";
        $r = $t->get($path, Cookie => "analytics=$value");
        is(CX::Test::set_cookie($r), undef, "analytics=$value: no cookie");
        $line = line_of($t, ++$lines, $path);
        is($line->{visitor}, undef, "analytics=$value: visitor null");
        is($line->{consent}, JSON::PP::false,
            "analytics=$value: consent false");
    }
};

my $cookie;

subtest 'consent given: the cookie and a visitor' => sub {
    my $r = $t->get('/given', Cookie => 'analytics=1');
    my $line = line_of($t, ++$lines, '/given');

    like(CX::Test::set_cookie($r), $COOKIE_RE, 'Set-Cookie');
    $cookie = CX::Test::cookie_value($r);
    like($line->{visitor} // '', qr/^[0-9a-f]{32}$/, 'a visitor');
    is($r->{headers}{'x-visitor'}, "[$line->{visitor}]", '$cx_visitor');
    is($line->{seq}, 1, 'seq 1');
    is($line->{consent}, JSON::PP::true, 'consent true');

    # any value but "" and "0" is a yes
    $r = $t->get('/given-again', Cookie => "analytics=yes; cx=$cookie");
    $line = line_of($t, ++$lines, '/given-again');
    like(CX::Test::set_cookie($r), $COOKIE_RE, 'analytics=yes: Set-Cookie');
    is($line->{visitor}, $r->{headers}{'x-visitor'} =~ s/^\[|\]$//gr,
        'the same visitor');
    is($line->{seq}, 2, 'seq 2');
    is($line->{consent}, JSON::PP::true, 'consent true');
};

subtest 'consent withdrawn: the cookie is expired' => sub {
    my $r = $t->get('/withdrawn', Cookie => "analytics=0; cx=$cookie");
    my $line = line_of($t, ++$lines, '/withdrawn');

    is(CX::Test::set_cookie($r), $EXPIRED, 'Set-Cookie: cx=; Max-Age=0');
    is(scalar(grep { lc $_->[0] eq 'set-cookie' } @{ $r->{fields} }), 1,
        'one Set-Cookie');
    is($r->{headers}{'x-visitor'}, '[]', '$cx_visitor empty');
    is($line->{visitor}, undef, 'visitor null');
    is($line->{seq}, undef, 'seq null');
    is($line->{consent}, JSON::PP::false, 'consent false');

    # the expiry carries the cookie's own Path and Domain
    $r = $t->get('/shop/withdrawn', Cookie => "cx=$cookie");
    is(CX::Test::set_cookie($r),
        'cx=; Max-Age=0; Path=/shop; Domain=shop.example; HttpOnly; '
        . 'SameSite=Lax', 'with cx_cookie path= and domain=: the same ones');
    $lines++;

    # a cookie of ours that is not valid goes the same way
    $r = $t->get('/withdrawn-bad', Cookie => 'cx=garbage');
    is(CX::Test::set_cookie($r), $EXPIRED, 'an invalid cookie is expired');
    $lines++;
};

subtest 'DNT wins over consent given' => sub {
    my $r = $t->get('/dnt-given', Cookie => 'analytics=1', DNT => 1);
    my $line = line_of($t, ++$lines, '/dnt-given');

    is(CX::Test::set_cookie($r), undef, 'no Set-Cookie');
    is($line->{visitor}, undef, 'visitor null');
    is($line->{consent}, JSON::PP::true,
        'consent true: the banner\'s answer, as it was');

    $r = $t->get('/gpc-given', Cookie => "analytics=1; cx=$cookie",
        'Sec-GPC' => 1);
    is(CX::Test::set_cookie($r), $EXPIRED,
        'Sec-GPC with a cookie: expired although consent was given');
    $lines++;
};

subtest 'X-CX-* headers without consent are a DNT visitor\'s' => sub {
    my %seen;

    for my $case (['none', []], ['dnt', [DNT => 1]],
        ['given', [Cookie => 'analytics=1']])
    {
        my ($name, $headers) = @$case;
        my $r = $t->get("/proxy/$name", @$headers);
        my $echo = $t->json->decode($r->{content});
        $seen{$name} = [ map { "$_->[0]: $_->[1]" }
            grep { $_->[0] =~ /^x-cx-/i } @{ $echo->{headers} } ];
        $lines++;
    }

    my ($session) = map { /^X-CX-Session: (.*)/ ? $1 : () } @{ $seen{dnt} };
    like($session // '', qr/^[0-9a-f]{16}$/, 'DNT: an anonymous session');
    is_deeply($seen{none}, [
        "X-CX-Session: " . ($session // ''),
        'X-CX-Touchpoint: page',
        'X-CX-Channel: direct',
        'X-CX-Device: desktop',
    ], 'no consent: exactly the DNT visitor\'s') or diag(explain(\%seen));
    is_deeply($seen{none}, $seen{dnt}, 'the same as DNT\'s');
    ok((grep { /^X-CX-Visitor: [0-9a-f]{32}$/ } @{ $seen{given} }),
        'consent given: X-CX-Visitor');
};

subtest 'a beacon without consent is a DNT visitor\'s too' => sub {
    my $post = sub {
        my ($consent) = @_;
        return $t->request('POST', '/cx/feedback', content => 'score=4',
            headers => [
                'Content-Type' => 'application/x-www-form-urlencoded',
                Cookie => "analytics=$consent; cx=$cookie",
            ]);
    };

    is($post->(0)->{status}, 204, 'no consent: 204');
    is($post->(1)->{status}, 204, 'consent: 204');
    $lines += 2;

    my ($refused, $given) = ($t->journey($lines))[-2, -1];
    is($refused->{event}, 'feedback', 'a feedback line');
    is($refused->{visitor}, undef, 'no consent: visitor null');
    like($refused->{session} // '', qr/^[0-9a-f]{16}$/,
        'no consent: the anonymous session');
    is($refused->{consent}, JSON::PP::false, 'no consent: consent false');
    like($given->{visitor} // '', qr/^[0-9a-f]{32}$/,
        'consent: the cookie\'s visitor');
    is($given->{consent}, JSON::PP::true, 'consent: consent true');
};

subtest 'where cx_consent is not set: no consent member' => sub {
    my $r = $t->request('GET', '/plain', port => 'plain');
    like(CX::Test::set_cookie($r), $COOKIE_RE, 'Set-Cookie');
    my $line = line_of($t, ++$lines, '/plain');
    ok(!exists $line->{consent}, 'no "consent" in the line');
    like($line->{visitor} // '', qr/^[0-9a-f]{32}$/, 'a visitor');
};

subtest 'metrics: page views by consent' => sub {
    my $m = CX::Test->new;
    $m->start(site('', '        cx_consent $cookie_analytics;'));

    $m->get('/', Cookie => 'analytics=1') for 1 .. 3;
    $m->get('/') for 1 .. 2;
    $m->get('/', Cookie => 'analytics=0');
    $m->get('/', Cookie => 'analytics=1', DNT => 1);
    $m->get('/', 'User-Agent' => $BOT, Cookie => 'analytics=1');
    $m->request('GET', '/', port => 'plain') for 1 .. 2;

    my %v = $m->metrics;
    is($v{'cx_consent_page_views_total{consent="given"}'}, 4,
        'given: 3, and the DNT visitor who consented');
    is($v{'cx_consent_page_views_total{consent="refused"}'}, 3,
        'refused: no banner cookie twice, a 0 once');
    is($v{'cx_page_views_total{touchpoint="page"}'}, 9,
        'page views: 7 where consent was asked, 2 where it was not, which '
        . 'count in neither consent series');
    is($v{'cx_bot_requests_total'}, 1, 'the bot: in neither');
    is($v{'cx_visitors_new_total'}, 5,
        'new visitors: 3 with consent, 2 where it was not asked');

    $m->stop;
};

# the ```nginx blocks of README's cx_consent section, by the cookie they read
open my $fh, '<', CX::Test::root() . '/README.md' or die "README.md: $!";
my $readme = do { local $/; <$fh> };
close $fh;
my ($section) = $readme =~ /\n### cx_consent\n(.*?)\n### /s;
my %recipe;
for my $block (($section // '') =~ /```nginx\n(.*?)```/sg) {
    my ($source) = $block =~ /^map (\$\S+) \$cx_consent_given \{/m
        or next;
    $recipe{$source} = $block;
}

is_deeply([sort keys %recipe],
    ['$cookie_CookieConsent', '$cookie_OptanonConsent', '$http_cookie'],
    'README has the three recipes');

my $ONETRUST = 'isGpcEnabled=0&datestamp=Thu+Dec+03+2026+11%3A02%3A17+'
    . 'GMT%2B0100+(Central+European+Standard+Time)&version=202409.1.0&'
    . 'browserGpcFlag=0&isIABGlobal=false&hosts=&consentId=5f1c7e2a-0d4b-'
    . '4c3e-9a1f-2b7d8e6c4a10&interactionCount=1&isAnonUser=1&landingPath='
    . 'NotLandingPage&groups=GROUPS&AwaitingReconsent=false';
my $COOKIEBOT = '{stamp:%%27hRbaAXhVSyPxd6w6uT7RcgOimVz9zqMlvUGqq1NDDw2r'
    . 'CNWMJ9cdbg==%%27%%2Cnecessary:true%%2Cpreferences:%s%%2C'
    . 'statistics:%s%%2Cmarketing:%s%%2Cmethod:%%27explicit%%27%%2Cver:1'
    . '%%2Cutc:1796295737000%%2Cregion:%%27de%%27}';
my $COOKIEYES = 'consentid:TnZvN2F3OUpUN0VqWmRrV0RxTkJzM2hpS2xDNmVnWWk,'
    . 'consent:%s,action:yes,necessary:yes,functional:%s,analytics:%s,'
    . 'performance:%s,advertisement:%s,other:no';

sub onetrust { $ONETRUST =~ s/GROUPS/$_[0]/r }

# [recipe, what, Cookie header, consent]
my @platforms = (
    ['$cookie_OptanonConsent', 'OneTrust: all accepted',
        'OptanonConsent=' . onetrust(
            'C0001%3A1%2CC0002%3A1%2CC0003%3A1%2CC0004%3A1'), 1],
    ['$cookie_OptanonConsent', 'OneTrust: performance only, last',
        'a=1; OptanonConsent=' . onetrust(
            'C0001%3A1%2CC0003%3A0%2CC0004%3A0%2CC0002%3A1') . '; b=2', 1],
    ['$cookie_OptanonConsent', 'OneTrust: all but performance',
        'OptanonConsent=' . onetrust(
            'C0001%3A1%2CC0002%3A0%2CC0003%3A1%2CC0004%3A1'), 0],
    ['$cookie_OptanonConsent', 'OneTrust: necessary only',
        'OptanonConsent=' . onetrust('C0001%3A1'), 0],
    ['$cookie_OptanonConsent', 'OneTrust: no banner cookie yet',
        'other=groups=C0002%3A1', 0],
    ['$cookie_CookieConsent', 'Cookiebot: statistics accepted',
        'CookieConsent=' . sprintf($COOKIEBOT, 'false', 'true', 'false'), 1],
    ['$cookie_CookieConsent', 'Cookiebot: all but statistics',
        'CookieConsent=' . sprintf($COOKIEBOT, 'true', 'false', 'true'), 0],
    ['$cookie_CookieConsent', 'Cookiebot: no banner cookie yet', 'a=1', 0],
    ['$http_cookie', 'CookieYes: analytics accepted',
        'a=1; cookieyes-consent=' . sprintf($COOKIEYES, qw(yes no yes no no)),
        1],
    ['$http_cookie', 'CookieYes: first and alone',
        'cookieyes-consent=' . sprintf($COOKIEYES, qw(yes yes yes yes yes)),
        1],
    ['$http_cookie', 'CookieYes: all but analytics',
        'cookieyes-consent=' . sprintf($COOKIEYES, qw(yes yes no yes yes)),
        0],
    ['$http_cookie', 'CookieYes: another cookie\'s analytics:yes',
        'not-cookieyes-consent=analytics:yes; cookieyes-consent='
        . sprintf($COOKIEYES, qw(no no no no no)), 0],
);

for my $source (sort keys %recipe) {
    my @cases = grep { $_->[0] eq $source } @platforms;

    subtest "README's recipe for $source" => sub {
        my $p = CX::Test->new;
        $p->echo_backend;
        $p->start(site($recipe{$source} =~ s/^/    /gmr, ''));

        my $n = 0;

        for my $case (@cases) {
            my (undef, $what, $header, $given) = @$case;
            my $path = '/p' . ++$n;
            my $r = $p->get($path, Cookie => $header);

            if ($given) {
                like(CX::Test::set_cookie($r), $COOKIE_RE,
                    "$what: Set-Cookie");
            } else {
                is(CX::Test::set_cookie($r), undef, "$what: no Set-Cookie");
            }

            my $line = line_of($p, $n, $path);
            is($line->{consent}, $given ? JSON::PP::true : JSON::PP::false,
                "$what: consent " . ($given ? 'true' : 'false'));
            is(defined $line->{visitor}, !!$given,
                "$what: " . ($given ? 'a visitor' : 'visitor null'));
        }

        $p->stop;
    };
}

# nginx -t: the argument must be a variable

sub fails_with {
    my ($directive, $message, $name) = @_;

    my $c = CX::Test->new;
    my ($ok, $out) = $c->nginx_test(<<"CONF");
    cx on;
    cx_secret %%SECRET%%;

    server {
        listen 127.0.0.1:%%PORT%%;
        location / {
            $directive
        }
    }
CONF
    ok(!$ok, "$name: nginx -t fails");

    my $conf = $c->prefix . '/test.conf';
    my ($line) = $out =~ /\[emerg\] (?:\d+#\d+: )?\Q$message\E in \Q$conf\E:(\d+)/;
    ok($line, "$name: the message, at its file") or diag($out);

    my @conf = split /\n/, $c->read_file('test.conf');
    like($conf[($line // 1) - 1], qr/^\s+\Q$directive\E$/,
        "$name: the directive's line");
}

fails_with('cx_consent yes;',
    'invalid cx_consent "yes", it must be a variable such as '
    . '$cx_consent_given', 'a word');
fails_with('cx_consent 1;',
    'invalid cx_consent "1", it must be a variable such as '
    . '$cx_consent_given', 'a number');
fails_with('cx_consent $;',
    'invalid cx_consent "$", it must be a variable such as '
    . '$cx_consent_given', 'a lone $');
fails_with('cx_consent $cookie_a $cookie_b;',
    'invalid number of arguments in "cx_consent" directive', 'two');
# nginx itself names it, once the whole configuration is read
my ($ok, $out) = CX::Test->new->nginx_test(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_consent $no_such_variable;

    server {
        listen 127.0.0.1:%%PORT%%;
    }
CONF
ok(!$ok, 'an unknown variable: nginx -t fails');
like($out, qr/\[emerg\] (?:\d+#\d+: )?unknown "no_such_variable" variable$/m,
    'an unknown variable: nginx\'s message');

done_testing();
