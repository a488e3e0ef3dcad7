# Touchpoints match the path as nginx resolves $uri (merged slashes, dot
# segments resolved), while the journey's path stays as it was asked for.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $t = CX::Test->new;

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;

    cx_touchpoint /checkout/done order_done goal;
    cx_touchpoint ~^/checkout/ checkout;

    server {
        listen 127.0.0.1:%%PORT%%;

        default_type text/html;
        add_header X-Touchpoint $cx_touchpoint;

        location / {
            return 200 "<p>page</p>";
        }

        location = /checkout/done {
            return 200 "<p>thank you</p>";
        }
    }

    server {
        listen 127.0.0.1:%%PORT_unmerged%%;
        merge_slashes off;

        default_type text/html;
        add_header X-Touchpoint $cx_touchpoint;

        location / {
            return 200 "<p>page</p>";
        }

        location = /checkout/done {
            return 200 "<p>thank you</p>";
        }
    }
CONF

# [as requested, as the journey's path says it, touchpoint, goal, content]
my @cases = (
    ['/checkout/done', '/checkout/done', 'order_done', 1],
    ['//checkout/done', '//checkout/done', 'order_done', 1],
    ['/checkout//done', '/checkout//done', 'order_done', 1],
    ['/x/../checkout/done', '/x/../checkout/done', 'order_done', 1],
    ['/./checkout/done', '/./checkout/done', 'order_done', 1],
    ['/checkout/./x/../done', '/checkout/./x/../done', 'order_done', 1],
    # the journey's path is percent-decoded, as it always was
    ['/x/%2E%2E/checkout/done', '/x/../checkout/done', 'order_done', 1],
    ['/checkout/done/..', '/checkout/done/..', 'checkout', 0],
    ['/checkout/.', '/checkout/.', 'checkout', 0],
    ['/a/../b/../checkout/x', '/a/../b/../checkout/x', 'checkout', 0],
    ['/x/..checkout/done', '/x/..checkout/done', undef, 0],
);

for my $case (@cases) {
    my ($asked, $path, $touchpoint, $goal) = @$case;

    my $r = $t->get($asked);
    is($r->{status}, 200, "$asked: 200");
    is($r->{content}, $goal ? '<p>thank you</p>' : '<p>page</p>',
        "$asked: the location of the normalised path answers");
    is($r->{headers}{'x-touchpoint'}, $touchpoint,
        "$asked: \$cx_touchpoint");
}

my @lines = $t->journey(scalar @cases);
is(scalar @lines, scalar @cases, 'a line per request');

for my $i (0 .. $#cases) {
    my ($asked, $path, $touchpoint, $goal) = @{ $cases[$i] };
    my $line = $lines[$i];

    is($line->{path}, $path, "$asked: the path as asked for");
    is($line->{touchpoint}, $touchpoint, "$asked: touchpoint");
    is($line->{goal}, $goal ? JSON::PP::true : JSON::PP::false,
        "$asked: goal");
}

# merge_slashes off: nginx's locations see "//checkout/done", so do the rules

my $r = $t->request('GET', '//checkout/done', port => 'unmerged');
is($r->{status}, 200, 'merge_slashes off: 200');
is($r->{content}, '<p>page</p>', 'merge_slashes off: not the done location');
is($r->{headers}{'x-touchpoint'}, undef, 'merge_slashes off: no touchpoint');

$r = $t->request('GET', '/x/../checkout//done', port => 'unmerged');
is($r->{headers}{'x-touchpoint'}, 'checkout',
    'merge_slashes off: dot segments resolved, slashes kept');

$r = $t->request('GET', '/x/../checkout/done', port => 'unmerged');
is($r->{headers}{'x-touchpoint'}, 'order_done',
    'merge_slashes off: dot segments resolved');

@lines = $t->journey(@cases + 3);
is_deeply([map { [$_->{path}, $_->{touchpoint}] } @lines[-3 .. -1]],
    [['//checkout/done', undef], ['/x/../checkout//done', 'checkout'],
     ['/x/../checkout/done', 'order_done']],
    'merge_slashes off: the lines');

# ".." above the root: nginx answers 400 before any phase

for my $asked ('/../checkout/done', '/x/../../checkout/done',
    '/%2E%2E/checkout/done')
{
    $r = $t->get($asked);
    is($r->{status}, 400, "$asked: 400 from nginx");
    is(CX::Test::set_cookie($r), undef, "$asked: no cookie");
    my $refused = 'client sent invalid request while reading client '
        . 'request line, ';
    like($t->read_file('logs/error.log'),
        qr/\Q$refused\E.*\Q request: "GET $asked HTTP\/1.1"\E$/m,
        "$asked: nginx refused the request line");
}

# lines are written in order: one for a 400 would come before this one

$t->get('/after');
@lines = $t->journey(@cases + 4);
is(scalar @lines, @cases + 4, 'no journey line for the 400s');
is($lines[-1]{path}, '/after', 'the next line is the next page view');

done_testing;
