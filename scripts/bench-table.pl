#!/usr/bin/perl
# bench-table.pl FLAVOUR: make bench's one table, from the "# bench:" lines
# of one host boot on stdin: every workload measured natively, in the
# guest and in User-Mode Linux, with the medians, their spread (min-max)
# and the two ratios.  A workload measured more than once (the kernel-
# entry set runs under three settings of lg.ko) keeps its last line: the
# module's defaults.
use strict;
use warnings;

my $flavour = shift // die "usage: bench-table.pl FLAVOUR\n";
my (%row, @order);
my $fig = qr/([0-9.]+) (ns|s) \(([0-9.]+)-([0-9.]+)\)/;
while (<STDIN>) {
	next unless /^# bench: ([a-z0-9-]+): guest $fig, native $fig, guest\/native ([0-9.]+), (.*)$/;
	my ($name, $g, $unit, $gl, $gh, $n, undef, $nl, $nh, $gn, $rest) =
		($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);
	# Milliseconds where nanoseconds would run to ten digits.
	my $div = ($unit eq 'ns' && $n >= 1e7) ? 1e6 : 1;
	$unit = 'ms' if $div > 1;
	my $f = sub { join ' ', map { $div > 1 ? sprintf('%.1f', $_ / $div) : $_ } @_ };
	my $three = sub { my @v = split ' ', $f->(@_); "$v[0] ($v[1]-$v[2])" };
	my ($u, $gu) = ('none', '-');
	($u, $gu) = ($three->($1, $3, $4), $5) if $rest =~ /^UML $fig, guest\/UML ([0-9.]+)/;
	push @order, $name unless $row{$name};
	$row{$name} = [$three->($g, $gl, $gh), $three->($n, $nl, $nh), $gn, $u, $gu, $unit];
}
@order or die "bench-table.pl: no figures in the input\n";
my $fmt = "%-18s %-5s %-30s %-30s %-12s %-34s %s\n";
printf $fmt, "$flavour:", 'unit', 'guest (min-max)', 'native (min-max)', 'guest/native',
	'UML (min-max)', 'guest/UML';
for my $name (@order) {
	my ($g, $n, $gn, $u, $gu, $unit) = @{$row{$name}};
	printf $fmt, $name, $unit, $g, $n, $gn, $u, $gu;
}
