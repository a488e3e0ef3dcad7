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
        m{^(\S+ \S+) \[alert\] .*cx_log: write\(\) to "/dev/full" failed, 1 of 1 lines lost(?:, \d+ more errors since the last report)? \(28: No space left on device\)}mg);
    ok(@alerts >= 1, 'the failure is in the error log');
    my %seconds = map { $_ => 1 } @alerts;
    is(scalar keys %seconds, scalar @alerts, 'at most one alert a second');
};

subtest 'cx_log and access_log on one file are refused in any order' => sub {
    my $t = CX::Test->new;
    my $file = $t->prefix . '/logs/shared.log';

    my %cases = (
        'cx_log, then access_log' => <<'CONF',
    cx_log %%PREFIX%%/logs/shared.log;
    access_log %%PREFIX%%/logs/shared.log;
CONF
        'access_log, then cx_log' => <<'CONF',
    access_log %%PREFIX%%/logs/shared.log;
    cx_log %%PREFIX%%/logs/shared.log;
CONF
        'cx_log, then a buffered access_log' => <<'CONF',
    cx_log %%PREFIX%%/logs/shared.log buffer=64k flush=1s;
    access_log %%PREFIX%%/logs/shared.log combined buffer=64k flush=1s;
CONF
        'a buffered access_log, then cx_log' => <<'CONF',
    access_log %%PREFIX%%/logs/shared.log combined buffer=8k;
    cx_log %%PREFIX%%/logs/shared.log;
CONF
        'cx_log in http, access_log in a location' => <<'CONF',
    cx_log %%PREFIX%%/logs/shared.log;
    server {
        listen 127.0.0.1:%%PORT_other%%;
        location /x {
            access_log %%PREFIX%%/logs/shared.log;
        }
    }
CONF
        'access_log in one server, cx_log in another' => <<'CONF',
    server {
        listen 127.0.0.1:%%PORT_other%%;
        access_log %%PREFIX%%/logs/shared.log combined buffer=4k;
    }
    server {
        listen 127.0.0.1:%%PORT_third%%;
        location / {
            cx_log %%PREFIX%%/logs/shared.log;
        }
    }
CONF
        'access_log in an if, cx_log after it' => <<'CONF',
    server {
        listen 127.0.0.1:%%PORT_other%%;
        location / {
            if ($arg_x) {
                access_log %%PREFIX%%/logs/shared.log;
            }
        }
    }
    cx_log %%PREFIX%%/logs/shared.log;
CONF
        'access_log in http that no server uses' => <<'CONF',
    access_log %%PREFIX%%/logs/shared.log;
    cx_log %%PREFIX%%/logs/shared.log;
    server {
        listen 127.0.0.1:%%PORT_other%%;
        access_log off;
    }
CONF
    );

    for my $name (sort keys %cases) {
        my ($ok, $out) = $t->nginx_test(config($cases{$name}));
        ok(!$ok, "$name: nginx -t fails");

        my @conf = split /\n/, $t->read_file('test.conf');
        my ($line) = grep { $conf[$_ - 1] =~ /^\s*cx_log / } 1 .. @conf;
        my $conf = $t->prefix . '/test.conf';

        like($out, qr/\[emerg\] (?:\d+#\d+: )?cx_log "\Q$file\E" in \Q$conf\E:$line and access_log "\Q$file\E" write to the same file: the journey needs a file of its own\n/,
            "$name: the file, both directives and cx_log's line");
    }

    # nginx's own messages in the journey: error_log at every level
    my %error_logs = (
        'cx_log on the main error_log' => [<<'CONF', 'error.log'],
    cx_log %%PREFIX%%/logs/error.log;
CONF
        'error_log in http, then cx_log' => [<<'CONF', 'shared.log'],
    error_log %%PREFIX%%/logs/shared.log;
    cx_log %%PREFIX%%/logs/shared.log;
CONF
        'cx_log in http, error_log in a location' => [<<'CONF', 'shared.log'],
    cx_log %%PREFIX%%/logs/shared.log;
    server {
        listen 127.0.0.1:%%PORT_other%%;
        location /x {
            error_log %%PREFIX%%/logs/shared.log warn;
        }
    }
CONF
    );

    for my $name (sort keys %error_logs) {
        my ($http, $base) = @{ $error_logs{$name} };
        my ($ok, $out) = $t->nginx_test(config($http));
        ok(!$ok, "$name: nginx -t fails");

        my @conf = split /\n/, $t->read_file('test.conf');
        my ($line) = grep { $conf[$_ - 1] =~ /^\s*cx_log / } 1 .. @conf;
        my $conf = $t->prefix . '/test.conf';
        my $path = $t->prefix . "/logs/$base";

        like($out, qr/\[emerg\] (?:\d+#\d+: )?cx_log "\Q$path\E" in \Q$conf\E:$line and error_log "\Q$path\E" write to the same file: the journey needs a file of its own\n/,
            "$name: the file, both directives and cx_log's line");
    }

    # two names of one file, before it exists
    my ($ok, $out) = $t->nginx_test(config(<<'CONF'));
    cx_log %%PREFIX%%/logs/shared.log;
    access_log %%PREFIX%%/logs/../logs/shared.log;
CONF
    ok(!$ok, 'another name of the same file fails');
    like($out, qr/cx_log "\Q$file\E" in \S+ and access_log "[^"]+\/logs\/\.\.\/logs\/shared\.log" write to the same file/,
        'both names');

    # a link to it, once it exists
    $t->write_file('logs/shared.log', '');
    symlink $file, $t->prefix . '/logs/link.log' or die "symlink: $!";
    ($ok, $out) = $t->nginx_test(config(<<'CONF'));
    access_log %%PREFIX%%/logs/shared.log;
    cx_log %%PREFIX%%/logs/link.log;
CONF
    ok(!$ok, 'a link to the same file fails');
    like($out, qr/cx_log "[^"]+\/logs\/link\.log" in \S+ and access_log "\Q$file\E" write to the same file/,
        'the link and the file');

    ($ok, $out) = $t->nginx_test(config(<<'CONF'));
    cx_log %%PREFIX%%/logs/cx.log;
    access_log %%PREFIX%%/logs/access.log combined buffer=8k;
    server {
        listen 127.0.0.1:%%PORT_other%%;
        access_log %%PREFIX%%/logs/other.log;
        cx_log %%PREFIX%%/logs/other-cx.log;
    }
CONF
    ok($ok, 'files of their own pass') or diag($out);
};

done_testing();
