// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL), CONFIG_UKL_USE_RET: return to application code
 * without IRETQ. See "Returning without IRETQ" in Documentation/ukl/ukl.rst.
 *
 * The last instructions of the user-mode exit path (ukl_ret_to_app in
 * entry_64_ukl.S) put the application's RFLAGS (IF clear), %rcx, %rsp and
 * %rip in this CPU's ukl_ret_frame and jump to ukl_return_to_app in the
 * slot (slot_entry.S), which restores them with POPFQ, two loads, STI and
 * an indirect JMP. From the jump until the JMP completes, IRQs are off and
 * the application's state is split between the registers and that frame.
 * An event that still arrives there - an NMI, #MC, a kernel hardware
 * breakpoint - sees RIP in the slot and is an application event. NMIs are
 * kernel frames to the NMI entry, return with IRETQ and change nothing.
 * Every other entry from application code goes through error_entry,
 * where UKL_FINISH_RETURN (calling-ukl.h) completes the return in
 * pt_regs before anything can schedule and run another return through
 * this CPU's frame: the event is then handled exactly as if it had arrived
 * at the application's own next instruction, as with IRETQ. This file
 * only holds the frame.
 */
#include <linux/build_bug.h>
#include <linux/percpu.h>
#include <linux/stddef.h>
#include <linux/ukl.h>

struct ukl_ret_frame {
	unsigned long thunk[2];	/* a retpoline thunk's return address */
	unsigned long flags;	/* RFLAGS, IF clear */
	unsigned long cx;
	unsigned long sp;
	unsigned long ip;
};

static_assert(offsetof(struct ukl_ret_frame, flags) == UKL_RET_FLAGS);
static_assert(offsetof(struct ukl_ret_frame, cx) == UKL_RET_CX);
static_assert(offsetof(struct ukl_ret_frame, sp) == UKL_RET_SP);
static_assert(offsetof(struct ukl_ret_frame, ip) == UKL_RET_IP);

DEFINE_PER_CPU(struct ukl_ret_frame, ukl_ret_frame);
