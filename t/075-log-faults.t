# Faults of the journey's destinations: a disk that fills up and frees again,
# a syslog server that goes down and comes back.  Nothing torn reaches the
# file, every line is counted once, written or lost, and a failing
# destination is reported at most once a second.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(time);

sub config {
    my ($log) = @_;
    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
    cx_metrics_zone cx 1m;
    $log

    server {
        listen 127.0.0.1:%%PORT%%;

        location / {
            default_type text/html;
            return 200 "<p>page</p>";
        }

        location = /metrics {
            cx_log off;
            cx_metrics;
        }
    }
CONF
}

# written, lost and failed writes of one destination
sub counters {
    my ($t, $destination) = @_;

    my $text = $t->get('/metrics')->{content};
    my %v;

    for my $name (qw(written lost errors)) {
        my $series = $name eq 'errors' ? 'cx_log_write_errors_total'
            : "cx_log_lines_${name}_total";
        ($v{$name}) = $text =~ /^\Q$series\E\{destination="\Q$destination\E"\} (\d+)$/m;
    }

    return \%v;
}

# polls until every line given to the destination is counted
sub wait_counted {
    my ($t, $destination, $produced) = @_;
    my $v;

    $t->wait_until(sub {
        $v = counters($t, $destination);
        defined $v->{written} && $v->{written} + $v->{lost} >= $produced;
    }, "$produced lines counted for $destination");

    return $v;
}

sub page_views {
    my ($t, $from, $to) = @_;
    $t->pipeline([map { ["/page?n=$_"] } $from .. $to]);
}

# the same from four clients at once: both workers append
sub page_views_at_once {
    my ($t, $from, $to) = @_;
    my @clients;

    for my $client (0 .. 3) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            $t->pipeline([map { ["/page?n=$_"] }
                grep { $_ % 4 == $client } $from .. $to]);
            POSIX::_exit(0);
        }
        push @clients, $pid;
    }

    waitpid $_, 0 for @clients;
}

subtest 'the disk fills up and frees again' => sub {
    plan skip_all => 'mounting a tmpfs needs root' unless $> == 0;

    my $t = CX::Test->new(workers => 2);
    my $disk = $t->prefix . '/disk';
    my $log = "$disk/cx.log";

    mkdir $disk or die "$disk: $!";
    is(system('mount', '-t', 'tmpfs', '-o', 'size=64k,mode=0777', 'tmpfs',
        $disk), 0, 'a 64k tmpfs') or return;

    my $guard = CX::Test::Unmount->new($disk);

    $t->start(config("cx_log $log buffer=4k flush=100ms;"));

    # fill it, then free a page and a little: room for a dozen lines
    open my $filler, '>', "$disk/filler" or die "filler: $!";
    binmode $filler;
    my $size = 0;
    while (1) {
        my $n = syswrite($filler, 'f' x 4096);
        last unless $n;
        $size += $n;
    }
    close $filler;
    truncate "$disk/filler", $size - 5000 or die "truncate: $!";

    page_views_at_once($t, 1, 40);
    my $v = wait_counted($t, $log, 40);

    my $content = $t->read_file($log);
    my @lines = split /\n/, $content;
    ok($content eq '' || $content =~ /\n\z/, 'the file ends with a whole line');
    is($v->{written} + $v->{lost}, 40, 'written and lost: every line');
    is($v->{written}, scalar @lines, 'written: the lines in the file');
    cmp_ok($v->{lost}, '>', 0, 'the full disk lost lines');
    cmp_ok($v->{written}, '>', 0, 'what fitted was written');
    cmp_ok($v->{errors}, '>', 0, 'and failed writes are counted');

    # free it: every line from now on is written
    unlink "$disk/filler" or die "unlink: $!";
    my $lost = $v->{lost};

    page_views_at_once($t, 41, 60);
    $v = wait_counted($t, $log, 60);
    is($v->{written} + $v->{lost}, 60, 'written and lost: every line, after');
    is($v->{lost}, $lost, 'nothing more lost once there is room');

    $t->stop;

    @lines = $t->journey_lines(1, file => $log);
    is(scalar @lines, $v->{written}, 'the file has every line written');
    ok($t->read_file($log) =~ /\n\z/, 'and ends with a whole line');
    my @records = $t->journey(scalar @lines, file => $log);
    my @n = map { $_->{query} =~ /^n=(\d+)$/ ? $1 : 0 } @records;
    my %seen;
    is(scalar(grep { $seen{$_}++ } @n), 0, 'no line twice');
    is_deeply([sort { $a <=> $b } grep { $_ > 40 } @n], [41 .. 60],
        'every line after the disk freed');

    my $errors = $t->read_file('logs/error.log');
    like($errors, qr/\[alert\] .*cx_log: write\(\) to "\Q$log\E" failed, \d+ of \d+ lines lost(?:, \d+ more errors since the last report)? \(28: No space left on device\)/,
        'the full disk is in the error log');
    unlike($errors, qr/partial line left/, 'no partial line was left');
};

