#!/bin/sh
# Writes, as assembler source, the cases tests/unit/test_mmio_insn.c checks
# the MMIO decoder (module/x86/mmio_insn.c) against: every register with
# every addressing form in each mov the decoder must accept, and
# instructions it must refuse.  The assembler encodes each one; a record
# beside it says what the decoder must find:
#   address, length, accept, size, write, reg (x86 order), high8
set -eu

# The memory operands: every ModRM/SIB shape (no displacement, disp8,
# disp32, SIB with and without base and index, %esp and %ebp bases, a bare
# address).
mems='(%eax) (%ecx) (%edx) (%ebx) (%esp) (%ebp) (%esi) (%edi)
0x10(%eax) -4(%edx) 0x7f(%esp) -0x80(%ebp)
0x1000(%esi) 0x12345678(%edi) 0x200(%esp) 0xd0000050(%ebp)
(%eax,%ebx) (%eax,%ecx,4) 8(%ebx,%esi,2) 0x100(%ebp,%edi,1) -8(%esp,%eax,8)
0xd0000000(,%edx,8) 0x40(,%esi,1) 0xd0000070'

# name x86-number high8, per width.
regs8='al:0:0 cl:1:0 dl:2:0 bl:3:0 ah:0:1 ch:1:1 dh:2:1 bh:3:1'
regs16='ax:0 cx:1 dx:2 bx:3 sp:4 bp:5 si:6 di:7'
regs32='eax:0 ecx:1 edx:2 ebx:3 esp:4 ebp:5 esi:6 edi:7'

n=0
case_() {	# insn accept size write reg high8
	n=$((n + 1))
	printf '\t.data\n\t.long %s, %s - %s, %s, %s, %s, %s, %s\n' \
		"c$n" "e$n" "c$n" "$2" "$3" "$4" "$5" "$6"
	printf '\t.text\nc%d:\t%s\ne%d:\n' $n "$1" $n
}

printf '\t.data\n\t.globl mmio_cases\nmmio_cases:\n'
for mem in $mems; do
	for r in $regs8; do
		IFS=: read -r name num hi <<-X
		$r
		X
		case_ "movb %$name, $mem" 1 1 1 "$num" "$hi"
		case_ "movb $mem, %$name" 1 1 0 "$num" "$hi"
	done
	for r in $regs16; do
		name=${r%:*} num=${r#*:}
		case_ "movw %$name, $mem" 1 2 1 "$num" 0
		case_ "movw $mem, %$name" 1 2 0 "$num" 0
	done
	for r in $regs32; do
		name=${r%:*} num=${r#*:}
		case_ "movl %$name, $mem" 1 4 1 "$num" 0
		case_ "movl $mem, %$name" 1 4 0 "$num" 0
	done
done

# What Linux's own accessors compile to, spelled as they are.
case_ "movl 0xd0000100, %eax" 1 4 0 0 0		# A1: gas's short form
case_ "movl %eax, 0xd0000100" 1 4 1 0 0		# A3
case_ "movw 0xd0000100, %ax" 1 2 0 0 0		# 66 A1
case_ "movb %al, 0xd0000100" 1 1 1 0 0		# A2
case_ "movb 0xd0000100, %al" 1 1 0 0 0		# A0

# Refused: other instructions that touch memory, register-only forms,
# prefixes Linux's accessors never carry.
for bad in 'movzbl (%eax), %ecx' 'movzwl (%eax), %ecx' 'movsbl (%eax), %ecx' \
	'movl $1, (%eax)' 'movb $1, (%eax)' 'movw $1, (%eax)' \
	'movl %eax, %ebx' 'movb %al, %bl' 'movw %ax, %bx' \
	'lock addl %eax, (%ebx)' 'addl %eax, (%ebx)' 'andl (%ebx), %eax' \
	'xchgl %eax, (%ebx)' 'cmpl $0, (%eax)' 'testl %eax, (%ebx)' \
	'pushl (%eax)' 'popl (%eax)' 'incl (%eax)' 'notl (%eax)' \
	'movl %fs:(%eax), %ebx' 'movl %es:(%eax), %ebx' '.byte 0x3e; movl (%eax), %ebx' \
	'movl %cs:(%eax), %ebx' 'movl %ss:(%eax), %ebx' 'movl %gs:(%eax), %ebx' \
	'movl (%bx,%si), %eax' '.byte 0x67; movl (%eax), %ebx' \
	'rep movsl' 'movsl' 'stosl' 'lodsl' 'rep stosb' \
	'movnti %eax, (%ebx)' 'movq %mm0, (%eax)' 'movdqu %xmm0, (%eax)' \
	'movd %xmm0, (%eax)' 'fstps (%eax)' 'cmpxchgl %eax, (%ebx)' \
	'movl %eax, %cr0' 'movw %ds, (%eax)' 'movw (%eax), %ds' 'lea (%eax), %ebx' \
	'.byte 0x66; movb %al, (%ebx)' '.byte 0x66, 0x66; movl %eax, (%ebx)' \
	'.byte 0x66; movb 0xd0000100, %al' \
	'.byte 0xf3; movl %eax, (%ebx)' '.byte 0xf2; movl (%ebx), %eax' \
	'int3' 'hlt' 'nop' 'ret' 'iret'; do
	case_ "$bad" 0 0 0 0 0
done

printf '\t.data\n\t.globl mmio_cases_end\nmmio_cases_end:\n'
printf '\t.section .note.GNU-stack,"",@progbits\n'
