// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): faults and signals of application code.
 */
#include <linux/entry-common.h>
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
#include <asm/debugreg.h>
#include <asm/special_insns.h>

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
 * the stack, or sends SIGSEGV for an overflow (also of a stack placed in
 * the slot, which runs into read-only or unmapped slot pages). The
 * application then re-executes the instruction.
 *
 * The same happens when an interrupt's frame still fit on the application
 * stack but the vector its entry stub pushes did not: then RIP is in the
 * stub and the application's frame is at RSP.
 *
 * If a control-flow bug took the application's RIP out of the slot, the
 * event whose delivery failed is beside the point: the application is
 * executing what is not its code. Report the #PF of fetching it instead
 * (CR2 = RIP), which ends in SIGSEGV (ukl_fetch_outside_slot() for the
 * user half, the kernel-address path otherwise), as at CPL3.
 *
 * If the event whose delivery failed was an external interrupt, the CPU
 * had already accepted it: its in-service bit is set and its handler never
 * ran. No handler can be in service while application code runs, so end
 * that interrupt and raise it again; it is taken once the #PF handler
 * enables IRQs. Exceptions need nothing: re-execution raises them again.
 *
 * A double fault anywhere else - kernel context, or an application stack
 * pointer aimed at the kernel half, whose pushes cannot be contained - is
 * reported as before.
 */
noinstr bool ukl_double_fault(struct pt_regs *regs)
{
	unsigned long stubs = (unsigned long)irq_entries_start;
	unsigned long ip = regs->ip, cs = regs->cs, flags = regs->flags;
	unsigned long sp = regs->sp, ss = regs->ss;
	irqentry_state_t irq_state;
	struct pt_regs *fake;

	/* Application context: CPL0 on an application stack. */
	if (cs != __KERNEL_CS || !ukl_app_stack(sp))
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
		if (cs != __KERNEL_CS || !ukl_app_stack(sp))
			return false;
	}

	fake = (struct pt_regs *)current_top_of_stack() - 1;
	fake->ss = ss;
	fake->sp = sp;
	fake->flags = flags;
	fake->cs = cs;
	fake->ip = ip;
	if (ukl_slot_addr(ip)) {
		fake->orig_ax = X86_PF_WRITE;	/* the #PF error code */
	} else {
		fake->orig_ax = X86_PF_INSTR;
		native_write_cr2(ip);
	}
	regs->ip = (unsigned long)asm_exc_page_fault;
	regs->cs = __KERNEL_CS;
	regs->sp = (unsigned long)&fake->orig_ax;
	regs->flags &= ~X86_EFLAGS_IF;

	/*
	 * The rest is instrumentable and runs in the #DF's NMI-like
	 * context: enter it properly, as exc_double_fault() would.
	 */
	irq_state = irqentry_nmi_enter(regs);
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
	irqentry_nmi_exit(regs, irq_state);
	return true;
}

/*
 * An instruction fetch from the user half by application context: at CPL0
 * SMEP refuses it, whatever the VMA allows, and handling it as an ordinary
 * user fault would find nothing to fix and re-execute it forever. The
 * application runs only its own code, from the slot; anything else - a
 * call through NULL, into a PROT_EXEC mapping, to an unmapped low address
 * - is a bad area, hence SIGSEGV, as the same jump at CPL3 to an unmapped
 * address gives.
 */
bool __ukl_fetch_outside_slot(struct pt_regs *regs, unsigned long error_code,
			      unsigned long address)
{
	return (error_code & X86_PF_INSTR) && ukl_app_regs(regs) &&
	       !ukl_slot_addr(address);
}

/*
 * The single-step trap after the trampoline's POPFQ (slot_entry.S): TF was
 * set when the POPFQ began, which cleared it. Like SYSCALL masking TF, the
 * step into the system call is not a step the debugger sees: the system
 * call's exit reports it (TF is back in the application's RFLAGS, and
 * ptrace's syscall-exit trap reports a single-step), and letting it
 * through would stop the tracee with IRQs off one instruction before
 * kernel text.
 */
extern const unsigned long ukl_entry_step_ip;

bool ukl_step_into_entry(struct pt_regs *regs, unsigned long dr6)
{
	return (dr6 & DR_STEP) && !(dr6 & DR_TRAP_BITS) &&
	       ukl_entry_step_ip && regs->ip == ukl_entry_step_ip &&
	       ukl_app_regs(regs) && !(regs->flags & X86_EFLAGS_TF);
}

/*
 * Signal delivery and sigreturn into application code (decided by the mm
 * and the new RIP, never by a selector from the signal frame) run it at
 * CPL0, like every return to the application. Anything else keeps the
 * user selectors sigreturn forced. The stack is for UKL_IRET_TO_APP
 * (calling-ukl.h) to judge, as on every return: a corrupt ucontext (RSP
 * in the kernel half, non-canonical) resumes at CPL3 and faults there.
 */
void ukl_signal_regs(struct pt_regs *regs)
{
	if (ukl_slot_addr(regs->ip) && ukl_mm(current->mm)) {
		regs->csx = __KERNEL_CS;
		regs->ssx = __KERNEL_DS;
		regs->flags |= X86_EFLAGS_AC;
	}
}
