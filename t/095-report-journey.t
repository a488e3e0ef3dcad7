# cx-report and its SQL twin (docs/sql/) on a journey the module itself
# writes: four visits worked out by hand (a purchase with a reload and a
# low CSAT, a search visitor who meets a 404, a campaign bounce, a DNT
# visitor), a bot, feedback and an event, one invalid line.  docs/sql/ must
# give the figures worked out here; cx-report must give docs/sql/'s report
# figure by figure.  The SQL part needs DuckDB (make report-deps), the
# comparison build/cx-report: each is skipped, saying so, without it.

use strict;
use warnings;
use utf8;

use lib 't/lib';
use Test::More;
use CX::Test;
use JSON::PP;

my $t = CX::Test->new;

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;

    cx_touchpoint / home;
    cx_touchpoint ~^/product/ product;
    cx_touchpoint /cart cart;
    cx_touchpoint /checkout/done order_done goal;
    cx_touchpoint ~^/checkout checkout;
    cx_touchpoint ~^/help/ help;

    cx_experiment checkout { 50% A; * B; }

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            return 200 "<p>page</p>";
        }

        location /missing {
            return 404;
        }

        location = /cx/feedback {
            cx_beacon;
        }
    }
CONF

# one visitor's browser: sends the cookie it was last given
sub browser {
    my (@headers) = @_;
    my $cookie;
    return sub {
        my ($method, $path, $content) = @_;
        my $r = $t->request($method, $path, content => $content, headers => [
            @headers,
            ($cookie ? (Cookie => "cx=$cookie") : ()),
            ($content ? ('Content-Type' =>
                'application/x-www-form-urlencoded') : ()),
        ]);
        $cookie = CX::Test::cookie_value($r) // $cookie;
        return $r;
    };
}

# a purchase: home, a product seen twice (a reload), cart, checkout, the
# order, and a low CSAT with a comment
my $buyer = browser();
$buyer->(GET => $_) for '/', '/product/1', '/product/1', '/cart',
    '/checkout/pay', '/checkout/done';
is($buyer->(POST => '/cx/feedback',
    'score=2&scale=csat&comment=Slow+checkout')->{status}, 204,
    'the buyer\'s feedback');
$buyer->(POST => '/cx/feedback', 'event=coupon.applied&value=5');

# from a search engine to a product, then a page that is not there
my $searcher = browser(Referer => 'https://www.google.com/');
$searcher->(GET => '/product/2');
$searcher->(GET => '/missing');

# a campaign's visitor who leaves at once, and says so
my $bounce = browser();
$bounce->(GET => '/?utm_source=news&utm_medium=banner&utm_campaign=winter');
$bounce->(POST => '/cx/feedback', 'score=3&scale=nps&comment=Meh');

# Do Not Track: no counts; the pages in touchpoint order, so that their
# order in the session is known even within one millisecond
my $dnt = browser(DNT => 1);
$dnt->(GET => '/help/returns');
$dnt->(GET => '/');

# a crawler
$t->get('/', 'User-Agent' => 'Mozilla/5.0 (compatible; Googlebot/2.1; '
    . '+http://www.google.com/bot.html)');

my @lines = $t->journey_lines(15);
$t->journey(15);
$t->stop;

my $log = $t->prefix . '/logs/report.log';
$t->write_file($log, join('', map { "$_\n" } @lines)
    . "this line is not JSON\n");

my @steps = qw(home product cart checkout order_done);
my $root = $t->root;
my $json = JSON::PP->new->utf8;

