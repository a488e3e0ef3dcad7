# Headers to the backend: no client header with one of our prefixes reaches
# it, however spelt (underscores, letter case), for visitors, DNT visitors
# and bots, through proxy_pass and FastCGI; after internal redirects the
# final location's prefix; a geo database's values become a header only
# when they are tokens.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use CX::MMDB;

my $t = CX::Test->new;
my $secret = $t->prefix . '/cx.key';

# 0.0.0.0/1 answers a country code, 128.0.0.0/1 one that would add a header
my $HOSTILE = "GB\r\nX-Injected: yes";
CX::MMDB::write($t->prefix . '/geo.mmdb',
    low => { country => { iso_code => 'GB' } },
    high => { country => { iso_code => $HOSTILE } });

my $GOOD_IP = '81.2.69.142';
my $HOSTILE_IP = '203.0.113.9';
my $BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; '
    . '+http://www.google.com/bot.html)';

$t->echo_backend;
$t->fastcgi_backend;
$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_geoip2 %%PREFIX%%/geo.mmdb;
    cx_touchpoint ~^/ page;

    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;

    server {
        listen 127.0.0.1:%%PORT%%;
        underscores_in_headers on;
        default_type text/html;

        location /proxy/ {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        # an access module's yes under "satisfy any" ends the access phase
        location /any/ {
            satisfy any;
            allow all;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location /php/ {
            fastcgi_pass 127.0.0.1:%%PORT_fastcgi%%;
            include /etc/nginx/fastcgi_params;
        }

        location /country/ {
            cx_log %%PREFIX%%/logs/country.log flush=50ms;
            add_header X-Country "[$cx_country]";
            return 200 "<p>country</p>";
        }

        # try_files into a named location with another prefix
        location /tf/ {
            try_files /nonexistent @app;
        }

        location @app {
            cx_header_prefix X-App-;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        # headers set for a failed upstream, then error_page elsewhere
        location /ep/ {
            cx_header_prefix X-A-;
            proxy_pass http://127.0.0.1:%%PORT_closed%%;
            error_page 502 = @b;
        }

        location @b {
            cx_header_prefix X-B-;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location /ep-same/ {
            proxy_pass http://127.0.0.1:%%PORT_closed%%;
            error_page 502 = @same;
        }

        location @same {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location /ep-quiet/ {
            proxy_pass http://127.0.0.1:%%PORT_closed%%;
            error_page 502 = @quiet;
        }

        location @quiet {
            cx_headers off;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location /ep-off/ {
            proxy_pass http://127.0.0.1:%%PORT_closed%%;
            error_page 502 = @off;
        }

        location @off {
            cx off;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location /rw/ {
            cx_header_prefix X-R-;
            rewrite ^/rw/(.*)$ /final/$1 last;
        }

        location /final/ {
            cx_header_prefix X-F-;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }
    }
CONF

my ($code, $cookie) = $t->cookie_tool('mint', '--secret', $secret,
    '--visitor', 'aa' x 16, '--session', 'bb' x 8, '--session-index', 2,
    '--seq', 4, '--last-seen', '-1m');
die "mint failed: $cookie" if $code;

# every spelling a backend reads as one of ours
my @SPOOFS = (
    'X_CX_Visitor' => 'evil-1',
    'x_cx_visitor' => 'evil-2',
    'X-Cx_Session' => 'evil-3',
    'X_CX_Session_Index' => 'evil-4',
    'x-CX-seq' => 'evil-5',
    'X_CX_Touchpoint' => 'admin',
    'X_Cx_Country' => 'XX',
    'X_CX_Segment' => 'loyal',
    'X_CX_Experience' => 'positive',
    'X_CX_Variants' => 'checkout=B',
    'X_CX_Anything' => 'evil-6',
);

# the headers the echo backend saw with any prefix of this test, in order
sub ours {
    my ($r) = @_;
    my $echo = $t->json->decode($r->{content});
    return [ map { "$_->[0]: $_->[1]" }
        grep { $_->[0] =~ /^x[-_](cx|app|a|b|r|f)[-_]/i }
        @{ $echo->{headers} } ];
}

my $session_re = qr/^[0-9a-f]{16}$/;

subtest 'proxy_pass: a visitor, a DNT visitor, a bot' => sub {
    my $r = $t->get('/proxy/p', Cookie => "cx=$cookie",
        'X-Forwarded-For' => $GOOD_IP, @SPOOFS);
    is($r->{status}, 200, 'proxied');
    is_deeply(ours($r), [
        'X-CX-Visitor: ' . 'aa' x 16,
        'X-CX-Session-Index: 2',
        'X-CX-Seq: 5',
        'X-CX-Segment: returning',
        'X-CX-Session: ' . 'bb' x 8,
        'X-CX-Touchpoint: page',
        'X-CX-Channel: direct',
        'X-CX-Device: desktop',
        'X-CX-Country: GB',
    ], 'a visitor: ours only') or diag(explain(ours($r)));

    $r = $t->get('/proxy/p', DNT => 1, 'X-Forwarded-For' => $GOOD_IP,
        @SPOOFS);
    my $got = ours($r);
    my ($session) = map { /^X-CX-Session: (.*)/ ? $1 : () } @$got;
    like($session // '', $session_re, 'a DNT visitor: an anonymous session');
    is_deeply($got, [
        "X-CX-Session: " . ($session // ''),
        'X-CX-Touchpoint: page',
        'X-CX-Channel: direct',
        'X-CX-Device: desktop',
        'X-CX-Country: GB',
    ], 'a DNT visitor: ours only') or diag(explain($got));

    $r = $t->get('/proxy/p', 'User-Agent' => $BOT,
        'X-Forwarded-For' => $GOOD_IP, @SPOOFS);
    is_deeply(ours($r), [
        'X-CX-Touchpoint: page',
        'X-CX-Channel: direct',
        'X-CX-Device: bot',
        'X-CX-Country: GB',
    ], 'a bot: ours only') or diag(explain(ours($r)));
};

subtest 'satisfy any: the drop runs before the access modules' => sub {
    my $r = $t->get('/any/p', 'User-Agent' => $BOT,
        'X-Forwarded-For' => $GOOD_IP, @SPOOFS);
    is($r->{status}, 200, 'allowed');
    is_deeply(ours($r), [
        'X-CX-Touchpoint: page',
        'X-CX-Channel: direct',
        'X-CX-Device: bot',
        'X-CX-Country: GB',
    ], 'a bot: ours only') or diag(explain(ours($r)));
};

subtest 'fastcgi_pass: a visitor, a DNT visitor, a bot' => sub {
    my $params = sub {
        my ($r) = @_;
        my $p = $t->json->decode($r->{content});
        return { map { $_ => $p->{$_} } grep { /^HTTP_X_CX_/ } keys %$p };
    };

    my $r = $t->get('/php/index.php', Cookie => "cx=$cookie",
        'X-Forwarded-For' => $GOOD_IP, @SPOOFS);
    is_deeply($params->($r), {
        HTTP_X_CX_VISITOR => 'aa' x 16,
        HTTP_X_CX_SESSION_INDEX => '2',
        HTTP_X_CX_SEQ => '5',
        HTTP_X_CX_SEGMENT => 'returning',
        HTTP_X_CX_SESSION => 'bb' x 8,
        HTTP_X_CX_TOUCHPOINT => 'page',
        HTTP_X_CX_CHANNEL => 'direct',
        HTTP_X_CX_DEVICE => 'desktop',
        HTTP_X_CX_COUNTRY => 'GB',
    }, 'a visitor: ours only') or diag(explain($params->($r)));

    $r = $t->get('/php/index.php', DNT => 1, 'X-Forwarded-For' => $GOOD_IP,
        @SPOOFS);
    my $got = $params->($r);
    like($got->{HTTP_X_CX_SESSION} // '', $session_re,
        'a DNT visitor: an anonymous session');
    is_deeply([sort keys %$got], [qw(HTTP_X_CX_CHANNEL HTTP_X_CX_COUNTRY
        HTTP_X_CX_DEVICE HTTP_X_CX_SESSION HTTP_X_CX_TOUCHPOINT)],
        'a DNT visitor: ours only') or diag(explain($got));
    is($got->{HTTP_X_CX_COUNTRY}, 'GB', 'a DNT visitor: the country');

    $r = $t->get('/php/index.php', 'User-Agent' => $BOT,
        'X-Forwarded-For' => $GOOD_IP, @SPOOFS);
    is_deeply($params->($r), {
        HTTP_X_CX_TOUCHPOINT => 'page',
        HTTP_X_CX_CHANNEL => 'direct',
        HTTP_X_CX_DEVICE => 'bot',
        HTTP_X_CX_COUNTRY => 'GB',
    }, 'a bot: ours only') or diag(explain($params->($r)));
};

# the module's headers of a visitor with the cookie above, with a prefix
sub visitor_headers {
    my ($prefix) = @_;
    return [ map { "$prefix$_" } 'Visitor: ' . 'aa' x 16, 'Session-Index: 2',
        'Seq: 5', 'Segment: returning', 'Session: ' . 'bb' x 8,
        'Touchpoint: page', 'Channel: direct', 'Device: desktop',
        'Country: GB' ];
}

subtest 'internal redirects: the final location\'s prefix' => sub {
    my @spoofs = map { ("$_-Visitor" => 'evil', "${_}_Seq" => 'evil') }
        qw(X-CX X-App X-A X-B X-R X-F);
    my @request = (Cookie => "cx=$cookie", 'X-Forwarded-For' => $GOOD_IP,
        @spoofs);

    my $r = $t->get('/tf/x', @request);
    is($r->{status}, 200, 'try_files: proxied from the named location');
    is_deeply(ours($r), [
        'X-A-Visitor: evil', 'X-A_Seq: evil',
        'X-B-Visitor: evil', 'X-B_Seq: evil',
        'X-R-Visitor: evil', 'X-R_Seq: evil',
        'X-F-Visitor: evil', 'X-F_Seq: evil',
        @{ visitor_headers('X-App-') },
    ], 'try_files: X-CX- and X-App- of the client dropped, X-App- ours')
        or diag(explain(ours($r)));

    $r = $t->get('/ep/x', @request);
    is($r->{status}, 200, 'error_page: proxied from the named location');
    is_deeply(ours($r), [
        'X-CX-Visitor: evil', 'X-CX_Seq: evil',
        'X-App-Visitor: evil', 'X-App_Seq: evil',
        'X-R-Visitor: evil', 'X-R_Seq: evil',
        'X-F-Visitor: evil', 'X-F_Seq: evil',
        @{ visitor_headers('X-B-') },
    ], 'error_page: X-A- and X-B- of the client dropped, X-A- ours taken '
        . 'back, X-B- ours') or diag(explain(ours($r)));

    $r = $t->get('/ep-same/x', @request);
    is_deeply(ours($r), [
        'X-App-Visitor: evil', 'X-App_Seq: evil',
        'X-A-Visitor: evil', 'X-A_Seq: evil',
        'X-B-Visitor: evil', 'X-B_Seq: evil',
        'X-R-Visitor: evil', 'X-R_Seq: evil',
        'X-F-Visitor: evil', 'X-F_Seq: evil',
        @{ visitor_headers('X-CX-') },
    ], 'error_page with the same prefix: ours once')
        or diag(explain(ours($r)));

    $r = $t->get('/ep-quiet/x', @request);
    is_deeply(ours($r), [
        'X-App-Visitor: evil', 'X-App_Seq: evil',
        'X-A-Visitor: evil', 'X-A_Seq: evil',
        'X-B-Visitor: evil', 'X-B_Seq: evil',
        'X-R-Visitor: evil', 'X-R_Seq: evil',
        'X-F-Visitor: evil', 'X-F_Seq: evil',
    ], 'error_page into cx_headers off: none of ours, none of the client\'s')
        or diag(explain(ours($r)));

    $r = $t->get('/ep-off/x', @request);
    is_deeply(ours($r), [
        'X-App-Visitor: evil', 'X-App_Seq: evil',
        'X-A-Visitor: evil', 'X-A_Seq: evil',
        'X-B-Visitor: evil', 'X-B_Seq: evil',
        'X-R-Visitor: evil', 'X-R_Seq: evil',
        'X-F-Visitor: evil', 'X-F_Seq: evil',
    ], 'error_page into cx off: ours taken back, the client\'s dropped '
        . 'before stay dropped') or diag(explain(ours($r)));

    # rewrite ... last picks the location before anything of /rw/ runs
    $r = $t->get('/rw/x', @request);
    is_deeply(ours($r), [
        'X-CX-Visitor: evil', 'X-CX_Seq: evil',
        'X-App-Visitor: evil', 'X-App_Seq: evil',
        'X-A-Visitor: evil', 'X-A_Seq: evil',
        'X-B-Visitor: evil', 'X-B_Seq: evil',
        'X-R-Visitor: evil', 'X-R_Seq: evil',
        @{ visitor_headers('X-F-') },
    ], 'rewrite ... last: the final location\'s prefix only')
        or diag(explain(ours($r)));
};

subtest 'a country that is not a token becomes no header' => sub {
    my $r = $t->get('/proxy/p', Cookie => "cx=$cookie",
        'X-Forwarded-For' => $HOSTILE_IP);
    my $echo = $t->json->decode($r->{content});
    ok(!grep({ $_->[0] =~ /^x-cx-country$/i } @{ $echo->{headers} }),
        'proxy_pass: no X-CX-Country');
    ok(!grep({ $_->[0] =~ /^x-injected$/i } @{ $echo->{headers} }),
        'proxy_pass: nothing injected');

    $r = $t->get('/php/index.php', Cookie => "cx=$cookie",
        'X-Forwarded-For' => $HOSTILE_IP);
    my $params = $t->json->decode($r->{content});
    ok(!exists $params->{HTTP_X_CX_COUNTRY}, 'fastcgi: no X-CX-Country');
    ok(!exists $params->{HTTP_X_INJECTED}, 'fastcgi: nothing injected');

    $r = $t->get('/country/', 'X-Forwarded-For' => $HOSTILE_IP);
    is($r->{headers}{'x-country'}, '[]', '$cx_country: empty');
    ok(!exists $r->{headers}{'x-injected'}, 'add_header: nothing injected');

    $r = $t->get('/country/', 'X-Forwarded-For' => $GOOD_IP);
    is($r->{headers}{'x-country'}, '[GB]', '$cx_country of a token');

    # the journey keeps what the database said, as JSON escapes it
    my @lines = $t->journey(2, file => $t->prefix . '/logs/country.log');
    is(scalar @lines, 2, 'a line for each');
    is($lines[-2]{country}, $HOSTILE, 'the journey keeps the value');
    is($lines[-1]{country}, 'GB', 'and a token as it is');
};

$t->stop;

done_testing();
