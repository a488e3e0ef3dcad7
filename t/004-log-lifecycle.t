# The log writer: buffered lines reach the file when the buffer fills, on
# reopen (USR1), on reload and on quit, and none is lost or split; several
# workers append whole lines; a failing write is reported at most once a
# second and serving goes on.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use POSIX ();

my $PAGE = <<'CONF';
        location / {
            default_type text/html;
            return 200 "<p>page</p>";
        }
CONF

sub config {
    my ($logs) = @_;
    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
$logs

    server {
        listen 127.0.0.1:%%PORT%%;
$PAGE
    }
CONF
}

sub markers {
    my (@records) = @_;
    return [map { $_->{query} } @records];
}

subtest 'a full buffer is written before any timer' => sub {
    my $t = CX::Test->new;
    $t->start(config('    cx_log %%PREFIX%%/logs/cx.log buffer=4k flush=1h;'));

    # about 230 bytes a line: 40 lines fill the 4k buffer twice over
    $t->get("/fill?n=$_") for 1 .. 40;

    my @lines = $t->journey_lines(17);
    ok(@lines >= 17 && @lines < 40, 'whole buffers written, the rest kept');

    $t->stop;
    my @records = $t->journey(40);
    is_deeply(markers(@records), [map { "n=$_" } 1 .. 40],
        'every line once, in order, after quit');
};

subtest 'reopen: lines before it in the moved file, after it in the new' => sub {
    my $t = CX::Test->new;
    $t->start(config('    cx_log %%PREFIX%%/logs/cx.log buffer=1m flush=1h;'));

    $t->get("/before?n=$_") for 1 .. 5;

    rename $t->prefix . '/logs/cx.log', $t->prefix . '/logs/cx.log.1'
        or die "rename: $!";
    $t->reopen;

    # the worker flushes into the moved file as it reopens
    my @old = $t->journey(5, file => $t->prefix . '/logs/cx.log.1');
    ok(-e $t->prefix . '/logs/cx.log', 'a new file is open');

    $t->get("/after?n=$_") for 6 .. 10;
    $t->stop;

    my @new = $t->journey(5);
    is_deeply(markers(@old), [map { "n=$_" } 1 .. 5], 'moved file: 1 to 5');
    is_deeply(markers(@new), [map { "n=$_" } 6 .. 10], 'new file: 6 to 10');
};

subtest 'reload flushes the old workers\' buffers' => sub {
    my $t = CX::Test->new(workers => 2);
    my $conf = config('    cx_log %%PREFIX%%/logs/cx.log buffer=1m flush=1h;');
    $t->start($conf);

    $t->get("/old?n=$_") for 1 .. 20;
    $t->reload($conf);

    # the old workers write their lines as they exit
    my @records = $t->journey(20);
    is_deeply([sort { $a <=> $b } map { /(\d+)/ } @{ markers(@records) }],
        [1 .. 20], 'all 20 lines of the old workers');

    $t->get("/new?n=$_") for 21 .. 30;
    $t->stop;

    @records = $t->journey(30);
    is(scalar @records, 30, 'and the new workers\' 10 after quit');
};

subtest 'several workers appending never split a line' => sub {
    my $t = CX::Test->new(workers => 2);
    $t->start(config('    cx_log %%PREFIX%%/logs/cx.log buffer=2k flush=1h;'));

    my $padding = 'x' x 700;
    my @clients;

    for my $client (1 .. 4) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            $t->get("/c$client?n=$_&pad=$padding") for 1 .. 50;
            POSIX::_exit(0);
        }
        push @clients, $pid;
    }

    waitpid $_, 0 for @clients;
    $t->stop;

    my @records = $t->journey(200);
    is(scalar @records, 200, '200 whole lines');

    my %seen = map { ("$_->{path} $_->{query}" => 1) } @records;
    is(scalar keys %seen, 200, 'each request once');
};

subtest 'a failing write is reported once a second, serving goes on' => sub {
    my $t = CX::Test->new;
    $t->start(config(<<'CONF'));
    cx_log /dev/full buffer=0;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
CONF

    for my $n (1 .. 50) {
        is($t->get("/full?n=$n")->{status}, 200, "request $n served")
            or last;
    }

    my @records = $t->journey(50);
    is(scalar @records, 50, 'the other log has every line');

    $t->stop;

    my @alerts = ($t->read_file('logs/error.log') =~
        m{^(\S+ \S+) \[alert\] .*cx_log: write\(\) to "/dev/full" failed \(28: No space left on device\)}mg);
    ok(@alerts >= 1, 'the failure is in the error log');
    my %seconds = map { $_ => 1 } @alerts;
    is(scalar keys %seconds, scalar @alerts, 'at most one alert a second');
};

done_testing();
