# Faults under load, each asserting that no line is torn and that nothing
# is lost beyond what the fault itself must lose: the journey file deleted
# and reopened, a worker SIGKILLed, a geo database replaced by a broken
# one.  (The disk filling up and syslog going away are in 075-log-faults.t.)

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use File::Copy qw(copy);
use IO::Select;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time);

my $GEO = CX::Test->shared . '/geoip';

sub http {
    my ($extra) = @_;
    $extra //= '';
    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
$extra

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            add_header X-Country \$cx_country;
            add_header X-City \$cx_city;
            return 200 "<p>page</p>";
        }
    }
CONF
}

subtest 'the journey file deleted and reopened under load' => sub {
    my $t = CX::Test->new(workers => 2);
    my $log = $t->prefix . '/logs/cx.log';
    $t->start(http('    cx_log %%PREFIX%%/logs/cx.log buffer=64k flush=1s;'));

    my $load = Load->new($t, clients => 4);
    $load->wait_for(400);

    # the file goes while the workers still write to it, as a careless
    # rotation would do it: what they wrote before is read through a
    # descriptor kept open
    open my $old, '<:raw', $log or die "$log: $!";
    $load->phase('b');
    unlink $log or die "unlink: $!";
    $t->reopen;

    # the master and both workers have reopened
    $t->wait_until(sub {
        my @reopened = ($t->read_file('logs/error.log') // '')
            =~ /\[notice\] \d+#\d+: reopening logs/g;
        @reopened >= 3;
    }, 'the master and 2 workers to reopen');
    $load->phase('c');
    $load->wait_for(400);
    my $sent = $load->finish;

    $t->stop;

    my $old_content = do { local $/; <$old> } // '';
    close $old;
    my $new_content = $t->read_file($log) // '';

    like($old_content, qr/\n\z/, 'the deleted file ends on a line boundary');
    like($new_content, qr/\n\z/, 'the new file ends on a line boundary');

    my @old = $old_content =~ /([^\n]*)\n/g;
    my @new = $new_content =~ /([^\n]*)\n/g;
    CX::Test::validate_journey(@old, @new);

    is_deeply($sent->{unanswered}, [], 'every request answered');
    is_deeply($sent->{failed}, [], 'every request served');

    my %old = sids(@old);
    my %new = sids(@new);
    my @both = grep { $new{$_} } sort keys %old;
    is_deeply(\@both, [], 'no line in both files');

    my %lines = (%old, %new);
    is_deeply([sort keys %lines], [sort keys %{ $sent->{pages} }],
        scalar(keys %{ $sent->{pages} }) . ' page views, a line each, '
        . 'in one of the two files');
    my @twice = grep { ($old{$_} // 0) > 1 || ($new{$_} // 0) > 1 }
        sort keys %lines;
    is_deeply(\@twice, [], 'none written twice');

    my @after = grep { $sent->{pages}{$_} eq 'c' } keys %{ $sent->{pages} };
    ok(@after >= 200, scalar(@after) . ' page views after the reopen');
    is_deeply([sort grep { !$new{$_} } @after], [],
        'each of them in the new file');
    ok(@old > 0, scalar(@old) . ' lines in the deleted file');
};

# lines held until a reopen or an exit, counted in a zone served apart
my $HELD = <<'CONF';
    cx_log %%PREFIX%%/logs/cx.log buffer=1m flush=1h;
    cx_metrics_zone cx 1m;

    server {
        listen 127.0.0.1:%%PORT_metrics%%;

        location = /metrics {
            cx_log off;
            cx_metrics;
        }
    }
CONF

subtest 'a worker SIGKILLed under load' => sub {
    my $t = CX::Test->new(workers => 2);

    # the workers keep every line until the reopen below: the killed one
    # has lines to lose, whenever the kill lands
    $t->start(http($HELD));

    # the master starts its workers after it listens
    my @workers;
    $t->wait_until(sub { (@workers = $t->worker_pids) == 2 },
        'two workers');

    my $load = Load->new($t, clients => 4);
    $load->wait_for(400);

    # killed between two requests of each client, their connections open:
    # a kill landing after a response went out and before its line was made
    # would leave a page view answered with no line to count
    my $victim = $workers[0];
    $load->pause;
    kill 'KILL', $victim;
    $load->phase('b');
    $load->resume;

    my @now;
    $t->wait_until(sub {
        @now = $t->worker_pids;
        @now == 2 && !grep { $_ == $victim } @now;
    }, 'the master to replace the killed worker');
    like($t->read_file('logs/error.log'),
        qr/worker process $victim exited on signal 9/,
        'the master saw the worker die');

    $load->phase('c');
    $load->wait_for(400);
    my $sent = $load->finish;

    # the workers write what they hold before they reopen; the killed
    # worker's successor counted what it held
    $t->reopen;
    $t->wait_until(sub {
        my @reopened = ($t->read_file('logs/error.log') // '')
            =~ /\[notice\] \d+#\d+: reopening logs/g;
        @reopened >= 3;
    }, 'the master and 2 workers to reopen');

    # written is counted once the file has the lines
    my $produced = keys %{ $sent->{pages} };
    my $counted = {};
    eval {
        $t->wait_until(sub {
            my $in_file = (($t->read_file('logs/cx.log') // '') =~ tr/\n//);
            $counted = log_counters($t);
            ($counted->{written} // -1) == $in_file
                && $counted->{written} + ($counted->{lost} // 0) >= $produced;
        }, "$produced lines counted");
    };

    # only the killed worker may have "exited on signal"
    $t->stop(killed => [$victim]);

    my $content = $t->read_file('logs/cx.log') // '';
    like($content, qr/\n\z/, 'the file ends on a line boundary');
    my @lines = $content =~ /([^\n]*)\n/g;
    CX::Test::validate_journey(@lines);

    is_deeply($sent->{failed}, [], 'no request got an error');
    my %lines = sids(@lines);
    my %known = (%{ $sent->{pages} },
        map { $_ => 'unanswered' } @{ $sent->{unanswered} });
    is_deeply([grep { !$known{$_} } sort keys %lines], [],
        'each line is a request sent');
    is_deeply([grep { $lines{$_} > 1 } sort keys %lines], [],
        'none written twice');

    my @after = grep { $sent->{pages}{$_} eq 'c' } keys %{ $sent->{pages} };
    ok(@after >= 200, scalar(@after) . ' page views after the respawn');
    is_deeply([sort grep { !$lines{$_} } @after], [],
        'each of them has its line');

    # what the killed worker had not written yet is lost, and counted so: a
    # request cut off may have made its line before the connection went
    my $cut = grep { $lines{$_} } @{ $sent->{unanswered} };
    my $missing = grep { !$lines{$_} } keys %{ $sent->{pages} };
    is($counted->{written}, @lines, scalar(@lines) . ' lines written');
    is($counted->{lost}, $missing, "$missing lines lost with the killed "
        . "worker's buffer, " . scalar(@{ $sent->{unanswered} })
        . " requests cut off, $cut of them with a line");
    is($counted->{written} + $counted->{lost}, $produced + $cut,
        'each page view written or lost');
    ok($missing > 0, 'the killed worker had lines to lose');
    like($t->read_file('logs/error.log'),
        qr/\[warn\] .* cx_log: $missing lines for "\S+cx\.log" lost: the (?x)
        process\ before\ this\ one\ exited\ without\ writing\ them/,
        'its successor says so');
};

# the other side of the count above: workers that exit gracefully write
# what they hold, and the workers started in their process slots later
# find nothing left to count lost
subtest 'reloads count nothing lost' => sub {
    my $t = CX::Test->new(workers => 2);
    my $conf = http($HELD);
    $t->start($conf);

    my @workers;
    $t->wait_until(sub { (@workers = $t->worker_pids) == 2 },
        'two workers');

    # the second reload starts its workers in the slots of the first
    # generation's, which held lines in their buffers when it began
    for my $generation (1 .. 2) {
        $t->pipeline([map { ["/p?sid=$generation-$_"] } 1 .. 100]);
        $t->reload($conf);
        my @old = @workers;
        $t->wait_until(sub {
            @workers = $t->worker_pids;
            my %old = map { $_ => 1 } @old;
            @workers == 2 && !grep { $old{$_} } @workers;
        }, "generation $generation to exit");
    }

    my $counted = log_counters($t);
    $t->stop;

    my @lines = (($t->read_file('logs/cx.log') // '') =~ /([^\n]*)\n/g);
    is(scalar(@lines), 200, 'every page view written');
    is($counted->{written}, 200, '200 lines counted written');
    is($counted->{lost}, 0, 'none counted lost');
    unlike($t->read_file('logs/error.log'), qr/exited without writing/,
        'no process found lines left');
};

subtest 'a geo database replaced by a broken one under load' => sub {
    my $t = CX::Test->new(workers => 2);
    my $path = $t->prefix . '/geo.mmdb';
    copy("$GEO/GeoIP2-City-Test.mmdb", $path) or die "copy: $!";

    $t->start(http(<<"CONF"));
    cx_log %%PREFIX%%/logs/cx.log flush=100ms;
    cx_geoip2 $path auto_reload=50ms;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
CONF

    my $load = Load->new($t, clients => 4,
        headers => ['X-Forwarded-For' => '81.2.69.142']);
    $load->wait_for(200);

    my $size = -s $path;
    my $good = $t->read_file($path);

    # cut short: the metadata at the end is gone
    $load->phase('truncated');
    replace($t, $path, substr($good, 0, int($size * 0.6)));
    geo_errors($t, $path, 1);
    $load->wait_for(400);
    my @truncated = geo_errors($t, $path, 1);

    # garbage of the same size
    $load->phase('garbage');
    replace($t, $path, join '', map { chr int rand 256 } 1 .. $size);
    geo_errors($t, $path, @truncated + 1);
    $load->wait_for(400);
    my @garbage = geo_errors($t, $path, @truncated + 1);

    # a good one again, another kind: the Country database
    $load->phase('fixed');
    replace($t, $path, $t->read_file("$GEO/GeoIP2-Country-Test.mmdb"));
    $t->wait_until(sub {
        my @reloaded = ($t->read_file('logs/error.log') // '')
            =~ /cx_geoip2 "\Q$path\E" reloaded: GeoIP2-Country/g;
        @reloaded >= 2;
    }, 'both workers to take the good database');
    $load->phase('c');
    $load->wait_for(400);
    my $sent = $load->finish;

    $t->stop;

    is_deeply($sent->{unanswered}, [], 'every request answered');
    is_deeply($sent->{failed}, [], 'every request served');

    # at most one error per worker per broken file, however many requests
    # each worker served while it lay there
    my %per_worker;
    $per_worker{$_}++ for map { /\] (\d+)#/ ? $1 : () }
        geo_errors($t, $path, 0);
    ok(@truncated >= 1 && @garbage > @truncated,
        'an error for each broken file');
    is_deeply([grep { $per_worker{$_} > 2 } sort keys %per_worker], [],
        'two errors at most from each worker: '
        . join(', ', map { "$_: $per_worker{$_}" } sort keys %per_worker));
    like($garbage[-1], qr/cx_geoip2 "\Q$path\E" cannot be opened: .+, (?x)
        keeping\ the\ database\ in\ use/,
        'the error says the database in use is kept');

    my $content = $t->read_file('logs/cx.log') // '';
    like($content, qr/\n\z/, 'the file ends on a line boundary');
    my @lines = $content =~ /([^\n]*)\n/g;
    CX::Test::validate_journey(@lines);

    my %lines = sids(@lines);
    is_deeply([sort keys %lines], [sort keys %{ $sent->{pages} }],
        'a line for each page view');

    my (%geo, @wrong);
    for my $line (@lines) {
        my $r = CX::Test->json->decode($line);
        my ($phase) = ($r->{query} // '') =~ /phase=(\w+)/;
        my $geo = join '/', map { $_ // 'null' } @$r{qw(country city)};
        $geo{$phase}{$geo}++;
    }
    note(join '; ', map { my $p = $_; "$p: " . join(', ',
        map { "$_ $geo{$p}{$_}" } sort keys %{ $geo{$p} }) } sort keys %geo);

    for my $phase (qw(a truncated garbage)) {
        is_deeply([keys %{ $geo{$phase} }], ['GB/London'],
            "$phase: every line with the City database's answer");
    }
    is_deeply([keys %{ $geo{c} }], ['GB/null'],
        'after the good file: the Country database\'s answer');
};

done_testing();

# the journey file's lines written and lost
sub log_counters {
    my ($t) = @_;
    my $text = $t->request('GET', '/metrics', port => 'metrics')->{content}
        // '';
    my %v;
    for my $name (qw(written lost)) {
        ($v{$name}) = $text
            =~ /^cx_log_lines_${name}_total\{destination="[^"]*cx\.log"\} (\d+)$/m;
    }
    return \%v;
}

# sid => how many lines have it
sub sids {
    my %sids;
    for my $line (@_) {
        my $r = eval { CX::Test->json->decode($line) } or next;
        my ($sid) = ($r->{query} // '') =~ /\bsid=(\d+-\d+)/;
        $sids{$sid // '(none)'}++;
    }
    return %sids;
}

# a new file under the path in one rename, as geoipupdate does it
sub replace {
    my ($t, $path, $content) = @_;
    $t->write_file("$path.new", $content);
    rename "$path.new", $path or die "rename: $!";
}

# the errors about the database, once there are at least $count
sub geo_errors {
    my ($t, $path, $count) = @_;
    my @errors;
    $t->wait_until(sub {
        @errors = ($t->read_file('logs/error.log') // '')
            =~ /^(.*cx_geoip2 "\Q$path\E" cannot be opened.*)$/mg;
        @errors >= $count;
    }, "$count errors about $path");
    return @errors;
}


# Page views from concurrent keep-alive clients until finish(): each a GET
# /p?sid=CLIENT-N&phase=PHASE, the phase being the one set when the
# request was sent.
package Load;

use IO::Select;
use POSIX ();
use Time::HiRes qw(time);

sub new {
    my ($class, $t, %opt) = @_;

    my $dir = $t->prefix . '/load';
    mkdir $dir;
    pipe(my $in, my $out) or die "pipe: $!";

    my $self = bless { t => $t, dir => $dir, in => $in, pids => [],
        headers => $opt{headers} // [] }, $class;
    $self->phase('a');

    for my $client (1 .. $opt{clients}) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            close $in;
            $self->client($client, $out);
            POSIX::_exit(0);
        }
        push @{ $self->{pids} }, $pid;
    }

    close $out;
    return $self;
}

sub phase {
    my ($self, $phase) = @_;
    open my $fh, '>', "$self->{dir}/phase.new" or die "phase: $!";
    print $fh $phase;
    close $fh;
    rename "$self->{dir}/phase.new", "$self->{dir}/phase" or die "$!";
}

sub client {
    my ($self, $client, $progress) = @_;

    my $c = $self->{t}->connection;
    my $port = $self->{t}->port;
    my %out = (pages => {}, unanswered => [], failed => []);
    my @headers = @{ $self->{headers} };
    my $extra = '';
    while (my ($name, $value) = splice @headers, 0, 2) {
        $extra .= "$name: $value\r\n";
    }

    for (my $i = 1; !-e "$self->{dir}/stop"; $i++) {
        if (-e "$self->{dir}/pause") {
            my $paused = "$self->{dir}/paused-$client";
            open my $fh, '>', $paused or die "$paused: $!";
            close $fh;
            select(undef, undef, undef, 0.01) while -e "$self->{dir}/pause";
            unlink $paused;
        }

        open my $fh, '<', "$self->{dir}/phase" or die "phase: $!";
        my $phase = <$fh>;
        close $fh;

        my $sid = "$client-$i";
        # a new connection now and then, so that every worker has some
        my $res = $c->exchange("GET /p?sid=$sid&phase=$phase HTTP/1.1\r\n"
            . "Host: 127.0.0.1:$port\r\nUser-Agent: $CX::Test::BROWSER\r\n"
            . "$extra\r\n", close => $i % 20 == 0);

        if (!$res) {
            push @{ $out{unanswered} }, $sid;
        } elsif ($res->{status} != 200) {
            push @{ $out{failed} }, "$sid: $res->{status}";
        } else {
            $out{pages}{$sid} = $phase;
        }

        syswrite($progress, '.') if $i % 10 == 0;
    }

    open my $fh, '>', "$self->{dir}/client-$client.json" or die "$!";
    print $fh CX::Test->json->encode(\%out);
    close $fh;
}

# until resume(), each client waits before its next request; returns once
# they all wait, with every request sent answered
sub pause {
    my ($self) = @_;

    open my $fh, '>', "$self->{dir}/pause" or die "pause: $!";
    close $fh;
    $self->{t}->wait_until(sub {
        my @waiting = glob "$self->{dir}/paused-*";
        @waiting == @{ $self->{pids} };
    }, 'the load clients to pause');
}

sub resume {
    my ($self) = @_;

    unlink "$self->{dir}/pause" or die "resume: $!";
}

# until $n more requests are done
sub wait_for {
    my ($self, $n) = @_;

    my $select = IO::Select->new($self->{in});
    my $end = time + 60;
    my $done = 0;

    # what was done before counts not
    while ($select->can_read(0)) {
        sysread($self->{in}, my $dots, 65536) or last;
    }

    while ($done < $n) {
        die "the load stalled" if time > $end;
        next unless $select->can_read(1);
        my $got = sysread($self->{in}, my $dots, 4096);
        die "the load clients are gone" unless $got;
        $done += $got * 10;
    }
}

# stops the clients: { pages => { sid => phase }, unanswered => [sid...],
# failed => ["sid: status", ...] }
sub finish {
    my ($self) = @_;

    open my $fh, '>', "$self->{dir}/stop" or die "stop: $!";
    close $fh;
    waitpid $_, 0 for @{ $self->{pids} };

    my %all = (pages => {}, unanswered => [], failed => []);
    for my $client (1 .. @{ $self->{pids} }) {
        my $out = CX::Test->json->decode(
            $self->{t}->read_file("load/client-$client.json") // '{}');
        %{ $all{pages} } = (%{ $all{pages} }, %{ $out->{pages} // {} });
        push @{ $all{unanswered} }, @{ $out->{unanswered} // [] };
        push @{ $all{failed} }, @{ $out->{failed} // [] };
    }

    return \%all;
}
