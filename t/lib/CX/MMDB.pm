package CX::MMDB;

# A MaxMind DB writer for tests, small enough to read: an IPv4 database of
# one tree node, whose two records answer for 0.0.0.0/1 and 128.0.0.0/1.
# The values are written byte for byte as given, whatever they hold, which
# is what a test of a hostile or broken database needs.  The format is
# MaxMind DB 2.0 (https://maxmind.github.io/MaxMind-DB/).  Core Perl only.
#
#   CX::MMDB::write($path, low => { country => { iso_code => 'GB' } },
#                   high => {...}, type => 'GeoIP2-City');

use strict;
use warnings;

my $METADATA_MARKER = "\xAB\xCD\xEFMaxMind.com";

sub write {
    my ($path, %opt) = @_;

    my $low = encode($opt{low});
    my $high = encode($opt{high});

    # one node of two 24-bit records; a record past the node count points
    # into the data section, after its 16-byte separator
    my $node_count = 1;
    my $record = sub { substr(pack('N', $node_count + 16 + $_[0]), 1) };
    my $tree = $record->(0) . $record->(length $low);

    my $metadata = encode({
        node_count => [uint32 => $node_count],
        record_size => [uint16 => 24],
        ip_version => [uint16 => 4],
        database_type => $opt{type} // 'GeoIP2-City',
        languages => ['en'],
        binary_format_major_version => [uint16 => 2],
        binary_format_minor_version => [uint16 => 0],
        build_epoch => [uint64 => 1764720000],
        description => { en => 'cx test database' },
    });

    open my $fh, '>:raw', $path or die "$path: $!";
    print $fh $tree, "\0" x 16, $low, $high, $METADATA_MARKER, $metadata;
    close $fh or die "$path: $!";

    return $path;
}

# a hash is a map, an array ref an array, [type => n] an unsigned integer,
# anything else a string of its bytes
sub encode {
    my ($v) = @_;

    if (ref $v eq 'HASH') {
        return control(7, scalar keys %$v)
            . join '', map { encode($_) . encode($v->{$_}) } sort keys %$v;
    }

    if (ref $v eq 'ARRAY' && @$v == 2 && $v->[0] =~ /^uint(16|32|64)$/) {
        my ($bits, $n) = ($1, $v->[1]);
        my $bytes = pack('Q>', $n) =~ s/^\0+//r;
        my $type = { 16 => 5, 32 => 6, 64 => 9 }->{$bits};
        return control($type, length $bytes) . $bytes;
    }

    if (ref $v eq 'ARRAY') {
        return control(11, scalar @$v) . join '', map { encode($_) } @$v;
    }

    utf8::encode($v) if utf8::is_utf8($v);

    return control(2, length $v) . $v;
}

# the control byte: the type in the top 3 bits (0 and a next byte for the
# extended types), the size in the low 5
sub control {
    my ($type, $size) = @_;

    my ($bits, $extra) = $size < 29 ? ($size, '')
        : $size < 285 ? (29, pack('C', $size - 29))
        : $size < 65821 ? (30, pack('n', $size - 285))
        : (31, substr(pack('N', $size - 65821), 1));

    return $type <= 7 ? pack('C', $type << 5 | $bits) . $extra
        : pack('CC', $bits, $type - 7) . $extra;
}

1;
