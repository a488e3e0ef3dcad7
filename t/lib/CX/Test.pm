package CX::Test;

# The integration test harness: one real nginx per test file, in a temporary
# prefix, on free 127.0.0.1 ports, with the configuration the test writes.
# Core Perl only (Test::More, JSON::PP, IO::Socket::INET).
#
# Which nginx: CX_NGINX (default /usr/sbin/nginx, Debian's) and CX_MODULE
# (default the dynamic build's .so; empty for a binary with the module built
# in).  CX_SANITIZED=1 says the binary has ASan/UBSan: any report fails.
# CX_KEEP=1 keeps the prefix for a look after the run.

use strict;
use warnings;

use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir tempfile);
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use POSIX qw(WNOHANG);
use Scalar::Util qw(weaken);
use Socket qw(SOL_SOCKET SO_RCVBUF);
use Test::More ();
use Time::HiRes qw(time sleep);

our $ROOT = abs_path(dirname(__FILE__) . '/../../..');
our $SHARED = abs_path("$ROOT/../shared") // "$ROOT/../shared";

my $DEFAULT_MODULE = "$ROOT/build/dynamic/nginx/objs/ngx_http_cx_module.so";
my $DEADLINE = 15;
our $BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 '
    . '(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
my $JSON = JSON::PP->new->utf8->canonical;

# every instance, weakly: a test that dies leaves none of its nginx behind
my @INSTANCES;

sub new {
    my ($class, %opt) = @_;

    my $prefix = tempdir('cx-test-XXXXXX', TMPDIR => 1,
        CLEANUP => !$ENV{CX_KEEP});

    # workers run as an unprivileged user when the tests run as root
    chmod 0755, $prefix;
    mkdir "$prefix/$_" for qw(html logs tmp);

    # %%SECRET%%: a cx_secret of the test's own
    open my $key, '>', "$prefix/cx.key" or die "cx.key: $!";
    print $key "test secret of $prefix, 32 bytes or more\n";
    close $key;

    my $self = bless {
        prefix => $prefix,
        nginx => $ENV{CX_NGINX} || '/usr/sbin/nginx',
        module => $ENV{CX_MODULE} // ($ENV{CX_NGINX} ? '' : $DEFAULT_MODULE),
        workers => $opt{workers} // 1,
        ports => {},
        owner => $$,
    }, $class;

    # workers run as nobody when the tests run as root: their reports need a
    # directory anyone can write to
    mkdir "$prefix/sanitizer";
    chmod 01777, "$prefix/sanitizer";

    if ($ENV{CX_SANITIZED}) {
        $ENV{ASAN_OPTIONS} = "log_path=$prefix/sanitizer/report:detect_leaks=0"
            . ':abort_on_error=0:exitcode=99';
        $ENV{UBSAN_OPTIONS} = "log_path=$prefix/sanitizer/report"
            . ":print_stacktrace=1:halt_on_error=1"
            . ":suppressions=$ROOT/t/lib/ubsan.supp";
    }

    Test::More::note("cx test prefix $prefix, nginx $self->{nginx}");

    push @INSTANCES, $self;
    weaken($INSTANCES[-1]);

    return $self;
}

sub prefix { $_[0]{prefix} }
sub root { $ROOT }
sub shared { $SHARED }

# A free port on 127.0.0.1, the same one each time for the same name.
sub port {
    my ($self, $name) = @_;
    $name //= 'main';

    return $self->{ports}{$name} //= do {
        my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
            LocalPort => 0, Proto => 'tcp', ReuseAddr => 1)
            or die "no free port: $!";
        my $port = $s->sockport;
        close $s;
        $port;
    };
}

sub write_file {
    my ($self, $name, $content) = @_;
    my $path = $name =~ m{^/} ? $name : "$self->{prefix}/$name";

    my $dir = dirname($path);
    system('mkdir', '-p', $dir) == 0 or die "mkdir $dir failed";

    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh $content;
    close $fh;

    return $path;
}

sub read_file {
    my ($self, $name) = @_;
    my $path = $name =~ m{^/} ? $name : "$self->{prefix}/$name";

    open my $fh, '<:raw', $path or return undef;
    local $/;
    my $content = <$fh>;
    close $fh;

    return $content;
}

