// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): faults and signals of application code.
 */
#include <linux/processor.h>
#include <linux/sched.h>
#include <linux/ukl.h>
#include <asm/apic.h>
#include <asm/hw_irq.h>
#include <asm/irq_vectors.h>
#include <asm/smap.h>
#include <asm/idtentry.h>
#include <asm/page.h>
#include <asm/traps.h>

/*
 * An event in application code is delivered on the application stack
 * (CPL0 to CPL0, no stack switch). When the page the CPU pushes to is not
 * present - the stack is about to grow, or a thread stack was never touched
 * - delivery of the #PF for it fails the same way and the CPU raises #DF.
 * Turn that double fault into the page fault it stands for: write a #PF
 * frame for the application context at the top of the task stack (which
 * is empty while the application runs) and return from #DF straight into
 * the #PF entry, as the espfix64 fixup above does for #GP. CR2 holds the
 * address the delivery failed on, so the #PF handler extends or populates
 * the stack, or sends SIGSEGV for an overflow. The application then
 * re-executes the instruction.
 *
 * The same happens when an interrupt's frame still fit on the application
 * stack but the vector its entry stub pushes did not: then RIP is in the
 * stub and the application's frame is at RSP.
 *
 * If the event whose delivery failed was an external interrupt, the CPU
 * had already accepted it: its in-service bit is set and its handler never
 * ran. No handler can be in service while application code runs, so end
 * that interrupt and raise it again; it is taken once the #PF handler
 * enables IRQs. Exceptions need nothing: re-execution raises them again.
 *
 * When the application jumps to a user-half address, SMEP refuses the
 * fetch at CPL0 and the #PF cannot be pushed on the application stack
 * either. That is not a stack problem, so it becomes a #GP at the start of
 * the slot, which the #GP handler turns into SIGSEGV.
 *
 * A double fault anywhere else is reported as before.
 */
noinstr bool ukl_double_fault(struct pt_regs *regs)
{
	unsigned long stubs = (unsigned long)irq_entries_start;
	unsigned long ip = regs->ip, cs = regs->cs, flags = regs->flags;
	unsigned long sp = regs->sp, ss = regs->ss;
	struct pt_regs *fake;
	bool bad_jump = false;

	/* Application context: CPL0 on a user-half stack. */
	if ((cs & 3) || sp >= TASK_SIZE_MAX)
		return false;

	if (regs->ip - stubs < (NR_VECTORS - FIRST_EXTERNAL_VECTOR) * IDT_ALIGN) {
		/* An interrupt stub's first push; the frame below is intact. */
		const unsigned long *hw = (const unsigned long *)sp;

		stac();
		ip = hw[0];
		cs = hw[1];
		flags = hw[2];
		sp = hw[3];
		ss = hw[4];
		clac();
		if (!ukl_slot_addr(ip) || (cs & 3))
			return false;
	} else if (!ukl_slot_addr(ip)) {
		instrumentation_begin();
		bad_jump = ip < TASK_SIZE_MAX && ukl_mm(current->mm);
		instrumentation_end();
		if (!bad_jump)
			return false;
	}

	fake = (struct pt_regs *)current_top_of_stack() - 1;
	fake->ss = ss;
	fake->sp = sp;
	fake->flags = flags;
	fake->cs = cs;
	if (!bad_jump) {
		fake->ip = ip;
		fake->orig_ax = X86_PF_WRITE;	/* the #PF error code */
		regs->ip = (unsigned long)asm_exc_page_fault;
	} else {
		fake->ip = UKL_SLOT_BASE;
		fake->orig_ax = 0;		/* the #GP error code */
		regs->ip = (unsigned long)asm_exc_general_protection;
	}
	regs->cs = __KERNEL_CS;
	regs->sp = (unsigned long)&fake->orig_ax;
	regs->flags &= ~X86_EFLAGS_IF;

	instrumentation_begin();
	if (boot_cpu_has(X86_FEATURE_APIC) && !apic_is_disabled) {
		int i;

		for (i = APIC_ISR_NR - 1; i >= 0; i--) {
			u32 isr = apic_read(APIC_ISR + i * 0x10);

			if (isr) {
				apic_eoi();
				__apic_send_IPI_self(i * 32 + __fls(isr));
				break;
			}
		}
	}
	instrumentation_end();
	return true;
}

/*
 * Signal delivery and sigreturn into application code (decided by the mm
 * and the new RIP, never by a selector from the signal frame) run it at
 * CPL0, like every return to the application.
 */
void ukl_signal_regs(struct pt_regs *regs)
{
	if (ukl_slot_addr(regs->ip) && ukl_mm(current->mm)) {
		regs->csx = __KERNEL_CS;
		regs->ssx = __KERNEL_DS;
		regs->flags |= X86_EFLAGS_AC;
	}
}
