# Touchpoints, goals, channels, devices and bots: what each page view is,
# where the visitor came from and what they browse with.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) '
    . 'AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 '
    . 'Safari/604.1';
my $GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; '
    . '+http://www.google.com/bot.html)';

my $t = CX::Test->new;

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;

    cx_touchpoint / home;
    cx_touchpoint ~^/product/ product;
    cx_touchpoint ~*^/cart cart;
    cx_touchpoint /checkout/done order_done goal;
    cx_touchpoint ~^/checkout checkout;

    cx_internal_hosts shop.example .example-cdn.com;
    cx_channel_source partner.example referral partner_a;
    cx_channel_source news.google.com social google_news;
    cx_bots healthcheck ~*^monitor/;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name www.shop.example;

        default_type text/html;
        add_header X-Touchpoint $cx_touchpoint;
        add_header X-Channel $cx_channel;
        add_header X-Device $cx_device;

        location / {
            return 200 "<p>page</p>";
        }

        location /help/ {
            cx_touchpoint ~^/help/faq faq;
            cx_touchpoint ~^/help/ help;
            return 200 "<p>help</p>";
        }

        location /quiet-bots/ {
            cx_log_bots off;
            return 200 "<p>quiet</p>";
        }
    }

    server {
        listen 127.0.0.1:%%PORT_own%%;
        cx_touchpoint ~^/ everything;
        default_type text/html;

        location / {
            return 200 "<p>own</p>";
        }
    }
CONF

my $jar;

# a visitor: each request carries the cookie the last one set
sub visit {
    my ($path, @headers) = @_;
    my $r = $t->get($path, Host => 'www.shop.example',
        ($jar ? (Cookie => "cx=$jar") : ()), @headers);
    $jar = CX::Test::cookie_value($r) // $jar;
    return $r;
}

my $count = 0;
sub lines {
    my ($n, %opt) = @_;
    $count += $n;
    return (CX::Test->can('journey')->($t, $count, %opt))[-$n .. -1];
}

subtest 'touchpoints and goals, from Google to the order' => sub {
    my $r = visit('/?q=1', Referer => 'https://www.google.co.uk/');
    is($r->{headers}{'x-touchpoint'}, 'home', '$cx_touchpoint');
    is($r->{headers}{'x-channel'}, 'search', '$cx_channel');
    is($r->{headers}{'x-device'}, 'desktop', '$cx_device');

    visit('/product/cup', Referer => 'http://www.shop.example/');
    visit('/CART/', Referer => 'http://www.shop.example/product/cup');
    visit('/checkout/', Referer => 'http://www.shop.example/CART/');
    visit('/checkout/done', Referer => 'http://www.shop.example/checkout/');
    visit('/about', Referer => 'http://www.shop.example/checkout/done');

    my @l = lines(6);
    is_deeply([map { $_->{touchpoint} } @l],
        ['home', 'product', 'cart', 'checkout', 'order_done', undef],
        'touchpoints: first match wins, exact, ~, ~*, none');
    is_deeply([map { $_->{prev_touchpoint} } @l],
        [undef, 'home', 'product', 'cart', 'checkout', 'order_done'],
        'prev_touchpoint from the cookie');
    is_deeply([map { $_->{goal} ? 1 : 0 } @l], [0, 0, 0, 0, 1, 0],
        'goal on the order only');
    is_deeply([map { $_->{channel} } @l], [('search') x 6],
        'every line of the session says search');
    is($l[0]{source}, 'google', 'source on the landing');
    ok(!defined $l[1]{source}, 'and not on later pages');
    is_deeply([map { $_->{seq} } @l], [1 .. 6], 'one session');
    is($l[0]{device}, 'desktop', 'device');
    is($l[0]{browser}, 'chrome', 'browser');
    is($l[0]{os}, 'linux', 'os');
    is($l[0]{bot}, JSON::PP::false, 'not a bot');
};

subtest 'case: ~ is case-sensitive, ~* is not' => sub {
    $jar = undef;
    visit('/Product/cup');
    visit('/cart');
    my @l = lines(2);
    ok(!defined $l[0]{touchpoint}, '~^/product/ does not match /Product/');
    is($l[1]{touchpoint}, 'cart', '~*^/cart matches /cart');
};

subtest 'inheritance: a level with rules of its own uses only those' => sub {
    $jar = undef;
    visit('/help/faq/returns');
    visit('/help/contact');
    visit('/');
    $t->request('GET', '/anything', port => 'own');
    my @l = lines(4);
    is($l[0]{touchpoint}, 'faq', 'location rules, first match');
    is($l[1]{touchpoint}, 'help', 'location rules, second');
    is($l[2]{touchpoint}, 'home', 'the server inherits http\'s');
    is($l[3]{touchpoint}, 'everything', 'another server, its own');
};

# a worker keeps each path's answer, for the rules that gave it
subtest 'one path, the answer of each level\'s rules' => sub {
    $jar = undef;
    visit('/help/faq/shipping');
    $t->request('GET', '/help/faq/shipping', port => 'own');
    visit('/help/faq/shipping');
    visit('/help/faq/shipping?again=1');
    my @l = lines(4);
    is_deeply([map { $_->{touchpoint} } @l],
        ['faq', 'everything', 'faq', 'faq'], 'faq, everything, faq, faq');
};

