#!/usr/bin/perl
# hangdump.pl SOCKET DELAY PID NCPUS [SYSTEM.MAP]: the rig's eyes on a
# hung host.  After DELAY seconds, if QEMU (PID) still runs, ask its
# monitor on SOCKET for every CPU's registers and the top of its stack, and
# name the words that point into the kernel's text (from SYSTEM.MAP): a
# hang with interrupts off prints nothing on the console, and this is all
# there is to go on.  Output goes to stdout (the rig keeps it beside the
# console log).
use strict;
use warnings;
use IO::Socket::UNIX;
use IO::Select;

my ($sock, $delay, $pid, $ncpus, $map) = @ARGV;
sleep $delay;
exit 0 unless kill 0, $pid;

my $s = IO::Socket::UNIX->new(Peer => $sock, Type => SOCK_STREAM)
	or die "hangdump: cannot reach QEMU's monitor at $sock: $!\n";
my $sel = IO::Select->new($s);

# Read what the monitor says until it is quiet for a while.
sub drain {
	my $out = '';
	while ($sel->can_read(0.5)) {
		my $n = sysread($s, my $buf, 65536);
		last unless $n;
		$out .= $buf;
	}
	$out =~ s/\e\[[0-9;]*[A-Za-z]//g;
	$out =~ s/\r//g;
	return $out;
}

my $out = drain();
for my $round (1, 2) {
	for my $cpu (0 .. $ncpus - 1) {
		for my $cmd ("cpu $cpu", 'info registers', 'x/64xw $esp') {
			print $s "$cmd\n";
			$out .= "== round $round, cpu $cpu: $cmd\n" . drain();
		}
	}
}
close $s;

# Kernel text symbols, sorted, to name addresses by, moved to where KASLR
# put the kernel this boot (the rig's init prints its _text on the console,
# CONSOLE_LOG beside the socket).
my (@addr, @name);
my $slide = 0;
my $lgbase = 0;
(my $con = $sock) =~ s/\.mon$//;
if (open(my $fh, '<', $con)) {
	while (<$fh>) {
		$slide = hex $1 if /^RIG: kernel text at ([0-9a-f]{8})/;
		$lgbase = hex $1 if /^RIG: lg\.ko text at (?:0x)?([0-9a-f]{8})/;
	}
	close $fh;
}
if ($map && open(my $fh, '<', $map)) {
	while (<$fh>) {
		my ($a, $t, $n) = split;
		next unless defined $n;
		$slide -= hex $a if $n eq '_text' && $slide;
		next unless $t =~ /^[tT]$/;
		push @addr, hex $a;
		push @name, $n;
	}
	close $fh;
	$_ += $slide for @addr;
}
# lg.ko's functions, where it was last loaded (RIG_KO names the module).
if ($lgbase && $ENV{RIG_KO} && open(my $nm, '-|', 'nm', '--defined-only', $ENV{RIG_KO})) {
	while (<$nm>) {
		my ($a, $t, $n) = split;
		next unless defined $n && $t =~ /^[tT]$/ && $n !~ /^__/;
		push @addr, $lgbase + hex $a;
		push @name, "$n [lg]";
	}
	close $nm;
}
my @order = sort { $addr[$a] <=> $addr[$b] } 0 .. $#addr;
@addr = @addr[@order];
@name = @name[@order];
sub symbol {
	my ($v) = @_;
	return undef if !@addr || $v < $addr[0] || $v > $addr[-1] + 0x4000;
	my ($lo, $hi) = (0, $#addr);
	while ($lo < $hi) {
		my $mid = int(($lo + $hi + 1) / 2);
		if ($addr[$mid] <= $v) { $lo = $mid } else { $hi = $mid - 1 }
	}
	return sprintf '%s+0x%x', $name[$lo], $v - $addr[$lo];
}

for my $line (split /\n/, $out) {
	next if $line =~ /^\(qemu\)\s*$/;
	print "$line\n";
	my @named;
	for my $w ($line =~ /\b(?:0x)?([0-9a-f]{8})\b/gi) {
		my $sym = symbol(hex $w);
		push @named, "$w=$sym" if $sym;
	}
	print "   -> @named\n" if @named;
}