# %%PREFIX%%, %%ROOT%%, %%SHARED%%, %%SECRET%%, %%PORT%% and %%PORT_name%%
# in a config; %%LISTEN_H2%% (or %%LISTEN_H2_name%%) is an https listener
# speaking HTTP/2 on port('h2') (or port(name)) with tls_certificate().
sub expand {
    my ($self, $text) = @_;

    $text =~ s/%%LISTEN_H2(?:_(\w+))?%%/$self->listen_h2($1 \/\/ 'h2')/ge;
    $text =~ s/%%SECRET%%/$self->{prefix}\/cx.key/g;
    $text =~ s/%%PREFIX%%/$self->{prefix}/g;
    $text =~ s/%%ROOT%%/$ROOT/g;
    $text =~ s/%%SHARED%%/$SHARED/g;
    $text =~ s/%%PORT_(\w+)%%/$self->port($1)/ge;
    $text =~ s/%%PORT%%/$self->port('main')/ge;

    return $text;
}

# A self-signed certificate for 127.0.0.1 and localhost, made with openssl
# in the prefix the first time it is asked for: (certificate, key).
sub tls_certificate {
    my ($self) = @_;

    my ($crt, $key) = map { "$self->{prefix}/tls.$_" } qw(crt key);

    unless (-s $crt && -s $key) {
        my ($ok, $out) = run_command('openssl', 'req', '-x509', '-nodes',
            '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
            '-keyout', $key, '-out', $crt, '-days', '2',
            '-subj', '/CN=localhost',
            '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost');
        die "openssl could not make a certificate:\n$out" unless $ok;
        chmod 0644, $key;
    }

    return ($crt, $key);
}

sub listen_h2 {
    my ($self, $name) = @_;

    my ($crt, $key) = $self->tls_certificate;
    my $port = $self->port($name);

    return "listen 127.0.0.1:$port ssl http2;\n"
        . "        ssl_certificate $crt;\n"
        . "        ssl_certificate_key $key;";
}

# The whole nginx.conf around the http{} body a test gives; "main" adds
# top-level directives.
sub config {
    my ($self, $http, %opt) = @_;
    my $p = $self->{prefix};

    my $load = $self->{module} ? "load_module $self->{module};\n" : '';
    my $main = $opt{main} // '';

    return $self->expand(<<"EOF");
$load
worker_processes $self->{workers};
error_log $p/logs/error.log info;
pid $p/logs/nginx.pid;
$main

events {
    worker_connections 256;
}

http {
    types {
        text/html                 html htm;
        text/css                  css;
        text/plain                txt;
        image/png                 png;
        application/javascript    js;
        application/json          json;
    }

    default_type application/octet-stream;
    access_log off;

    client_body_temp_path $p/tmp/body;
    proxy_temp_path $p/tmp/proxy;
    fastcgi_temp_path $p/tmp/fastcgi;
    uwsgi_temp_path $p/tmp/uwsgi;
    scgi_temp_path $p/tmp/scgi;

$http
}
EOF
}

sub start {
    my ($self, $http, %opt) = @_;

    $self->{conf} = $self->write_file('nginx.conf', $self->config($http, %opt));

    my ($ok, $out) = $self->run_nginx('-c', $self->{conf});
    die "nginx did not start:\n$out" unless $ok;

    $self->wait_until(sub { $self->master_pid && $self->connectable },
        'nginx to listen on ' . $self->port);

    $self->{running} = 1;

    return $self;
}

# nginx -t on a config built like start()'s: (passed, output).
sub nginx_test {
    my ($self, $http, %opt) = @_;

    my $conf = $self->write_file('test.conf', $self->config($http, %opt));

    return $self->run_nginx('-t', '-c', $conf);
}

sub run_nginx {
    my ($self, @args) = @_;
    return run_command($self->{nginx}, '-p', "$self->{prefix}/", @args);
}

# Runs a program: (exited 0, its output and errors).
sub run_command {
    my (@command) = @_;

    my $pid = open(my $out, '-|');
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        open STDERR, '>&', \*STDOUT;
        exec @command;
        exit 127;
    }

    local $/;
    my $text = <$out> // '';
    close $out;

    return ($? == 0, $text);
}

sub master_pid {
    my ($self) = @_;

    my $pid = $self->read_file('logs/nginx.pid') // return undef;
    $pid =~ s/\s+//g;

    return $pid =~ /^\d+$/ && alive($pid) ? $pid : undef;
}

