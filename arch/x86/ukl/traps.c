// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): faults and signals of application code.
 */
#include <linux/sched.h>
#include <linux/ukl.h>
#include <asm/apic.h>
#include <asm/idtentry.h>
#include <asm/page.h>
#include <asm/processor.h>
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
 * If the event whose delivery failed was an external interrupt, the CPU
 * had already accepted it: its in-service bit is set and its handler never
 * ran. No handler can be in service while application code runs, so end
 * that interrupt and raise it again; it is taken once the #PF handler
 * enables IRQs. Exceptions need nothing: re-execution raises them again.
 *
 * The same happens when the application jumps to a user-half address:
 * SMEP refuses the fetch at CPL0 and the #PF cannot be pushed on the
 * application stack. That is not a stack problem, so it becomes a #GP at
 * the start of the slot, which the #GP handler turns into SIGSEGV.
 *
 * A double fault anywhere else is reported as before.
 */
noinstr bool ukl_double_fault(struct pt_regs *regs)
{
	struct pt_regs *fake;
	bool stack_fault, bad_jump;

	/* Application context: CPL0 on a user-half stack. */
	if ((regs->cs & 3) || regs->sp >= TASK_SIZE_MAX)
		return false;
	stack_fault = ukl_slot_addr(regs->ip);
	instrumentation_begin();
	bad_jump = regs->ip < TASK_SIZE_MAX && ukl_mm(current->mm);
	instrumentation_end();
	if (!stack_fault && !bad_jump)
		return false;

	fake = (struct pt_regs *)current_top_of_stack() - 1;
	fake->ss = regs->ss;
	fake->sp = regs->sp;
	fake->flags = regs->flags;
	fake->cs = regs->cs;
	if (stack_fault) {
		fake->ip = regs->ip;
		fake->orig_ax = X86_PF_WRITE;	/* the #PF error code */
		regs->ip = (unsigned long)asm_exc_page_fault;
	} else {
		fake->ip = UKL_SLOT_BASE;
		fake->orig_ax = 0;		/* the #GP error code */
		regs->ip = (unsigned long)asm_exc_general_protection;
	}
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
