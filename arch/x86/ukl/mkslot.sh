#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Usage: mkslot.sh APP ENTRY.o OUT.o OUT.lds
#
# Prepare the UKL application image for the vmlinux link:
#  - take the application object out of APP (section .ukl_app of a
#    scripts/ukl-gcc output; an empty APP gives an empty image) and link
#    it with ENTRY.o, the system call trampoline that runs in the slot;
#  - rename every loadable section X to .ukl.X, so that no pattern of the
#    kernel's linker script can capture application code or data;
#  - write a linker-script fragment that places the sections at the app
#    slot (UKL_SLOT_BASE) with their bytes inside the kernel image
#    (AT(), from __ukl_tmpl_start on), grouped text / read-only / TLS /
#    data / bss, defines the symbols glibc's static start-up expects
#    (__init_array_start ..., __start_SEC/__stop_SEC), starts with an ELF
#    header and program headers describing the image (AT_PHDR points
#    there; glibc finds PT_TLS in them), and ends by defining
#    __ukl_tmpl_end, where the kernel's own sections continue. The kernel
#    reads the layout from the absolute __ukl_off_* symbols (offsets into
#    the slot), since it cannot take the address of a slot symbol.
set -eu

app=$1 entry=$2 out=$3 lds=$4
slot_base=0xfffffe8000000000
slot_guard_gib=256
slot_guard_end=0x4000000000	# slot size (512 GiB) minus the guard
load_offset=0xffffffff80000000	# __START_KERNEL_map (LOAD_OFFSET)
OBJCOPY=${OBJCOPY:-objcopy}
READELF=${READELF:-readelf}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -z "$app" ]; then
	# No application: an empty object and a fragment that only marks
	# where the template would be.
	printf '' | ${CC:-gcc} -c -x c -o "$out" -
	{
		echo "__ukl_tmpl_end = __ukl_tmpl_start;"
		for s in rx_end rw file_end end syscall_entry entry_ptr; do echo "__ukl_off_$s = 0;"; done
	} > "$lds"
	exit 0
fi
[ -f "$app" ] || { echo "mkslot.sh: CONFIG_UKL_APP: no such file: $app" >&2; exit 1; }
if ! $OBJCOPY --dump-section .ukl_app="$tmp/app0.o" "$app" "$tmp/discard" 2>/dev/null; then
	echo "mkslot.sh: $app has no .ukl_app section; build it with scripts/ukl-gcc" >&2
	exit 1
fi
${LD:-ld} -r -z noexecstack -o "$tmp/app.o" "$tmp/app0.o" "$entry"

# Section list: name, flags (from readelf -SW), one per line.
$READELF -SW "$tmp/app.o" | sed -n 's/^ *\[ *[0-9]*\] //p' |
	awk 'NF >= 10 { print $1, $2, $7 }' > "$tmp/sections"

renames=
: > "$tmp/text" ; : > "$tmp/ro" ; : > "$tmp/tdata" ; : > "$tmp/tbss"
: > "$tmp/data" ; : > "$tmp/bss"
while read -r name type flags; do
	case $flags in *A*) ;; *) continue ;; esac
	case $name in .ukl.*) continue ;; esac
	# .X becomes .ukl.X; a C-identifier name X (which gets __start_X and
	# __stop_X symbols) becomes .ukl_X.
	case $name in .*) new=.ukl$name ;; *) new=.ukl_$name ;; esac
	renames="$renames --rename-section $name=$new"
	# The unwind tables get an output section of their own, which
	# scripts/ukl-kernel names .eh_frame again in the image's debug ELF.
	[ "$name" != .eh_frame ] || continue
	case $flags in
	*T*) if [ "$type" = NOBITS ]; then echo "$new" >> "$tmp/tbss"; else echo "$new" >> "$tmp/tdata"; fi ;;
	*X*) echo "$new" >> "$tmp/text" ;;
	*W*) if [ "$type" = NOBITS ]; then echo "$new" >> "$tmp/bss"; else echo "$new" >> "$tmp/data"; fi ;;
	*) echo "$new" >> "$tmp/ro" ;;
	esac
done < "$tmp/sections"