# A daemonised nginx is not our child: once it exits it stays a zombie until
# init reaps it, which can take a while in a container.
sub alive {
    my ($pid) = @_;

    open my $fh, '<', "/proc/$pid/stat" or return kill(0, $pid);
    my $stat = <$fh> // '';
    close $fh;

    return $stat =~ /^\d+ \(.*\) ([A-Za-z])/ && $1 ne 'Z';
}

sub connectable {
    my ($self) = @_;

    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
        PeerPort => $self->port, Proto => 'tcp', Timeout => 1);

    return $s ? 1 : 0;
}

sub signal {
    my ($self, $signal) = @_;

    my $pid = $self->master_pid or die "nginx is not running";
    kill $signal, $pid;
}

sub reload {
    my ($self, $http, %opt) = @_;

    if (defined $http) {
        $self->write_file('nginx.conf', $self->config($http, %opt));
    }

    $self->signal('HUP');
}

sub reopen { $_[0]->signal('USR1') }

# Stops nginx gracefully (its workers flush their buffers) and waits for it.
sub stop {
    my ($self, %opt) = @_;

    kill 'TERM', @{ $self->{backends} } if $self->{backends};
    waitpid $_, 0 for @{ delete $self->{backends} // [] };

    return unless $self->{running};
    $self->{running} = 0;

    my $pid = $self->master_pid;

    if ($pid) {
        kill 'QUIT', $pid;
        $self->wait_until(sub { !alive($pid) }, "nginx $pid to exit");
    }

    $self->check_health(%opt);
}

# No worker may crash and no sanitizer may report, whatever the test did.
sub check_health {
    my ($self, %opt) = @_;

    my ($crashes, $reports) = $self->health(%opt);

    Test::More::ok(!$crashes, 'no worker crashed') or Test::More::diag($crashes);
    Test::More::ok(!$reports, 'no sanitizer report')
        or Test::More::diag($reports);
}

# The crashes in the error log and the sanitizer reports, as text.  A
# test that kills workers itself names them: killed => [pid, ...] leaves
# out their "exited on signal 9", and only that.
sub health {
    my ($self, %opt) = @_;

    my %killed = map { $_ => 1 } @{ $opt{killed} // [] };
    my $log = $self->read_file('logs/error.log') // '';
    my $crashes = join "\n", grep {
        !(/worker process (\d+) exited on signal 9\b/ && $killed{$1})
    } $log =~ /^(.*(?:exited on signal|exited with code [1-9]).*)$/mg;
    my $reports = join "\n",
        map { $self->read_file($_) } glob("$self->{prefix}/sanitizer/*");

    # a worker's report can land on its stderr, which nginx points at the
    # error log, instead of in log_path
    my $sanitizer = qr/runtime error: |ERROR: \w+Sanitizer|SUMMARY: \w+San/;
    $reports = join "\n", grep { length } $reports,
        $log =~ /^(.*(?:$sanitizer).*)$/mg;

    return ($crashes, $reports);
}

END {
    $_->DESTROY for grep { defined } @INSTANCES;
}

sub DESTROY {
    my ($self) = @_;

    return unless $self->{owner} == $$;

    kill 'TERM', @{ delete $self->{backends} } if $self->{backends};

    # a test's forked clients end without stopping the test's nginx
    if ($self->{running}) {
        $self->{running} = 0;
        my $pid = $self->master_pid;
        kill 'TERM', $pid if $pid;
        Test::More::diag($_) for grep { $_ } $self->health;
    }
}

# Polls cond until it holds, dying after the deadline.
sub wait_until {
    my ($self, $cond, $what, $deadline) = @_;

    my $end = time + ($deadline // $DEADLINE);

    while (time < $end) {
        return 1 if $cond->();
        sleep 0.02;
    }

    my $health = join "\n", grep { $_ } $self->health;
    die "timed out waiting for $what\n" . ($health ? "$health\n" : '');
}

# An HTTP/1.1 request with exactly the headers given (Host included, which
# HTTP::Tiny refuses to take), on a connection of its own.  Returns
# { status, headers => { lowercase name => value }, fields => [[name,
# value], ...] (every header, repeated ones too), content }.
sub request {
    my ($self, $method, $path, %opt) = @_;

    my @headers = @{ $opt{headers} // [] };
    my %given = map { lc($_) => 1 } @headers[grep { $_ % 2 == 0 } 0 .. $#headers];
    my $content = $opt{content};

    unshift @headers, Host => "127.0.0.1:" . $self->port($opt{port} // 'main')
        unless exists $given{host};

    # a browser unless the test says otherwise: no agent at all is a bot
    push @headers, 'User-Agent' => $BROWSER
        unless exists $given{'user-agent'};
    push @headers, 'Content-Length' => length $content
        if defined $content && !exists $given{'content-length'};
    push @headers, Connection => 'close';

    my $bytes = "$method $path HTTP/1.1\r\n";
    while (my ($name, $value) = splice @headers, 0, 2) {
        $bytes .= "$name: $value\r\n";
    }
    $bytes .= "\r\n" . ($content // '');

    return parse_response($self->raw($bytes, %opt), $method);
}

sub get {
    my ($self, $path, @headers) = @_;
    return $self->request('GET', $path, headers => \@headers);
}

# the series of a cx_metrics location ("/metrics" unless named), by their
# text with labels: {'cx_page_views_total{...}' => value}
sub metrics {
    my ($self, $path) = @_;
    my %v;
    for (split /\n/, $self->get($path // '/metrics')->{content} // '') {
        next if /^#/;
        my ($series, $value) = /^(\S+) (\S+)$/ or next;
        $v{$series} = $value;
    }
    return %v;
}

sub parse_response {
    my ($raw, $method) = @_;

    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    my ($status_line, @lines) = split /\r\n/, $head // '';
    my ($status) = ($status_line // '') =~ m{^HTTP/\d(?:\.\d)? (\d{3})};

    my (%headers, @fields);
    for (@lines) {
        my ($name, $value) = /^([^:]+):\s*(.*)$/ or next;
        push @fields, [$name, $value];
        $headers{lc $name} = exists $headers{lc $name}
            ? "$headers{lc $name}, $value" : $value;
    }

    $body //= '';
    $body = '' if ($method // '') eq 'HEAD';

    if (($headers{'transfer-encoding'} // '') =~ /chunked/i) {
        my $decoded = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r]*\r\n//) {
            my $size = hex $1;
            last if $size == 0;
            $decoded .= substr($body, 0, $size, '');
            $body =~ s/^\r\n//;
        }
        $body = $decoded;
    }

    return { status => $status // 0, headers => \%headers,
        fields => \@fields, content => $body };
}

# Requests made by curl, as clients other than this harness make them: on
# one connection (curl reuses it; HTTP/2 streams on it), in order.  Each
# request is { path, method (GET), headers => [name, value, ...], content };
# common options: h2 => 1 (https with --http2 on port('h2') or port =>
# name), tls => 1 (https with --http1.1 on port), neither (plain HTTP/1.1
# on port('main') or port), jar => file (curl's cookie engine keeps the
# cookies between the requests).  A browser's User-Agent unless a request
# gives its own.  Returns the responses as request() does, plus
# http_version ("2", "1.1") and num_connects (0 when the connection was
# reused).
sub curl {
    my ($self, $requests, %opt) = @_;

    # the heads and bodies stay in the prefix, for a look with CX_KEEP=1
    my $dir = tempdir('curl-XXXXXX', DIR => "$self->{prefix}/tmp");
    my $scheme = $opt{h2} || $opt{tls} ? 'https' : 'http';
    my $port = $self->port($opt{port} // ($opt{h2} ? 'h2' : 'main'));
    my @args = ('curl', '-q', '--silent', '--show-error', '--noproxy', '*',
        '--max-time', $DEADLINE);
    my $i = 0;

    for my $request (@$requests) {
        my $method = $request->{method} // 'GET';
        my @headers = @{ $request->{headers} // [] };
        my %given = map { lc($_) => 1 }
            @headers[grep { $_ % 2 == 0 } 0 .. $#headers];

        push @headers, 'User-Agent' => $BROWSER
            unless exists $given{'user-agent'};

        push @args, '--next' if $i;
        push @args, $opt{h2} ? '--http2' : '--http1.1';
        push @args, '--insecure' if $scheme eq 'https';
        push @args, '--cookie', $opt{jar}, '--cookie-jar', $opt{jar}
            if $opt{jar};
        if ($method eq 'HEAD') {
            push @args, '--head';
        } elsif ($method ne (defined $request->{content} ? 'POST' : 'GET')) {
            push @args, '--request', $method;
        }
        while (my ($name, $value) = splice @headers, 0, 2) {
            push @args, '--header', "$name: $value";
        }
        if (defined $request->{content}) {
            $self->write_file("$dir/request.$i", $request->{content});
            push @args, '--data-binary', "\@$dir/request.$i";
        }
        push @args, '--dump-header', "$dir/head.$i", '--output',
            "$dir/body.$i", '--write-out',
            '%{http_version} %{num_connects}\n',
            "$scheme://127.0.0.1:$port$request->{path}";
        $i++;
    }

    my ($ok, $out) = run_command(@args);
    my @written = $out =~ /^(\S+ \d+)$/mg;
    die "curl failed:\n$out" unless $ok && @written == @$requests;

    my @responses;

    for my $n (0 .. $#$requests) {
        my ($version, $connects) = split / /, $written[$n];

        # the last head: a 100 Continue may come before it
        my $head = $self->read_file("$dir/head.$n") // '';
        my @heads = split /\r\n\r\n/, $head;
        my $response = parse_response("$heads[-1]\r\n\r\n", 'HEAD');

        $response->{content} = $self->read_file("$dir/body.$n") // '';
        $response->{http_version} = $version;
        $response->{num_connects} = $connects;
        push @responses, $response;
    }

    return @responses;
}

# Many GET requests on keep-alive connections, pipelined in batches: each
# a list of [path, headers...]; returns the responses in order, as
# request() does.  A connection carries at most 500 (nginx's
# keepalive_requests is 1000).
sub pipeline {
    my ($self, $requests, %opt) = @_;

    my @responses;

    for (my $i = 0; $i < @$requests; $i += 500) {
        my $last = $i + 499 > $#$requests ? $#$requests : $i + 499;
        push @responses, $self->pipeline_connection(
            [@$requests[$i .. $last]], %opt);
    }

    return @responses;
}

sub pipeline_connection {
    my ($self, $requests, %opt) = @_;

    my $port = $self->port($opt{port} // 'main');
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
        Proto => 'tcp', Timeout => 10) or die "connect: $!";
    binmode $s;

    my @responses;
    my $buffer = '';
    my $batch = 50;

    for (my $first = 0; $first < @$requests; $first += $batch) {
        my $last = $first + $batch - 1;
        $last = $#$requests if $last > $#$requests;

        for my $request (@$requests[$first .. $last]) {
            my ($path, @headers) = @$request;
            my $bytes = "GET $path HTTP/1.1\r\nHost: 127.0.0.1:$port\r\n"
                . "User-Agent: $BROWSER\r\n";
            while (my ($name, $value) = splice @headers, 0, 2) {
                $bytes .= "$name: $value\r\n";
            }
            print $s "$bytes\r\n";
        }

        for ($first .. $last) {
            my $end = time + $DEADLINE;
            while ($buffer !~ /\r\n\r\n/ && time < $end) {
                sysread($s, $buffer, 65536, length $buffer)
                    or die "pipeline: connection closed";
            }
            my ($head, $rest) = split /\r\n\r\n/, $buffer, 2;
            my ($length) = $head =~ /\r\nContent-Length: (\d+)/i;
            $length //= 0;
            $rest //= '';
            while (length($rest) < $length && time < $end) {
                sysread($s, $rest, 65536, length $rest)
                    or die "pipeline: connection closed";
            }
            push @responses, parse_response("$head\r\n\r\n"
                . substr($rest, 0, $length), 'GET');
            $buffer = substr($rest, $length);
        }
    }

    close $s;

    return @responses;
}

# A backend on port(name) answering every request with its request line
# and headers as JSON: {"n": requests so far, "uri": ..., "headers":
# [[name, value], ...]}; a "delay=MS" in the URI makes it answer that late
# (a slow application); type => "application/json" answers with another
# Content-Type than text/html (an API).  Stopped with the test's nginx.
sub echo_backend {
    my ($self, $name, %opt) = @_;
    $name //= 'backend';
    my $type = $opt{type} // 'text/html';

    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
        LocalPort => $self->port($name), Proto => 'tcp', Listen => 64,
        ReuseAddr => 1) or die "echo backend: $!";

    my $pid = fork // die "fork: $!";

    if ($pid) {
        close $listen;
        push @{ $self->{backends} }, $pid;
        return $pid;
    }

    my $n = 0;

    while (my $c = $listen->accept) {
        binmode $c;
        my $request = '';
        while ($request !~ /\r\n\r\n/) {
            sysread($c, $request, 65536, length $request) or last;
        }
        my ($line, @lines) = split /\r\n/, (split /\r\n\r\n/, $request)[0];
        my @headers = map { [/^([^:]+):\s*(.*)$/] } @lines;
        my ($uri) = $line =~ /^\S+ (\S+)/;
        my ($delay) = ($uri // '') =~ /delay=(\d+)/;
        select(undef, undef, undef, $delay / 1000) if $delay;
        my $body = $JSON->encode({ n => ++$n, uri => $uri,
            headers => \@headers });
        print $c "HTTP/1.1 200 OK\r\nContent-Type: $type\r\n"
            . "Cache-Control: max-age=60\r\n"
            . "Content-Length: " . length($body) . "\r\n"
            . "Connection: close\r\n\r\n$body";
        close $c;
    }

    POSIX::_exit(0);
}

# A FastCGI responder on port(name) answering every request with its
# parameters as JSON ({"HTTP_X_CX_VISITOR": ..., ...}): what a PHP backend
# would find in $_SERVER.  Stopped with the test's nginx.
sub fastcgi_backend {
    my ($self, $name) = @_;
    $name //= 'fastcgi';

    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
        LocalPort => $self->port($name), Proto => 'tcp', Listen => 64,
        ReuseAddr => 1) or die "fastcgi backend: $!";

    my $pid = fork // die "fork: $!";

    if ($pid) {
        close $listen;
        push @{ $self->{backends} }, $pid;
        return $pid;
    }

    while (my $c = $listen->accept) {
        binmode $c;
        my ($id, $params, %params) = (1, '');

        while (my ($type, $rid, $content) = fastcgi_record($c)) {
            $id = $rid;
            $params .= $content if $type == 4;
            last if $type == 5 && $content eq '';
        }

        while (length $params) {
            my ($n, $v);
            ($n, $params) = fastcgi_length($params);
            ($v, $params) = fastcgi_length($params);
            my $key = substr($params, 0, $n, '');
            $params{$key} = substr($params, 0, $v, '');
        }

        my $body = "Content-Type: text/html\r\n\r\n" . $JSON->encode(\%params);
        print $c pack('CCnnCC', 1, 6, $id, length $body, 0, 0), $body,
            pack('CCnnCC', 1, 6, $id, 0, 0, 0),
            pack('CCnnCC', 1, 3, $id, 8, 0, 0), pack('NCx3', 0, 0);
        close $c;
    }

    POSIX::_exit(0);
}

sub fastcgi_record {
    my ($c) = @_;
    my $head = fastcgi_read($c, 8) // return;
    my ($version, $type, $id, $length, $padding) = unpack 'CCnnC', $head;
    my $content = fastcgi_read($c, $length + $padding) // return;
    return ($type, $id, substr($content, 0, $length));
}

sub fastcgi_read {
    my ($c, $n) = @_;
    my $data = '';
    while (length $data < $n) {
        sysread($c, $data, $n - length $data, length $data) or return undef;
    }
    return $data;
}

sub fastcgi_length {
    my ($bytes) = @_;
    my $first = ord $bytes;
    return $first < 128 ? ($first, substr($bytes, 1))
        : (unpack('N', $bytes) & 0x7fffffff, substr($bytes, 4));
}

# Sends bytes exactly as given and returns the whole raw response.
sub raw {
    my ($self, $bytes, %opt) = @_;

    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
        PeerPort => $self->port($opt{port} // 'main'), Proto => 'tcp',
        Timeout => 10) or die "connect: $!";

    binmode $s;
    print $s $bytes;

    my $response = '';
    my $select = IO::Select->new($s);
    my $end = time + $DEADLINE;

    while (time < $end && $select->can_read($end - time)) {
        my $n = sysread($s, my $chunk, 65536);
        last unless $n;
        $response .= $chunk;
    }

    close $s;

    return $response;
}

# The complete lines of a journey log, polling until there are at least
# $count of them.
sub journey_lines {
    my ($self, $count, %opt) = @_;

    my $file = $opt{file} // "$self->{prefix}/logs/cx.log";
    my @lines;

    $self->wait_until(sub {
        my $content = $self->read_file($file) // '';
        @lines = $content =~ /([^\n]*)\n/g;
        @lines >= $count;
    }, "$count journey lines in $file", $opt{deadline});

    return @lines;
}

# As journey_lines, parsed, each validated against docs/journey.schema.json.
sub journey {
    my ($self, $count, %opt) = @_;

    my @lines = $self->journey_lines($count, %opt);
    validate_journey(@lines);

    return map { $JSON->decode($_) } @lines;
}

# Checks each line with python3-jsonschema against the record's schema.
sub validate_journey {
    my (@lines) = @_;

    return unless @lines;

    my ($fh, $file) = tempfile(UNLINK => 1);
    binmode $fh;
    print $fh map { "$_\n" } @lines;
    close $fh;

    my $out = `/usr/bin/python3 $ROOT/t/lib/validate-journey.py \\
        $ROOT/docs/journey.schema.json < $file 2>&1`;

    Test::More::is($?, 0, scalar(@lines) . ' journey lines match the schema')
        or Test::More::diag($out);
}

# A UDP socket on a free port, for syslog.
sub udp_listener {
    my ($self, $name) = @_;

    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
        Proto => 'udp') or die "udp: $!";
    setsockopt($s, SOL_SOCKET, SO_RCVBUF, 4 * 1024 * 1024);

    $self->{ports}{$name // 'syslog'} = $s->sockport;

    return $s;
}

# Reads $count datagrams, polling with the deadline.
sub udp_messages {
    my ($self, $socket, $count) = @_;

    my @messages;
    my $select = IO::Select->new($socket);
    my $end = time + $DEADLINE;

    while (@messages < $count && time < $end) {
        next unless $select->can_read($end - time);
        $socket->recv(my $datagram, 65536);
        push @messages, $datagram;
    }

    return @messages;
}

sub json { $JSON }

# What GrowthBook's JS SDK assigns each visitor: { experiment => [variant
# or undef, ...] }.  The SDK is the one `make growthbook` installs.
# Why GrowthBook's SDK cannot answer (undef when it can): `make growthbook`
# installs it from the npm registry, and `make test` runs that after the
# integration tests, so they pass without the registry.  With
# CX_GROWTHBOOK_REQUIRED set (`make test-growthbook`), a missing SDK is no
# reason to skip: growthbook() then fails.
sub growthbook_missing {
    my $sdk = $ENV{CX_GROWTHBOOK} // "$ROOT/build/growthbook";

    return undef if $ENV{CX_GROWTHBOOK_REQUIRED}
        || -d "$sdk/node_modules/\@growthbook/growthbook";
    return "GrowthBook's SDK is not installed: make test-growthbook "
        . 'compares with it';
}

sub growthbook {
    my ($self, $experiments, $visitors) = @_;

    my $sdk = $ENV{CX_GROWTHBOOK} // "$ROOT/build/growthbook";
    my ($fh, $file) = tempfile(UNLINK => 1);
    print $fh $JSON->encode({ experiments => $experiments,
        visitors => $visitors });
    close $fh;

    my $out = `node $ROOT/t/lib/growthbook-assign.js $sdk < $file`;
    die "growthbook-assign.js failed: $?" if $?;

    return $JSON->decode($out);
}

# Runs build/cx-cookie: (exit code, its output without the final newline).
sub cookie_tool {
    my ($self, @args) = @_;

    my $pid = open(my $out, '-|');
    die "fork: $!" unless defined $pid;

    if ($pid == 0) {
        open STDERR, '>&', \*STDOUT;
        exec "$ROOT/build/cx-cookie", @args;
        exit 127;
    }

    my $text = do { local $/; <$out> } // '';
    close $out;
    $text =~ s/\n\z//;

    return ($? >> 8, $text);
}

# The value of our cookie in a response's Set-Cookie, and its attributes.
sub set_cookie {
    my ($response, $name) = @_;
    $name //= 'cx';

    for my $field (@{ $response->{fields} }) {
        next unless lc $field->[0] eq 'set-cookie';
        return $field->[1] if $field->[1] =~ /^\Q$name\E=/;
    }

    return undef;
}

sub cookie_value {
    my ($response, $name) = @_;
    my $cookie = set_cookie($response, $name) // return undef;
    my ($value) = $cookie =~ /^[^=]+=([^;]*)/;
    return $value;
}

# The worker processes of the running nginx: the master's children, from
# /proc.
sub worker_pids {
    my ($self) = @_;

    my $master = $self->master_pid or return ();
    my @pids;

    for my $stat (glob '/proc/[0-9]*/stat') {
        open my $fh, '<', $stat or next;
        my $line = <$fh> // '';
        close $fh;
        my ($pid, $state, $ppid) = $line =~ /^(\d+) \(.*\) (\S) (\d+)/
            or next;
        push @pids, $pid if $ppid == $master && $state ne 'Z';
    }

    return sort { $a <=> $b } @pids;
}

# A keep-alive client connection: $c = $t->connection; then
# $c->exchange($request_bytes) sends the bytes and returns the response
# (as request() does, plus "raw_head"), or undef when the connection ended
# before a whole response (nginx closed an idle connection on reload, a
# worker died).  The next exchange connects again when needed.  Options:
# method => 'HEAD' (an answer without a body), close => 1 (disconnect
# after this one).
sub connection {
    my ($self, %opt) = @_;

    return CX::Test::Connection->new(
        port => $self->port($opt{port} // 'main'),
        deadline => $opt{deadline} // $DEADLINE);
}

package CX::Test::Connection;

use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

sub new {
    my ($class, %opt) = @_;
    return bless { %opt, socket => undef, buffer => '' }, $class;
}

sub disconnect {
    my ($self) = @_;
    CORE::close($self->{socket}) if $self->{socket};
    $self->{socket} = undef;
    $self->{buffer} = '';
}

sub exchange {
    my ($self, $bytes, %opt) = @_;

    unless ($self->{socket}) {
        $self->{socket} = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
            PeerPort => $self->{port}, Proto => 'tcp', Timeout => 10)
            or die "connect to $self->{port}: $!";
        binmode $self->{socket};
        $self->{buffer} = '';
    }

    my $s = $self->{socket};
    local $SIG{PIPE} = 'IGNORE';

    # a big body nginx refuses early can meet a reset: what it answered
    # before is still read below
    my $off = 0;
    while ($off < length $bytes) {
        my $n = syswrite($s, $bytes, length($bytes) - $off, $off);
        last unless $n;
        $off += $n;
    }

    my $end = time + $self->{deadline};
    my $select = IO::Select->new($s);
    my $more = sub {
        return 0 unless $select->can_read($end - time);
        my $n = sysread($s, $self->{buffer}, 65536, length $self->{buffer});
        return $n ? 1 : 0;
    };

    my $head_end;
    until (($head_end = index($self->{buffer}, "\r\n\r\n")) >= 0) {
        unless ($more->()) {
            $self->disconnect;
            return undef;
        }
    }

    my $head = substr($self->{buffer}, 0, $head_end);
    my $rest = substr($self->{buffer}, $head_end + 4);
    my ($status) = $head =~ m{^HTTP/\d\.\d (\d{3})};
    my $body = '';

    my $no_body = ($opt{method} // '') eq 'HEAD' || !defined $status
        || $status == 204 || $status == 304 || $status < 200;

    if ($no_body) {
        # nothing to read
    } elsif ($head =~ /\r\nTransfer-Encoding:\s*chunked/i) {
        while (1) {
            if ($rest =~ /^([0-9a-fA-F]+)[^\r\n]*\r\n/) {
                my ($size, $line) = (hex $1, length($&));
                if ($size == 0) {
                    if ($rest =~ /^[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/) {
                        $rest = substr($rest, length $&);
                        last;
                    }
                } elsif (length($rest) >= $line + $size + 2) {
                    $body .= substr($rest, $line, $size);
                    $rest = substr($rest, $line + $size + 2);
                    next;
                }
            }
            $self->{buffer} = $rest;
            unless ($more->()) {
                $self->disconnect;
                return undef;
            }
            $rest = $self->{buffer};
        }
    } elsif ($head =~ /\r\nContent-Length:\s*(\d+)/i) {
        my $length = $1;
        $self->{buffer} = $rest;
        while (length($self->{buffer}) < $length) {
            unless ($more->()) {
                $self->disconnect;
                return undef;
            }
        }
        $rest = $self->{buffer};
        $body = substr($rest, 0, $length, '');
    } else {
        # to the end of the connection
        $self->{buffer} = $rest;
        1 while $more->();
        $body = $self->{buffer};
        $rest = '';
        $head .= "\r\nConnection: close";
    }

    $self->{buffer} = $rest;

    my $response = CX::Test::parse_response("$head\r\n\r\n", 'HEAD');
    $response->{content} = $body;
    $response->{raw_head} = $head;

    $self->disconnect if $head =~ /\r\nConnection:\s*close/i || $opt{close};

    return $response;
}

package CX::Test;

1;