SKIP: {
    skip 'DuckDB not installed under build/duckdb (make report-deps)', 1
        unless -d "$root/build/duckdb/node_modules/\@duckdb/node-api";

    my $out = $t->prefix . '/sql.json';
    system('node', "$root/docs/sql/run.mjs", '--funnel', join(',', @steps),
        '-o', $out, $log);
    is($?, 0, 'docs/sql ran');
    my $r = $json->decode($t->read_file($out));

    is_deeply($r->{lines}, { read => 16, invalid => 1, page_views => 11,
        bots => 1, feedback => 2, events => 1, prefetch => 0 }, 'lines');

    my $o = $r->{overview};
    is($o->{page_views}, 11, 'page views: the bot left out');
    is($o->{visitors}, 3, 'visitors: DNT has none');
    is($o->{sessions}, 4, 'sessions: the DNT one too');
    is($o->{bounce_rate}, 1 / 4, 'bounce rate: the campaign visitor');
    is($o->{pages_per_session}, 11 / 4, 'pages per session');
    is($o->{conversion_rate}, 1 / 4, 'conversion rate: the order');
    is(scalar @{ $o->{days} }, 1, 'one day');
    is($o->{days}[0]{negative_share}, 1 / 11, 'the 404 is negative');

    is_deeply([ map { [$_->{channel}, $_->{sessions}, $_->{conversions}] }
        @{ $r->{channels} } ],
        [[direct => 2, 1], [campaign => 1, 0], [search => 1, 0]],
        'channels by sessions, then name');

    my %tp = map { $_->{touchpoint} => $_ } @{ $r->{touchpoints} };
    is_deeply([ map { $_->{touchpoint} } @{ $r->{touchpoints} } ],
        [qw(home product (none) cart checkout help order_done)],
        'touchpoints by views, then name');
    is_deeply([ @{ $tp{home} }{qw(views entries exits)} ], [3, 2, 2],
        'home: viewed 3 times, 2 entries (buyer, campaign), 2 exits '
        . '(campaign, DNT)');
    is_deeply([ @{ $tp{product} }{qw(views entries exits)} ], [3, 1, 0],
        'product: 3 views, the search entry');
    is_deeply($tp{product}{friction}, { reload => 1 }, 'the reload');
    is_deeply($tp{'(none)'}{friction}, { not_found => 1 }, 'the 404');
    is($tp{'(none)'}{negative}, 1, 'rated negative');

    is_deeply([ map { [join(' > ', @{ $_->{path} }), $_->{sessions},
        $_->{conversions}] } @{ $r->{paths} } ],
        [['help > home', 1, 0], ['home', 1, 0],
         ['home > product > cart > checkout > order_done', 1, 1],
         ['product > (none)', 1, 0]],
        'paths: repeats collapsed, ties by the steps');

    is_deeply([ map { $_->{sessions} } @{ $r->{funnel} } ], [3, 1, 1, 1, 1],
        'funnel: three sessions see home (the DNT one after help), one goes '
        . 'on to the order');
    is($r->{funnel}[4]{rate}, 1 / 3, 'the order\'s rate of step 1');

    my ($e) = @{ $r->{experiments} };
    is($e->{experiment}, 'checkout', 'the experiment');
    my $units = 0;
    $units += $_->{visitors} for @{ $e->{variants} };
    is($units, 3, 'its units: the three visitors with a cookie');

    my %fb = map {; "$_->{touchpoint} $_->{scale}" => $_ }
        @{ $r->{feedback} };
    is_deeply($fb{'order_done csat'}, { touchpoint => 'order_done',
        scale => 'csat', answers => 1, score => 0, lowest => [{ score => 2,
        comment => 'Slow checkout', before => \@steps }] },
        'the CSAT, with the journey before it');
    is_deeply($fb{'home nps'}{lowest}[0]{before}, ['home'],
        'the NPS after the bounce');
    is($fb{'home nps'}{score}, -1, 'a detractor');

    SKIP: {
        my $cxr = $ENV{CX_REPORT} // "$root/build/cx-report";
        skip "no $cxr", 2 unless -x $cxr;

        my $mine = $t->prefix . '/cx-report.json';
        system($cxr, '--format', 'json', '--funnel', join(',', @steps),
            '-o', $mine, $log);
        is($?, 0, 'cx-report ran');
        my $diff = `node $root/tests/report/compare.mjs $out $mine 2>&1`;
        is($?, 0, 'cx-report gives docs/sql\'s report') or diag($diff);
    }
}

$t->check_health;
done_testing;