# The symbols the final link provides (section boundaries, _end ...) get
# a __ukl_ prefix so that they bind to the application image's own, never
# to the kernel's symbols of the same name. Only the kernel entry and the
# per-CPU frame of the RET return (CONFIG_UKL_USE_RET) keep their names.
redefs=
for sym in $(${NM:-nm} -u "$tmp/app.o" | awk '{ print $2 }'); do
	case $sym in
	ukl_entry_from_app|ukl_ret_frame|_GLOBAL_OFFSET_TABLE_) ;;
	*) redefs="$redefs --redefine-sym $sym=__ukl_$sym" ;;
	esac
done

# The image holds no address of kernel code but ukl_entry_ptr's, the one
# word the kernel relocates under KASLR: any other reference to
# ukl_entry_from_app would keep its link-time value.
nrel=$($READELF -rW "$tmp/app.o" | grep -c ' ukl_entry_from_app' || true)
if [ "$nrel" != 1 ]; then
	echo "mkslot.sh: $nrel references to ukl_entry_from_app in the image; only slot_entry.S's ukl_entry_ptr may hold it" >&2
	exit 1
fi

# .GCC.command.line records how ukl-gcc compiled the objects, for
# scripts/ukl-audit; vmlinux.lds has no place for it.
# shellcheck disable=SC2086
$OBJCOPY $renames $redefs --remove-section=.note.gnu.property \
	--remove-section=.GCC.command.line "$tmp/app.o" "$out"

# One input-section statement per section; C-identifier names get the
# __start_/__stop_ symbols ld would have made for an output section of that
# name; the init/fini arrays get glibc's boundary symbols, sorted by
# priority as ld's default script does.
emit() { # file
	while read -r s; do
		case $s in
		.ukl.init_array*|.ukl.fini_array*|.ukl.preinit_array*) ;;
		.ukl.note.gnu.property) ;;
		.ukl_*) base=${s#.ukl_}
			echo "		__ukl___start_$base = .; KEEP(*($s)) __ukl___stop_$base = .;" ;;
		.ukl.init|.ukl.fini) echo "		KEEP(*($s))" ;;
		*) echo "		*($s)" ;;
		esac
	done < "$1"
}
arrays() {
	for a in preinit_array init_array fini_array; do
		if grep -q "^\.ukl\.$a" "$tmp/ro" "$tmp/data"; then
			echo "		. = ALIGN(8); __ukl___${a}_start = .;"
			echo "		KEEP(*(SORT_BY_INIT_PRIORITY(.ukl.$a.*))) KEEP(*(.ukl.$a))"
			echo "		__ukl___${a}_end = .;"
		else
			echo "		__ukl___${a}_start = .; __ukl___${a}_end = .;"
		fi
	done
}
at() { echo "AT(__ukl_tmpl_start - $load_offset + (ADDR($1) - $slot_base))"; }

# The ELF header and program headers of the image, as the first page of
# the slot: ET_EXEC, EM_X86_64, entry __ukl_app_start (ukl-gcc's name for
# _start); PT_LOAD R+X (header and text), PT_LOAD R (rodata and the TLS
# template), PT_LOAD RW (data and bss), PT_TLS, PT_GNU_STACK RW.
ehdr() {
	b=$slot_base
	rx="(ADDR(.ukl.rodata) - $b)" rw="(ADDR(.ukl.data) - $b)"
	fend="(__ukl_slot_file_end - $b)" end="(__ukl_slot_end - $b)"
	tls="(ADDR(.ukl.tdata) - $b)"
	echo "		BYTE(0x7f) BYTE(0x45) BYTE(0x4c) BYTE(0x46) BYTE(2) BYTE(1) BYTE(1) BYTE(0) QUAD(0)"
	echo "		SHORT(2) SHORT(62) LONG(1) QUAD(__ukl_app_start) QUAD(64) QUAD(0) LONG(0)"
	echo "		SHORT(64) SHORT(56) SHORT(5) SHORT(64) SHORT(0) SHORT(0)"
	phdr() { echo "		LONG($1) LONG($2) QUAD($3) QUAD($b + $3) QUAD($b + $3) QUAD($4) QUAD($5) QUAD($6)"; }
	phdr 1 5 0 "$rx" "$rx" 4096
	phdr 1 4 "$rx" "($rw - $rx)" "($rw - $rx)" 4096
	phdr 1 6 "$rw" "($fend - $rw)" "($end - $rw)" 4096
	phdr 7 4 "$tls" "SIZEOF(.ukl.tdata)" \
		"(ADDR(.ukl.tbss) + SIZEOF(.ukl.tbss) - ADDR(.ukl.tdata))" \
		"MAX(ALIGNOF(.ukl.tdata), ALIGNOF(.ukl.tbss))"
	echo "		LONG(0x6474e551) LONG(6) QUAD(0) QUAD(0) QUAD(0) QUAD(0) QUAD(0) QUAD(16)"
}

