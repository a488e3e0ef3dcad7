# A line's experiments: up to 8 are kept on the stack while the line is
# written, more in the request's pool; either way every one is in the line,
# with its variant, in the order of nginx.conf.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

sub experiments_conf {
    my ($count) = @_;

    return join '', map {
        sprintf("    cx_experiment e%02d {\n        50%% A;\n        * B;\n"
                . "    }\n", $_)
    } 1 .. $count;
}

for my $count (8, 11) {
    my $t = CX::Test->new;

    $t->write_file('html/index.html', "<h1>home</h1>\n");

    my $experiments = experiments_conf($count);

    $t->start(<<"CONF");
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_experiment_override cx_force;
$experiments
    server {
        listen 127.0.0.1:%%PORT%%;
        root %%PREFIX%%/html;
    }
CONF

    my $r = $t->get('/?cx_force=e02:B');
    is($r->{status}, 200, "$count experiments: page served");

    my ($line) = $t->journey_lines(1);
    my @names = $line =~ /"(e\d\d)":"[AB]"/g;
    is_deeply(\@names, [map { sprintf('e%02d', $_) } 1 .. $count],
        "$count experiments: each in the line, in order");
    like($line, qr/"e02":"B"/, "$count experiments: the forced variant");

    ($line) = $t->journey(1);
    is(scalar(keys %{$line->{experiments}}), $count,
        "$count experiments: the object has them all");
    is_deeply($line->{forced}, ['e02'], "$count experiments: forced");

    $t->stop;
}

done_testing();