# a program holding a POSIX lock on the journey (a backup, a careless
# tail) must not stop the workers: they write without the lock
subtest 'another program holds a lock on the file' => sub {
    my $t = CX::Test->new;
    my $log = $t->prefix . '/logs/cx.log';

    $t->start(config("cx_log $log flush=50ms;"));
    page_views($t, 1, 2);
    wait_counted($t, $log, 2);

    open my $holder, '|-', 'python3', '-c', <<'PY', $log
import fcntl, sys
f = open(sys.argv[1], 'a')
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[1] + '.locked', 'w').close()
sys.stdin.read()
PY
        or die "python3: $!";
    $t->wait_until(sub { -e "$log.locked" }, 'the lock to be held');

    page_views($t, 3, 6);
    my $v = wait_counted($t, $log, 6);
    is_deeply($v, { written => 6, lost => 0, errors => 0 },
        'lines are written while the lock is held');

    my $r = $t->get('/page?n=7');
    is($r->{status}, 200, 'and the worker goes on answering');
    $v = wait_counted($t, $log, 7);
    is($v->{written}, 7, 'its line written too');

    close $holder;
    $t->stop;

    my @records = $t->journey(7, file => $log);
    is_deeply([map { $_->{query} } @records], [map { "n=$_" } 1 .. 7],
        'every line in the file, whole');
};

subtest 'the syslog server goes down and comes back' => sub {
    my $t = CX::Test->new;
    my $udp = $t->udp_listener('syslog');
    my $port = $t->port('syslog');
    my $server = "syslog:127.0.0.1:$port";

    $t->start(config('cx_log syslog:server=127.0.0.1:%%PORT_syslog%%;'));

    page_views($t, 1, 5);
    my @messages = $t->udp_messages($udp, 5);
    is(scalar @messages, 5, 'up: every line arrives');
    my $v = wait_counted($t, $server, 5);
    is_deeply($v, { written => 5, lost => 0, errors => 0 }, 'up: 5 written');

    # down: the port is unreachable, each datagram is refused at once
    close $udp;

    my $start = time;
    page_views($t, 6, 25);
    $v = wait_counted($t, $server, 25);
    my $elapsed = time - $start;

    is_deeply($v, { written => 5, lost => 20, errors => 20 },
        'down: the 20 lines lost, each a failed send');

    my $errors = $t->read_file('logs/error.log');
    my @reports = $errors =~ /^(.*cx_log: send\(\) to "\Q$server\E" failed.*)$/mg;
    cmp_ok(scalar @reports, '>=', 1, 'the failure is in the error log');
    cmp_ok(scalar @reports, '<=', 1 + int($elapsed),
        'at most one report a second');
    like($reports[0], qr/\[error\] .*cx_log: send\(\) to "\Q$server\E" failed, 1 line lost \(111: Connection refused\)/,
        'the first report: the server, the line lost, the reason');
    unlike($errors, qr/\] \d+#\d+: send\(\) failed/,
        'and none of nginx\'s own unlimited ones');

    # back: the next lines arrive
    $udp = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port,
        Proto => 'udp') or die "udp: $!";

    page_views($t, 26, 35);
    @messages = $t->udp_messages($udp, 10);
    is(scalar @messages, 10, 'back: every line arrives');
    is_deeply([map { /"query":"(n=\d+)"/ ? $1 : undef } @messages],
        [map { "n=$_" } 26 .. 35], 'the lines after it came back');

    $v = wait_counted($t, $server, 35);
    is_deeply($v, { written => 15, lost => 20, errors => 20 },
        'back: 10 more written');

    $t->stop;
};

done_testing();


# Unmounts a test's tmpfs however the test ends; lazily, as nginx may still
# hold the file open when a test dies.
package CX::Test::Unmount;

sub new {
    my ($class, $dir) = @_;
    return bless { dir => $dir, pid => $$ }, $class;
}

sub DESTROY {
    my ($self) = @_;
    system('umount', '-l', $self->{dir}) if $self->{pid} == $$;
}