subtest 'campaigns and click ids' => sub {
    $jar = undef;
    visit('/?utm_source=newsletter&utm_medium=email&utm_campaign=spring+sale'
        . '&utm_term=cups&utm_content=hero%20image');
    visit('/product/cup', Referer => 'http://www.shop.example/');
    my @l = lines(2);
    is($l[0]{channel}, 'email', 'utm_medium=email: email');
    is($l[0]{source}, 'newsletter', 'source');
    is($l[0]{medium}, 'email', 'medium');
    is($l[0]{campaign}, 'spring sale', 'campaign, decoded');
    is($l[0]{term}, 'cups', 'term');
    is($l[0]{content}, 'hero image', 'content, decoded');
    is($l[1]{channel}, 'email', 'the next page keeps the channel');
    ok(!defined $l[1]{campaign}, 'campaign on the landing line only');

    $jar = undef;
    visit('/?gclid=abc123', Referer => 'https://www.google.com/');
    $jar = undef;
    visit('/?utm_source=spring&utm_medium=banner');
    $jar = undef;
    visit('/', Referer => 'https://partner.example/deals');
    $jar = undef;
    visit('/', Referer => 'https://news.google.com/stories');
    $jar = undef;
    visit('/', Referer => 'https://static.example-cdn.com/x');
    $jar = undef;
    visit('/', Referer => 'https://blog.other.example/post');
    $jar = undef;
    visit('/');
    $jar = undef;
    visit('/', Referer => 'android-app://com.google.android.gm/');

    @l = lines(8);
    is_deeply([map { [$_->{channel}, $_->{source}] } @l], [
        ['paid', 'google'],
        ['campaign', 'spring'],
        ['referral', 'partner_a'],
        ['social', 'google_news'],
        ['internal', undef],
        ['referral', 'blog.other.example'],
        ['direct', undef],
        ['email', 'gmail'],
    ], 'paid, campaign, cx_channel_source, cx_internal_hosts, referral, '
        . 'direct, android-app');
};

subtest 'devices' => sub {
    $jar = undef;
    my $r = visit('/', 'User-Agent' => $IPHONE);
    is($r->{headers}{'x-device'}, 'mobile', '$cx_device mobile');
    my ($l) = lines(1);
    is_deeply([@$l{qw(device browser os bot)}],
        ['mobile', 'safari', 'ios', JSON::PP::false], 'an iPhone');
};

subtest 'bots: no cookie, no visitor, or no line at all' => sub {
    my @bots = ($GOOGLEBOT, '', 'curl/8.5.0', 'internal HealthCheck/1.0',
        'Monitor/2.0 (uptime)');

    for my $agent (@bots) {
        my $r = $t->get('/product/cup', 'User-Agent' => $agent);
        is($r->{status}, 200, "served: '$agent'");
        ok(!defined CX::Test::set_cookie($r), "no Set-Cookie: '$agent'");
        is($r->{headers}{'x-device'}, 'bot', "\$cx_device bot: '$agent'");
    }

    my @l = lines(scalar @bots);
    for my $i (0 .. $#bots) {
        is($l[$i]{bot}, JSON::PP::true, "bot: true for '$bots[$i]'");
        is($l[$i]{device}, 'bot', 'device bot');
        ok(!defined $l[$i]{visitor} && !defined $l[$i]{session}
            && !defined $l[$i]{seq}, 'no visitor, session or seq');
        is($l[$i]{touchpoint}, 'product', 'still a touchpoint');
    }

    $t->get('/quiet-bots/page', 'User-Agent' => $GOOGLEBOT);
    $jar = undef;
    visit('/quiet-bots/marker');
    my ($marker) = lines(1);
    is($marker->{path}, '/quiet-bots/marker',
        'cx_log_bots off: the bot wrote no line, the person did');
};

$t->stop;

subtest 'nginx -t: a bad regex, a bad name, a bad channel' => sub {
    my $e = CX::Test->new;

    my @cases = (
        [ 'cx_touchpoint ~^/(product broken;',
          qr/\[emerg\] .*invalid cx_touchpoint regex "~\^\/\(product": pcre2_compile\(\) failed: missing closing parenthesis in "\^\/\(product" \(offset 10\) in \S+test\.conf:\d+/ ],
        [ 'cx_touchpoint ~*[z-a] bad;',
          qr/\[emerg\] .*invalid cx_touchpoint regex "~\*\[z-a\]": pcre2_compile\(\) failed: range out of order in character class in "\[z-a\]" at "a\]" \(offset 3\)/ ],
        [ 'cx_touchpoint / "home page";',
          qr/\[emerg\] .*invalid touchpoint name "home page": 1 to 64 letters/ ],
        [ 'cx_touchpoint / home slow=never;',
          qr/\[emerg\] .*invalid slow time "never"/ ],
        [ 'cx_touchpoint / home sometimes;',
          qr/\[emerg\] .*unknown cx_touchpoint parameter "sometimes"/ ],
        [ 'cx_channel_source example.com telepathy;',
          qr/\[emerg\] .*unknown channel "telepathy", it must be "direct"/ ],
        [ 'cx_internal_hosts http://shop.example/;',
          qr/\[emerg\] .*invalid host "http:\/\/shop\.example\/"/ ],
        [ 'cx_bots ~(unclosed;',
          qr/\[emerg\] .*invalid cx_bots regex "~\(unclosed": pcre2_compile\(\) failed: missing closing parenthesis/ ],
    );

    for my $case (@cases) {
        my ($directive, $expect) = @$case;
        my ($ok, $out) = $e->nginx_test(<<"CONF");
    cx on;
    cx_secret %%SECRET%%;
    $directive
    server {
        listen 127.0.0.1:%%PORT%%;
    }
CONF
        ok(!$ok, "fails: $directive");
        like($out, $expect, "message: $directive") or diag($out);
    }
};

done_testing();
