# The experience: each friction flag and rating on its line, the rating
# reaching the backend as X-CX-Experience; the Prometheus metrics, exact
# after a known sequence across two workers, kept across a reload, and the
# alerting rules.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $t = CX::Test->new(workers => 2);
my $secret = $t->prefix . '/cx.key';

$t->echo_backend;
$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_metrics_zone cx 1m;

    # pages are fast against a minute; the shop is slow past 300ms
    cx_slow 60s;

    cx_touchpoint / home;
    cx_touchpoint ~^/help/ help;
    cx_touchpoint /done order_done goal;
    cx_touchpoint ~^/shop/ shop slow=300ms;

    cx_experiment checkout {
        50% A;
        *   B;
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            return 200 "<p>page</p>";
        }

        location /missing {
            return 404;
        }

        location /err {
            return 500;
        }

        location /shop/ {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF

sub mint {
    my (@args) = @_;
    my ($code, $out) = $t->cookie_tool('mint', '--secret', $secret,
        '--last-seen', '-1m', @args);
    die "mint: $out" if $code;
    return $out;
}

my $lines = 0;

sub next_line {
    $lines++;
    return ($t->journey($lines))[-1];
}

sub judged {
    my ($path, @headers) = @_;
    my $r = $t->get($path, @headers);
    my $l = next_line();
    return ($r, $l);
}

subtest 'each friction flag and rating, exactly' => sub {
    my (undef, $l) = judged('/shop/cup?delay=400');
    is_deeply($l->{friction}, ['slow'], 'slow: over the touchpoint\'s 300ms');
    is($l->{experience}, 'negative', 'slow is negative');

    (undef, $l) = judged('/err');
    is_deeply($l->{friction}, ['error'], 'error: a 500');
    is($l->{experience}, 'negative', 'an error is negative');

    (undef, $l) = judged('/missing');
    is_deeply($l->{friction}, ['not_found'], 'not_found: a 404');
    is($l->{experience}, 'negative', 'a missing page is negative');

    (undef, $l) = judged('/a', Cookie => 'cx=' . mint('--path', '/a'));
    is_deeply($l->{friction}, ['reload'], 'reload: the same path again');
    is($l->{experience}, 'neutral', 'one flag, fast: neutral');

    (undef, $l) = judged('/a', Cookie => 'cx='
        . mint('--path', '/b', '--prev-path', '/a'));
    is_deeply($l->{friction}, ['backtrack'], 'backtrack: A, B, A');
    is($l->{experience}, 'neutral', 'neutral');

    (undef, $l) = judged('/help/x', Cookie => 'cx='
        . mint('--path', '/help/y', '--touchpoint', 'help', '--repeat', 2));
    is_deeply($l->{friction}, ['loop'],
        'loop: a third page view in a row on help');
    is($l->{experience}, 'neutral', 'neutral');

    (undef, $l) = judged('/help/x', Cookie => 'cx='
        . mint('--path', '/help/x', '--touchpoint', 'help', '--repeat', 2));
    is_deeply($l->{friction}, ['reload', 'loop'], 'two flags at once');
    is($l->{experience}, 'negative', 'two flags are negative');

    (undef, $l) = judged('/done', Cookie => 'cx='
        . mint('--path', '/checkout', '--touchpoint', 'checkout'));
    ok(!exists $l->{friction}, 'no friction: the field is absent');
    is($l->{experience}, 'positive', 'a goal without friction is positive');
    is($l->{goal}, JSON::PP::true, 'on a goal');
};

subtest 'X-CX-Experience reaches the backend' => sub {
    my $r = $t->get('/missing', Cookie => 'cx=' . mint());
    next_line();
    my $after = CX::Test::cookie_value($r);

    $r = $t->get('/shop/cup', Cookie => "cx=$after");
    next_line();
    my %h = map { lc($_->[0]) => $_->[1] }
        @{ $t->json->decode($r->{content})->{headers} };
    is($h{'x-cx-experience'}, 'negative',
        'after a 404, the session\'s worst recent rating is negative');

    # three good pages push the 404 out of the last three
    my $cookie = CX::Test::cookie_value($r);
    for my $page ('/done', '/help/a', '/help/b') {
        $r = $t->get($page, Cookie => "cx=$cookie");
        next_line();
        $cookie = CX::Test::cookie_value($r);
    }
    $r = $t->get('/shop/cup', Cookie => "cx=$cookie");
    next_line();
    %h = map { lc($_->[0]) => $_->[1] }
        @{ $t->json->decode($r->{content})->{headers} };
    is($h{'x-cx-experience'}, 'positive', 'and positive once it is past');
};

$t->stop;

subtest 'metrics: exact counts across two workers, kept on reload' => sub {
    my $m = CX::Test->new(workers => 2);
    $m->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_metrics_zone cx 1m;

    cx_touchpoint / home;
    cx_touchpoint /done order_done goal;

    cx_experiment checkout {
        50% A;
        *   B;
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            return 200 "<p>page</p>";
        }

        location /missing {
            return 404;
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF

    # each on its own connection: the two workers share them
    $m->get('/') for 1 .. 3;
    $m->get('/missing') for 1 .. 2;
    $m->get('/done');
    $m->get('/', Cookie => 'cx=bad!');
    $m->get('/', 'User-Agent' => 'curl/8.5.0');
    my @l = $m->journey(8);

    my $r = $m->get('/metrics');
    is($r->{headers}{'content-type'}, 'text/plain; version=0.0.4',
        'Content-Type of the exposition format 0.0.4');
    my %v = $m->metrics;
    my $cx_log = $m->prefix . '/logs/cx.log';

    my %expect = (
        'cx_page_views_total{touchpoint="home"}' => 4,
        'cx_page_views_total{touchpoint="order_done"}' => 1,
        'cx_page_views_total{touchpoint="other"}' => 2,
        'cx_visitors_new_total' => 7,
        'cx_sessions_total{channel="direct"}' => 7,
        'cx_sessions_total{channel="search"}' => 0,
        'cx_goals_total{touchpoint="order_done"}' => 1,
        'cx_friction_total{touchpoint="other",kind="not_found"}' => 2,
        'cx_experience_total{touchpoint="other",rating="negative"}' => 2,
        'cx_experience_total{touchpoint="order_done",rating="positive"}' => 1,
        'cx_request_duration_seconds_count{touchpoint="home"}' => 4,
        'cx_request_duration_seconds_bucket{touchpoint="home",le="+Inf"}' => 4,
        'cx_cookie_rejected_total{reason="bad_base64"}' => 1,
        "cx_log_lines_written_total{destination=\"$cx_log\"}" => 8,
        "cx_log_lines_lost_total{destination=\"$cx_log\"}" => 0,
        "cx_log_write_errors_total{destination=\"$cx_log\"}" => 0,
        'cx_bot_requests_total' => 1,
    );

    for my $series (sort keys %expect) {
        is($v{$series}, $expect{$series}, $series);
    }

    my $a = $v{'cx_experiment_exposures_total{experiment="checkout",variant="A"}'};
    my $b = $v{'cx_experiment_exposures_total{experiment="checkout",variant="B"}'};
    is($a + $b, 7, 'every page view with a visitor is exposed once');
    my @in_a = grep { ($_->{experiments}{checkout} // '') eq 'A' } @l;
    is($a, scalar @in_a, 'variant A exposures match the lines');

    like($r->{content}, qr/^# HELP cx_page_views_total Page views, by touchpoint\.\n# TYPE cx_page_views_total counter$/m,
        'HELP and TYPE lines');

    my ($fh, $file) = File::Temp::tempfile(UNLINK => 1);
    print $fh $r->{content};
    close $fh;
    my $check = `promtool check metrics < $file 2>&1`;
    is($?, 0, 'promtool check metrics passes') or diag($check);

    # a reload keeps the zone, and every counter in it

    $m->reload;
    $m->wait_until(sub {
        my $log = $m->read_file('logs/error.log') // '';
        my @started = $log =~ /start worker process/g;
        @started >= 4;
    }, 'the new workers');

    $m->get('/');
    $m->journey(9);
    %v = $m->metrics;
    is($v{'cx_page_views_total{touchpoint="home"}'}, 5,
        'after nginx -s reload: 4 + 1');
    is($v{'cx_visitors_new_total'}, 8, 'visitors kept and counted on');

    # a DNT visitor's three pages: one session, begun on the first
    my $site = 'http://127.0.0.1:' . $m->port . '/';
    $m->get('/', DNT => 1);
    $m->get('/', DNT => 1, Referer => $site);
    $m->get('/', DNT => 1, Referer => $site);
    $m->journey(12);
    %v = $m->metrics;
    is($v{'cx_sessions_total{channel="direct"}'}, 9,
        'DNT: one more session, not three');
    is($v{'cx_sessions_total{channel="internal"}'}, 0,
        'no session begins on an internal page');
    is($v{'cx_visitors_new_total'}, 8, 'and no new visitor');

    $m->stop;
};

subtest 'alerting rules' => sub {
    my $rules = $t->root . '/docs/alerts.yml';
    my $out = `promtool check rules $rules 2>&1`;
    is($?, 0, 'promtool check rules docs/alerts.yml') or diag($out);
    like($out, qr/SUCCESS: 9 rules found/, 'every rule');

    $out = `cd $t->{prefix} && promtool test rules ${\ $t->root}/t/data/alerts.test.yml 2>&1`;
    is($?, 0, 'promtool test rules: the alerts fire when they should')
        or diag($out);
};

done_testing();

