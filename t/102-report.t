# cx-report on a journey the module wrote: three visitors' sessions, a bot,
# feedback through the beacon and an experiment, reported with exact
# figures; the same JSON whatever the order of the lines, split across
# files, gzip or not; invalid lines counted and named; bad options refused
# with one line and exit 2; the HTML page rendered by Chromium.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use IO::Compress::Gzip qw(gzip $GzipError);

my $t = CX::Test->new;
my $root = $t->root;
my $report = "$root/build/cx-report";

die "no $report: run make report first\n" unless -x $report;

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;

    cx_touchpoint /                 home;
    cx_touchpoint ~^/product/       product;
    cx_touchpoint /cart             cart;
    cx_touchpoint /checkout/done    order_done goal;

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

        location = /cx/feedback {
            cx_beacon;
        }
    }
CONF

# a visitor: the cookie of the first answer, sent from then on
sub visitor {
    my $cookie;
    return sub {
        my ($method, $path, %opt) = @_;
        my $r = $t->request($method, $path, content => $opt{content},
            headers => [ ($cookie ? (Cookie => "cx=$cookie") : ()),
                         @{ $opt{headers} // [] } ]);
        # the cookie carries the session's count: the newest one goes on
        $cookie = CX::Test::cookie_value($r) // $cookie;
        return $r;
    };
}

my $count = 0;

# visitor 1, from a search: home, product, cart, the order (a goal), then a
# low score on the order page
my $v1 = visitor();
$v1->(GET => '/', headers => [ Referer => 'https://www.google.com/' ]);
$v1->(GET => '/product/1');
$v1->(GET => '/cart');
$v1->(GET => '/checkout/done');
is($v1->(POST => '/cx/feedback',
         content => 'score=2&scale=csat&comment=Too+slow',
         headers => [ 'Content-Type' => 'application/x-www-form-urlencoded' ])
   ->{status}, 204, 'feedback taken');
$count += 5;

# visitor 2, direct: the home page alone
visitor()->(GET => '/');
$count++;

# visitor 3, from a social network: two products, then home
my $v3 = visitor();
$v3->(GET => '/product/2', headers => [ Referer => 'https://facebook.com/' ]);
$v3->(GET => '/product/3');
$v3->(GET => '/');
$count += 3;

# a crawler
$t->get('/', 'User-Agent' => 'Googlebot/2.1 (+http://www.google.com/bot.html)');
$count++;

my @journey = $t->journey($count);
my $log = $t->prefix . '/logs/cx.log';
my $p = $t->prefix;

sub run_report {
    my (@args) = @_;
    my $pid = open(my $out, '-|') // die "fork: $!";
    if ($pid == 0) {
        open STDERR, '>', $t->prefix . '/report.err';
        exec $report, @args;
        exit 127;
    }
    my $text = do { local $/; <$out> } // '';
    close $out;
    return ($? >> 8, $text, $t->read_file('report.err') // '');
}

my @funnel = ('--funnel', 'home,product,cart');
my ($rc, $json, $err) = run_report('--format', 'json', @funnel, $log);
is($rc, 0, 'cx-report exits 0');
is($err, '', 'nothing on stderr');
my $r = $t->json->decode($json);

# the JSON matches docs/report.schema.json
$t->write_file('report.json', $json);
is(`python3 -c 'import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1]))); print("valid")' $root/docs/report.schema.json $p/report.json 2>&1`,
   "valid\n", 'the JSON matches its schema');

# the figures the journey above makes
is_deeply($r->{lines}, { read => 10, invalid => 0, page_views => 8,
    feedback => 1, events => 0, bots => 1, prefetch => 0 }, 'lines');

my $o = $r->{overview};
is($o->{page_views}, 8, 'page views');
is($o->{visitors}, 3, 'visitors');
is($o->{sessions}, 3, 'sessions');
is($o->{bounce_rate}, 1 / 3, 'bounce rate: visitor 2');
is($o->{pages_per_session}, 8 / 3, 'pages per session');
is($o->{conversion_rate}, 1 / 3, 'conversion rate: visitor 1');
my @views = grep { $_->{event} eq 'page_view' && !$_->{bot} } @journey;
my ($first, $last) = (sort map { $_->{ts} } @views)[0, -1];
is($o->{first_ts}, $first, 'first ts');
is($o->{last_ts}, $last, 'last ts');
my %days;
$days{ substr($_->{ts}, 0, 10) }++ for @views;
is_deeply([ map { $_->{date} } @{ $o->{days} } ], [ sort keys %days ],
    'the days');
is(eval { my $n = 0; $n += $_->{page_views} for @{ $o->{days} }; $n }, 8,
    'page views by day');

is_deeply($r->{channels}, [
    { channel => 'direct', sessions => 1, conversions => 0, bounce_rate => 1 },
    { channel => 'search', sessions => 1, conversions => 1, bounce_rate => 0 },
    { channel => 'social', sessions => 1, conversions => 0, bounce_rate => 0 },
], 'channels');

my %tp = map { $_->{touchpoint} => $_ } @{ $r->{touchpoints} };
is_deeply([ map { $_->{touchpoint} } @{ $r->{touchpoints} } ],
    [ qw(home product cart order_done) ], 'touchpoints by views, then name');
is_deeply([ @{ $tp{home} }{qw(views entries exits)} ], [ 3, 2, 2 ], 'home');
is_deeply([ @{ $tp{product} }{qw(views entries exits)} ], [ 3, 1, 0 ],
    'product');
is_deeply([ @{ $tp{cart} }{qw(views entries exits)} ], [ 1, 0, 0 ], 'cart');
is_deeply([ @{ $tp{order_done} }{qw(views entries exits)} ], [ 1, 0, 1 ],
    'order_done');

# experience, friction and times: as the module rated each page view
for my $name (qw(home product)) {
    my @mine = grep { ($_->{touchpoint} // '') eq $name } @views;
    my %want = (positive => 0, neutral => 0, negative => 0);
    my %friction;
    $want{ $_->{experience} }++ for @mine;
    $friction{$_}++ for map { @{ $_->{friction} // [] } } @mine;
    my @ms = sort { $a <=> $b } map { $_->{request_ms} } @mine;
    is_deeply({ map { $_ => $tp{$name}{$_} } qw(positive neutral negative) },
        \%want, "$name: experience");
    is_deeply($tp{$name}{friction}, \%friction, "$name: friction");
    is($tp{$name}{p50_ms}, $ms[1], "$name: p50 is the 2nd of 3");
    is($tp{$name}{p95_ms}, $ms[2], "$name: p95 is the 3rd of 3");
}

is_deeply($r->{paths}, [
    { path => ['home'], sessions => 1, conversions => 0 },
    { path => [qw(home product cart order_done)], sessions => 1,
      conversions => 1 },
    { path => [qw(product home)], sessions => 1, conversions => 0 },
], 'paths: repeats collapsed, ties by name');

is_deeply([ map { [ $_->{step}, $_->{sessions}, $_->{rate} ] }
            @{ $r->{funnel} } ],
    [ [ 'home', 3, 1 ], [ 'product', 1, 1 / 3 ], [ 'cart', 1, 1 / 3 ] ],
    'funnel: only visitor 1 goes on from home');
is($r->{funnel}[0]{median_ms_from_previous}, undef, 'no time for step 1');
my %ts = map { ($_->{touchpoint} // '') . $_->{visitor} => $_ } @views;
my ($home1) = grep { $_->{channel} eq 'search' && $_->{touchpoint} eq 'home' }
    @views;
my ($cart1) = grep { ($_->{touchpoint} // '') eq 'cart' } @views;
my ($prod1) = grep { ($_->{touchpoint} // '') eq 'product'
                     && $_->{visitor} eq $home1->{visitor} } @views;
is($r->{funnel}[2]{median_ms_from_previous},
   ms($cart1->{ts}) - ms($prod1->{ts}), 'cart: ms after product');

sub ms {
    my ($ts) = @_;
    my ($h, $m, $s, $f) = $ts =~ /T(\d\d):(\d\d):(\d\d)\.(\d{3})Z/;
    return (($h * 60 + $m) * 60 + $s) * 1000 + $f;
}

# the experiment: each visitor in the variant the log gives them
my %variant = map { $_->{visitor} => $_->{experiments}{checkout} } @views;
my %want;
for my $v (keys %variant) {
    $want{ $variant{$v} }{visitors}++;
    $want{ $variant{$v} }{conversions} += ($v eq $home1->{visitor}) ? 1 : 0;
}
is(scalar @{ $r->{experiments} }, 1, 'one experiment');
is($r->{experiments}[0]{experiment}, 'checkout', 'checkout');
is_deeply({ map { $_->{variant} => { visitors => $_->{visitors},
                                     conversions => $_->{conversions} } }
            @{ $r->{experiments}[0]{variants} } },
    \%want, 'visitors and conversions per variant');

is_deeply($r->{feedback}, [ { touchpoint => 'order_done', scale => 'csat',
    answers => 1, score => 0, lowest => [ { score => 2,
    comment => 'Too slow', before => [qw(home product cart order_done)] } ]
} ], 'feedback: the score and what came before it');

# the same JSON whatever the order, the files, gzip
my @lines = split /\n/, $t->read_file($log);
$t->write_file('reversed.log', join('', map { "$_\n" } reverse @lines));
$t->write_file('a.log', join('', map { "$_\n" } @lines[grep { $_ % 2 } 0 .. $#lines]));
my $even = join('', map { "$_\n" } @lines[grep { !($_ % 2) } 0 .. $#lines]);
gzip(\$even => $t->prefix . '/b.log.1') or die $GzipError;

is((run_report('--format', 'json', @funnel, "$p/reversed.log"))[1], $json,
    'reversed lines: the same JSON');
is((run_report('--format', 'json', @funnel, "$p/b.log.1", "$p/a.log"))[1],
   $json, 'split across two files, one gzip (told by its bytes): the same');

system("gzip -c $log | $report --format json @funnel - > $p/stdin.json") == 0
    or die "cx-report on stdin: $?";
is($t->read_file('stdin.json'), $json, 'gzip on standard input: the same');

# invalid lines: counted, the first five named with file and line
$t->write_file('bad.log', join('', map { "$_\n" }
    '{"v":1', @lines[0 .. 4], "\xff\xfe", '[]', @lines[5 .. $#lines],
    '{"v":2,"ts":"2026-12-01T00:00:00.000Z","event":"event"}', 'x', 'y'));
($rc, my $bad, $err) = run_report('--format', 'json', @funnel, "$p/bad.log");
is($rc, 0, 'invalid lines: still exit 0');
my $b = $t->json->decode($bad);
is($b->{lines}{invalid}, 6, 'six invalid lines');
is($b->{lines}{read}, 16, 'sixteen read');
delete $b->{lines};
my $good = $t->json->decode($json);
delete $good->{lines};
is_deeply($b, $good, 'the rest of the report unchanged');
like($err, qr{\A\Qcx-report: $p/bad.log:1: \E[^\n]+\n\Qcx-report: $p/bad.log:7: \E},
    'named on stderr with file and line');
is(scalar(() = $err =~ /\n/g), 5, 'the first five only');

# a timestamp of the log's shape but no real date or time: invalid, said so
$t->write_file('dates.log', join('', map { "$_\n" } @lines,
    '{"v":1,"ts":"2026-13-01T00:00:00.000Z","event":"event"}',
    '{"v":1,"ts":"2026-02-30T00:00:00.000Z","event":"event"}'));
($rc, my $dates, $err) = run_report('--format', 'json', @funnel,
                                    "$p/dates.log");
is($rc, 0, 'impossible timestamps: still exit 0');
is($t->json->decode($dates)->{lines}{invalid}, 2,
   'month 13 and 30 February are invalid lines');
is($err, join('', map { "cx-report: $p/dates.log:$_: \"ts\" is not a real "
                        . "date and time: skipped\n" } 11, 12),
   'each named on stderr with its reason');

# bad options and files: one line, exit 2
for my $case (
    [ [ '--format', 'xml', $log ], qr/^cx-report: unknown --format "xml"/ ],
    [ [ '--funnel', 'home,,cart', $log ], qr/^cx-report: invalid --funnel/ ],
    [ [ '--funnel', '', $log ], qr/^cx-report: invalid --funnel/ ],
    [ [ '--path-steps', '0', $log ], qr/^cx-report: invalid --path-steps/ ],
    [ [ '--since', 'yesterday', $log ], qr/^cx-report: invalid time/ ],
    [ [ '--until', '2026-02-30', $log ], qr/^cx-report: invalid time/ ],
    [ [ '--weights', 'checkout=50,x', $log ], qr/^cx-report: invalid --weights/ ],
    [ [ '--bogus', $log ], qr/^cx-report: unknown option "--bogus"/ ],
    [ [ "$p/missing.log" ], qr/^cx-report: cannot open "\Q$p\E\/missing.log"/ ],
    [ [ $p ], qr/^cx-report: cannot read "\Q$p\E": Is a directory/ ],
    [ [], qr/^cx-report: no input file given/ ],
) {
    my ($code, $out, $msg) = run_report(@{ $case->[0] });
    is($code, 2, "exit 2: @{ $case->[0] }");
    like($msg, $case->[1], 'the message');
    is(scalar(() = $msg =~ /\n/g), 1, 'one line');
}

# the filters: --host, --since, --until keep lines, "lines" counts them all
my $since = substr($first, 0, 23);
my $h = $t->json->decode((run_report('--format', 'json', '--host', 'other',
                                     $log))[1]);
is($h->{overview}{page_views}, 0, '--host other: no page view');
is($h->{lines}{page_views}, 8, '... "lines" counts them still');
$h = $t->json->decode((run_report('--format', 'json', '--host', '127.0.0.1',
                                  $log))[1]);
is($h->{overview}{page_views}, 8, '--host 127.0.0.1: all of them');
$h = $t->json->decode((run_report('--format', 'json', '--until', $since,
                                  $log))[1]);
is($h->{overview}{page_views}, 0, '--until the first ts: none (exclusive)');
$h = $t->json->decode((run_report('--format', 'json', '--since', $since,
                                  $log))[1]);
is($h->{overview}{page_views}, 8, '--since the first ts: all (inclusive)');

# text: a summary first
my $text = (run_report(@funnel, $log))[1];
like($text, qr/^page views    8\nvisitors      3\nsessions      3\n/m,
     'text: the summary');

# an experiment split 100 to 200 against 50/50: a sample ratio mismatch,
# said in the JSON, the text and the page
my @srm;
for my $i (1 .. 300) {
    my $variant = $i <= 100 ? 'A' : 'B';
    push @srm, sprintf('{"v":1,"ts":"2026-12-01T10:00:00.000Z",'
        . '"event":"page_view","visitor":"%032x","session":"%016x","seq":1,'
        . '"touchpoint":"home","goal":%s,"channel":"direct","bot":false,'
        . '"experiments":{"hero":"%s"},"experience":"positive"}',
        $i, $i, ($i % 10 == 0 ? 'true' : 'false'), $variant);
}
$t->write_file('srm.log', join('', map { "$_\n" } @srm));
my $srm = $t->json->decode((run_report('--format', 'json', "$p/srm.log"))[1]);
my $hero = $srm->{experiments}[0];
is_deeply([ map { [ $_->{variant}, $_->{visitors}, $_->{conversions} ] }
            @{ $hero->{variants} } ], [ [ 'A', 100, 10 ], [ 'B', 200, 20 ] ],
    'srm: visitors and conversions');
ok($hero->{srm_p} < 0.001 && $hero->{srm_p} > 0, "srm: p $hero->{srm_p}");
ok($hero->{srm_warning}, 'srm: the warning');
is($hero->{variants}[1]{uplift}, 0, 'the same rate: no uplift');
like((run_report("$p/srm.log"))[1],
     qr/^WARNING: experiment "hero" has a sample ratio mismatch/m,
     'srm: the text warns first');
run_report('--format', 'html', '-o', "$p/srm.html", "$p/srm.log");
like($t->read_file('srm.html'), qr/<p class="warn">Sample ratio mismatch/,
     'srm: the page warns');
$srm = $t->json->decode((run_report('--format', 'json', '--weights',
                                    'hero=1,2', "$p/srm.log"))[1]);
ok(!$srm->{experiments}[0]{srm_warning} && $srm->{experiments}[0]{srm_p} == 1,
   'srm: none against --weights hero=1,2');

# --version: the one in VERSION
my $version = $t->read_file("$root/VERSION");
chomp $version;
is((run_report('--version'))[1], "cx-report $version\n", '--version');

# the HTML page: self-contained, and Chromium renders it
($rc) = run_report('--format', 'html', @funnel, '-o', "$p/report.html", $log);
is($rc, 0, 'html written');
my $html = $t->read_file('report.html');
like($html, qr/<svg /, 'SVG charts');
like($html, qr{<p class="verdict">No variant differs from the control clearly},
     'the experiment\'s verdict in plain words');
unlike($html, qr/<script|\bsrc=|\bhref=|url\(/i, 'no script, nothing fetched');

SKIP: {
    my $chromium = -x '/usr/bin/chromium' ? '/usr/bin/chromium' : undef;
    skip 'no chromium', 2 unless $chromium;

    my $png = "$p/report.png";
    system("timeout 120 $chromium --headless --no-sandbox --disable-gpu "
        . "--hide-scrollbars --window-size=412,1600 "
        . "--user-data-dir=$p/chromium --screenshot=$png "
        . "file://$p/report.html >$p/chromium.log 2>&1");
    ok(-s $png, 'Chromium made a screenshot at a phone\'s width')
        or diag($t->read_file('chromium.log'));
    is(`python3 $root/t/lib/png-colours.py $png`, "ok\n",
       'it is not blank: text and bars in several colours');
}

done_testing;
