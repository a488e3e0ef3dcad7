# The metrics zone over reloads: series a new configuration no longer has are
# freed, so touchpoints renamed on every reload never fill the zone; the
# counters of series it keeps survive; nginx -t refuses a zone too small for
# a configuration with the very message a reload gives.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use IO::Socket::INET;

# "home" on every generation, and $renamed more named after the generation
my $renamed = 24;

sub http {
    my (%opt) = @_;
    my $generation = $opt{generation} // 0;
    my $zone = $opt{zone} // '256k';
    my $count = $opt{touchpoints} // $renamed;
    my $touchpoints = join '', map {
        "    cx_touchpoint /p$_ g${generation}_p$_;\n"
    } 1 .. $count;
    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_metrics_zone cx $zone;

    cx_touchpoint / home;
$touchpoints
    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            return 200 "<p>page</p>";
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF
}

sub touchpoints_of {
    my (%v) = @_;
    my %seen = map { /touchpoint="([^"]+)"/ ? ($1 => 1) : () } keys %v;
    return [sort keys %seen];
}

subtest '20 reloads renaming touchpoints in a small zone' => sub {
    my $t = CX::Test->new;
    $t->start(http(generation => 0));

    my %v = $t->metrics;
    my $series = keys %v;

    # the zone holds fewer series than the 21 generations have in all
    my (undef, $out) = $t->nginx_test(http(touchpoints => 500));
    my ($holds) = $out =~ /too small for its \d+ series, it holds (\d+)/;
    cmp_ok(21 * $series, '>', $holds // 0,
        "21 generations of $series series overflow the zone of "
        . ($holds // '?'));

    my $lines = 0;
    for my $generation (1 .. 20) {
        $t->get('/');
        $t->get('/p1');
        $lines += 2;
        $t->journey($lines);

        $t->reload(http(generation => $generation));

        # only the new worker answers once the old one has exited
        my $log;
        $t->wait_until(sub {
            $log = $t->read_file('logs/error.log') // '';
            my @exited = $log =~ /worker process \d+ exited with code 0/g;
            @exited >= $generation || $log =~ /\[emerg\]/;
        }, "generation $generation to serve alone");
        last if $log =~ /\[emerg\]/;
    }

    %v = $t->metrics;
    my $log = $t->read_file('logs/error.log');
    unlike($log, qr/\[emerg\].*/, 'no reload failed');
    my @started = $log =~ /start worker process \d+/g;
    is(scalar @started, 21, 'each of the 20 reloads started new workers');

    is($v{'cx_page_views_total{touchpoint="home"}'}, 20,
        'the counter of a series every generation has survived 20 reloads');
    is($v{'cx_page_views_total{touchpoint="g20_p1"}'}, 0,
        'a new series starts at 0');
    is_deeply(touchpoints_of(%v),
        [sort 'home', 'other', map { "g20_p$_" } 1 .. $renamed],
        'only the series of the configuration in force are shown');

    $t->get('/p1');
    $t->journey($lines + 1);
    %v = $t->metrics;
    is($v{'cx_page_views_total{touchpoint="g20_p1"}'}, 1, 'and counts on');
    is($v{'cx_request_duration_seconds_count{touchpoint="g20_p1"}'}, 1,
        'in every family');
    $t->stop;
};

subtest 'a zone too small: nginx -t and reload say the same' => sub {
    my $t = CX::Test->new;
    my $small = http(zone => '32k', touchpoints => 60);

    my ($ok, $out) = $t->nginx_test($small);
    ok(!$ok, 'nginx -t fails') or diag($out);
    my ($message) = $out =~ /\[emerg\] (?:\d+#\d+: )?(cx_metrics_zone .*)/;
    like($message // '', qr/^cx_metrics_zone "cx" is too small for its \d+ series, it holds \d+, in \S+test\.conf:\d+$/,
        'naming the zone, its series, what it holds and the directive')
        or diag($out);

    ($ok, $out) = $t->nginx_test(http(zone => '32k', touchpoints => 20));
    ok($ok, 'fewer touchpoints fit') or diag($out);

    $t->start(http(zone => '32k', touchpoints => 20));
    $t->get('/');
    $t->journey(1);

    $t->reload($small);
    $t->wait_until(sub {
        ($t->read_file('logs/error.log') // '') =~ /\[emerg\]/;
    }, 'the reload to fail');

    my $log = $t->read_file('logs/error.log');
    my ($reloaded) = $log =~ /\[emerg\] \d+#\d+: (cx_metrics_zone .*)/;
    $message =~ s/test\.conf/nginx.conf/ if defined $message;
    is($reloaded, $message, 'the reload fails with the message nginx -t gave');

    my %v = $t->metrics;
    is($v{'cx_page_views_total{touchpoint="home"}'}, 1,
        'the running configuration goes on, its counters kept');
    $t->stop;
};

# nginx opens the listening sockets after the zones: a reload that fails
# there must leave the running configuration's counters as they were
subtest 'a reload that fails on a busy port changes no counter' => sub {
    my $t = CX::Test->new;
    my $busy = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Listen => 1, ReuseAddr => 0) or die "listen: $!";
    my $port = $busy->sockport;

    $t->start(http(generation => 0, touchpoints => 2));
    $t->get('/p1') for 1 .. 3;
    $t->journey(3);

    $t->reload(http(generation => 1, touchpoints => 2)
        . "    server {\n        listen 127.0.0.1:$port;\n    }\n");
    $t->wait_until(sub {
        ($t->read_file('logs/error.log') // '') =~ /\[emerg\].*bind\(\)/;
    }, 'the reload to fail on the busy port');

    $t->get('/p1') for 1 .. 2;
    $t->journey(5);
    my %v = $t->metrics;
    is($v{'cx_page_views_total{touchpoint="g0_p1"}'}, 5,
        'the running configuration counts on');

    $t->reload(http(generation => 0, touchpoints => 2));
    $t->wait_until(sub {
        ($t->read_file('logs/error.log') // '')
            =~ /worker process \d+ exited with code 0/;
    }, 'the good reload to replace the workers');

    %v = $t->metrics;
    is($v{'cx_page_views_total{touchpoint="g0_p1"}'}, 5,
        'its counter kept through the failed reload and the good one');
    is_deeply(touchpoints_of(%v), [sort 'home', 'other', 'g0_p1', 'g0_p2'],
        'no series of the failed configuration');
    $t->stop;
};

done_testing();
