#!/usr/bin/perl
# Sends COUNT keep-alive GET requests, one after the other, on one connection
# and checks each answer.  Usage: client.pl PORT COUNT PATH [HEADER...]

use strict;
use warnings;

use IO::Socket::INET;

my ($port, $count, $path, @headers) = @ARGV;

my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
    Proto => 'tcp') or die "connect: $!";
binmode $s;

my $extra = join '', map { "$_\r\n" } @headers;
my $request = "GET $path HTTP/1.1\r\nHost: bench.example\r\n"
    . "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    . "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n$extra\r\n";
my $buffer = '';

for my $n (1 .. $count) {
    print $s $request;

    while ($buffer !~ /\r\n\r\n/) {
        sysread($s, $buffer, 65536, length $buffer) or die "closed at $n";
    }

    my ($head, $rest) = split /\r\n\r\n/, $buffer, 2;
    die "request $n: $head" unless $head =~ m{^HTTP/1\.1 200};
    my ($length) = $head =~ /Content-Length: (\d+)/i;

    while (length $rest < $length) {
        sysread($s, $rest, 65536, length $rest) or die "closed at $n";
    }

    $buffer = substr $rest, $length;
}

close $s;