{
	echo "/* Generated by arch/x86/ukl/mkslot.sh from $app: do not edit. */"
	echo "	.ukl.ehdr $slot_base : $(at .ukl.ehdr) {"
	echo "		__ukl_slot_start = .;"
	ehdr
	echo "	} :ukl"
	echo "	.ukl.text ALIGN(4096) : $(at .ukl.text) {"
	emit "$tmp/text"
	echo "		*(.iplt)"
	echo "	} :ukl"
	echo "	.ukl.rodata ALIGN(4096) : $(at .ukl.rodata) {"
	emit "$tmp/ro"
	echo "		*(.got) *(.got.plt)"
	echo "		. = ALIGN(8); __ukl___rela_iplt_start = .; *(.rela.iplt) __ukl___rela_iplt_end = .;"
	echo "	}"
	echo "	.ukl.eh_frame ALIGN(8) : $(at .ukl.eh_frame) {"
	echo "		KEEP(*(.ukl.eh_frame))"
	echo "	}"
	echo "	.ukl.tdata ALIGN(4096) : $(at .ukl.tdata) {"
	emit "$tmp/tdata"
	echo "	} :ukl :ukltls"
	echo "	.ukl.tbss : {"
	emit "$tmp/tbss"
	echo "	} :ukl :ukltls"
	echo "	.ukl.data ALIGN(4096) : $(at .ukl.data) {"
	# The IFUNC pointers: glibc's static start-up (apply_irel()) writes
	# them from the IRELATIVE relocations in .rela.iplt, so they are data.
	echo "		*(.igot.plt)"
	arrays
	emit "$tmp/data"
	echo "	} :ukl"
	echo "	__ukl_slot_file_end = .;"
	echo "	.ukl.bss ALIGN(4096) (NOLOAD) : {"
	emit "$tmp/bss"
	echo "		. = ALIGN(4096);"
	echo "	}"
	echo "	__ukl_slot_end = .;"
	echo "	__ukl__end = .;"
	echo "	__ukl___ehdr_start = __ukl_slot_start;"
	echo "	__ukl_off_rx_end = ABSOLUTE(ADDR(.ukl.rodata) - $slot_base);"
	echo "	__ukl_off_rw = ABSOLUTE(ADDR(.ukl.data) - $slot_base);"
	echo "	__ukl_off_file_end = ABSOLUTE(__ukl_slot_file_end - $slot_base);"
	echo "	__ukl_off_end = ABSOLUTE(__ukl_slot_end - $slot_base);"
	echo "	__ukl_off_syscall_entry = ABSOLUTE(ukl_syscall_entry - $slot_base);"
	echo "	__ukl_off_entry_ptr = ABSOLUTE(ukl_entry_ptr - $slot_base);"
	echo "	__ukl_tmpl_end = ALIGN(__ukl_tmpl_start + (__ukl_slot_file_end - $slot_base), 4096);"
	# The end of the slot stays unmapped: a masked user access that
	# starts in the slot (mask_user_address() lets the whole slot
	# through, whatever the size) runs into unmapped slot pages long
	# before it could reach the next PGD entry, as one starting below
	# USER_PTR_MAX runs into the non-canonical hole.
	echo "	ASSERT(__ukl_slot_end <= $slot_base + $slot_guard_end, \"UKL application image too large: the slot's last $slot_guard_gib GiB must stay unmapped\")"
} > "$lds"
