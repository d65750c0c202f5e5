// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): the application slot of an mm.
 *
 * An mm that exec'd the application maps its image in the slot (PGD 509
 * with 4-level paging, P4D 509 of PGD 511 with 5-level; asm/ukl.h),
 * modelled on the PTI LDT remap (arch/x86/kernel/ldt.c): the ELF header,
 * text, read-only data and TLS template are the template pages inside the
 * kernel image, shared by every such mm and mapped read-only;
 * data and bss are private pages of the mm, mapped read-write and never
 * executable. No page is global, and the slot is never mapped in init_mm,
 * so every other mm has nothing there.
 *
 * Private pages are anonymous memory in all but name, and are managed the
 * same way, by ukl_slot_fault() rather than by a VMA:
 * - on demand: exec maps only the template pages; the first touch of a
 *   data page copies it from the template, of a bss page zero-fills it,
 *   so an untouched .bss costs nothing;
 * - copy-on-write: fork() shares every private page read-only between
 *   parent and child, and the first write of either side copies it (or
 *   takes it back writable when no other mm maps it any more), so that
 *   each keeps its own globals;
 * - exit frees them with the slot's page tables, after the TLB flush.
 * The slot has no VMA: its faults never take mmap_lock, only the PTE lock.
 * A shared page is held by one reference per mm that maps it, and nothing
 * else ever takes one for long (no GUP, LRU or page cache), so a page with
 * one reference belongs to the faulting mm alone. MM_ANONPAGES counts the
 * private pages of each mm, so RSS and the OOM killer's badness include
 * them, as for COW-shared anonymous pages.
 *
 * Locking: exec maps into a fresh mm that nothing else uses; fork runs
 * with both mms write-locked, and each parent PTE is copied under its
 * PTE lock, since the parent's other threads may fault meanwhile; exit
 * runs when the mm has no users. Fork and exit may walk many pages: they
 * skip page tables that were never allocated, and reschedule (fork also
 * gives up on a fatal signal) between page tables, as dup_mmap() does
 * between VMAs.
 */
#include <linux/coredump.h>
#include <linux/mm.h>
#include <linux/perf_event.h>
#include <linux/pgalloc.h>
#include <linux/pgtable.h>
#include <linux/ukl.h>
#include <linux/percpu.h>
#include <linux/sched/coredump.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>
#include <asm/msr.h>
#include <asm/set_memory.h>
#include <asm/setup.h>
#include <asm/tlb.h>
#include <asm/trap_pf.h>
#include <asm/tlbflush.h>

#include "ukl.h"

static pgprot_t ukl_page_prot(unsigned long off)
{
	pgprotval_t prot;

	if (off < ukl_off(rx_end))
		prot = __PAGE_KERNEL_ROX;
	else if (off < ukl_off(rw))
		prot = __PAGE_KERNEL_RO;
	else
		prot = __PAGE_KERNEL;

	return __pgprot(prot & ~_PAGE_GLOBAL & __supported_pte_mask);
}

static p4d_t *ukl_slot_p4d(struct mm_struct *mm)
{
	return p4d_offset(pgd_offset(mm, UKL_SLOT_BASE), UKL_SLOT_BASE);
}

/*
 * With 5-level paging the slot is P4D entry 509 under PGD 511, whose P4D
 * table every mm shares with init_mm: it also maps the CPU entry area,
 * the espfix stacks and kernel text, all set up at boot. An mm that runs
 * the application gets a private copy of that table, so that the slot is
 * its own and the kernel's entries are the same; nothing adds entries to
 * the shared table after boot (vmalloc, modules and the direct map have
 * PGD entries of their own, which sync_global_pgds() copies). With
 * 4-level paging the P4D level is folded and the slot is PGD 509 itself.
 */
static pgd_t *ukl_slot_pgd(struct mm_struct *mm)
{
	return pgd_offset(mm, UKL_SLOT_BASE);
}

/* init_mm's entry there: the shared table. */
static pgd_t ukl_shared_pgd(void)
{
	return *pgd_offset_k(UKL_SLOT_BASE);
}

static bool ukl_slot_p4d_private(struct mm_struct *mm)
{
	return pgtable_l5_enabled() &&
	       pgd_val(*ukl_slot_pgd(mm)) != pgd_val(ukl_shared_pgd());
}

/* Before the slot's first page table in @mm: its own P4D table. */
static int ukl_slot_p4d_own(struct mm_struct *mm)
{
	pgd_t *pgd = ukl_slot_pgd(mm), ref = ukl_shared_pgd();
	p4d_t *p4d;

	if (!pgtable_l5_enabled() || ukl_slot_p4d_private(mm))
		return 0;
	p4d = p4d_alloc_one(mm, UKL_SLOT_BASE);
	if (!p4d)
		return -ENOMEM;
	memcpy(p4d, (void *)pgd_page_vaddr(ref), PAGE_SIZE);
	paravirt_alloc_p4d(mm, __pa(p4d) >> PAGE_SHIFT);
	/* The same kernel entries: no CPU's translation changes. */
	set_pgd(pgd, __pgd(__pa(p4d) | pgd_flags(ref)));
	return 0;
}

/*
 * After the slot's page tables: give @mm the shared table back, and free
 * its copy once no CPU can walk it. A CPU where @mm is loaded lazily
 * reaches kernel text through it; a table freed through @tlb is flushed
 * on those CPUs too.
 */
static void ukl_slot_p4d_release(struct mmu_gather *tlb, struct mm_struct *mm)
{
	pgd_t *pgd = ukl_slot_pgd(mm);
	p4d_t *p4d;

	if (!ukl_slot_p4d_private(mm))
		return;
	p4d = (p4d_t *)pgd_page_vaddr(*pgd);
	set_pgd(pgd, ukl_shared_pgd());
	p4d_free_tlb(tlb, p4d, UKL_SLOT_BASE);
}

/* True if @mm has the application mapped. */
bool ukl_mm(struct mm_struct *mm)
{
	return mm && !p4d_none(*ukl_slot_p4d(mm));
}

/*
 * EFER.SCE is clear on a CPU while an application mm is loaded there, so
 * that a SYSCALL instruction at CPL0 (a program built with the audit off,
 * a stray jump) raises #UD - SIGILL for the application - instead of
 * entering entry_SYSCALL_64, whose SWAPGS would load the application's
 * user GS base. Nothing needs SYSCALL meanwhile: the application's system
 * calls are function calls, the kernel never issues one, and SYSRET only
 * returns from one. The MSR is written only when a CPU switches between
 * an application mm and any other; ordinary processes never see SCE
 * clear. A CPU coming back from suspend or hotplug restores EFER with SCE
 * set and catches up at its next mm switch.
 */
static DEFINE_PER_CPU(bool, ukl_syscall_off);

void __ukl_switch_mm(struct mm_struct *next)
{
	bool off = ukl_mm(next);
	u64 efer;

	if (likely(this_cpu_read(ukl_syscall_off) == off))
		return;
	rdmsrl(MSR_EFER, efer);
	if (off)
		efer &= ~EFER_SCE;
	else
		efer |= EFER_SCE;
	wrmsrl(MSR_EFER, efer);
	this_cpu_write(ukl_syscall_off, off);
}

/* The PMD entry of @va in @mm, or NULL without allocating page tables. */
pmd_t *ukl_lookup_pmd(struct mm_struct *mm, unsigned long va)
{
	p4d_t *p4d = p4d_offset(pgd_offset(mm, va), va);
	pud_t *pud;

	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(p4d, va);
	if (pud_none(*pud))
		return NULL;
	return pmd_offset(pud, va);
}

/* The template page's frame for slot address @va. */
static unsigned long ukl_tmpl_pfn(unsigned long va)
{
	return PHYS_PFN(__pa_symbol(__ukl_tmpl_start) + va - UKL_SLOT_BASE);
}

static unsigned long ukl_private_start(void)
{
	return UKL_SLOT_BASE + ukl_off(rw);
}

static unsigned long ukl_private_end(void)
{
	return UKL_SLOT_BASE + PAGE_ALIGN(ukl_off(end));
}

/* True if slot address @va is in the private pages: data and bss. */
static bool ukl_in_private(unsigned long va)
{
	return va >= ukl_private_start() && va < ukl_private_end();
}

/* A new private page for slot offset @off: its data from the template. */
static struct page *ukl_alloc_private(unsigned long off)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	size_t len = 0;

	if (off < ukl_off(file_end))
		len = min(PAGE_SIZE, ukl_off(file_end) - off);
	if (page && len)
		memcpy(page_address(page), __ukl_tmpl_start + off, len);
	return page;
}

/*
 * The template pages are the application's text and read-only data in
 * every application mm, and the source of every copy of its data. They
 * sit in the kernel image among read-write data: make them read-only and
 * non-executable in the kernel image mapping (change_page_attr() updates
 * the direct map alias with it), so that no kernel write, stray or
 * deliberate, can change what the next application runs. Nothing writes
 * them after boot.
 */
static int __init ukl_protect_template(void)
{
	unsigned long start = (unsigned long)__ukl_tmpl_start;
	int pages = PAGE_ALIGN(ukl_off(file_end)) >> PAGE_SHIFT;

	if (!pages)
		return 0;
	/*
	 * KASLR: the image's one pointer into the kernel (ukl_entry_ptr,
	 * slot_entry.S) still holds its link-time address, since the
	 * decompressor relocates nothing in the slot.
	 */
	*(unsigned long *)(start + ukl_off(entry_ptr)) += kaslr_offset();
	if (set_memory_ro(start, pages) || set_memory_nx(start, pages))
		pr_err("UKL: cannot make the application template read-only\n");
	return 0;
}
late_initcall(ukl_protect_template);

/*
 * Map the template pages (ELF header, text, read-only data) into @mm, for
 * exec and fork. Private pages come on demand. On error, ukl_exit_mmap()
 * cleans up.
 */
int ukl_map_image(struct mm_struct *mm)
{
	unsigned long va, next, end = UKL_SLOT_BASE + ukl_off(rw);
	int ret = ukl_slot_p4d_own(mm);

	if (ret)
		return ret;
	for (va = UKL_SLOT_BASE; va < end; va = next) {
		spinlock_t *ptl;	/* the PTE table lock */
		pte_t *ptep, *pte;

		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		next = pmd_addr_end(va, end);
		/* Allocates (and accounts to @mm) the page tables, as for the LDT. */
		ptep = get_locked_pte(mm, va, &ptl);
		if (!ptep)
			return -ENOMEM;
		for (pte = ptep; va < next; va += PAGE_SIZE, pte++) {
			pgprot_t prot = ukl_page_prot(va - UKL_SLOT_BASE);

			set_pte_at(mm, va, pte, pfn_pte(ukl_tmpl_pfn(va), prot));
		}
		pte_unmap_unlock(ptep, ptl);
	}
	return 0;
}

/*
 * Copy the private PTEs of one page table, [*@va, @end), from @oldmm to
 * @mm: both map the page, read-only; and count them for @mm. A page that
 * may be pinned (GUP) stays the parent's alone, as copy_present_page()
 * does for anonymous memory: the child gets a copy now, in *@prealloc.
 * Returns 0, -ENOMEM, or -EAGAIN with *@va where a copy needs a page.
 */
static int ukl_dup_ptes(struct mm_struct *oldmm, struct mm_struct *mm,
			pmd_t *src_pmd, unsigned long *va, unsigned long end,
			struct page **prealloc)
{
	spinlock_t *src_ptl, *dst_ptl;	/* the PTE table locks */
	pte_t *src_pte, *dst_pte, *src, *dst;
	unsigned long addr = *va;
	int ret = 0;
	long nr = 0;

	dst_pte = get_locked_pte(mm, addr, &dst_ptl);
	if (!dst_pte)
		return -ENOMEM;
	src_pte = pte_offset_map_nolock(oldmm, src_pmd, addr, &src_ptl);
	if (!src_pte) {
		pte_unmap_unlock(dst_pte, dst_ptl);
		return 0;
	}
	/* As copy_pte_range(): the child's lock first, then the parent's. */
	spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING);
	for (src = src_pte, dst = dst_pte; addr < end;
	     addr += PAGE_SIZE, src++, dst++) {
		pte_t pte = ptep_get(src);
		struct page *page;

		if (!pte_present(pte))
			continue;
		page = pte_page(pte);
		if (unlikely(folio_maybe_dma_pinned(page_folio(page)))) {
			if (!*prealloc) {
				ret = -EAGAIN;
				break;
			}
			copy_highpage(*prealloc, page);
			pte = pfn_pte(page_to_pfn(*prealloc),
				      ukl_page_prot(addr - UKL_SLOT_BASE));
			*prealloc = NULL;
		} else {
			get_page(page);
		}
		if (pte_write(pte) && page == pte_page(pte)) {
			/* dup_mmap() flushes the parent's TLB after this. */
			ptep_set_wrprotect(oldmm, addr, src);
			pte = pte_wrprotect(pte);
		}
		set_pte_at(mm, addr, dst, pte);
		nr++;
	}
	spin_unlock(src_ptl);
	pte_unmap(src_pte);
	pte_unmap_unlock(dst_pte, dst_ptl);
	add_mm_counter(mm, MM_ANONPAGES, nr);
	*va = addr;
	return ret;
}

/* fork(): share the template pages; share the private ones copy-on-write. */
int ukl_dup_mmap(struct mm_struct *oldmm, struct mm_struct *mm)
{
	unsigned long va, next, end = ukl_private_end();
	struct page *prealloc = NULL;
	int ret;

	if (!ukl_mm(oldmm))
		return 0;
	ret = ukl_map_image(mm) ?: ukl_dup_vdso(oldmm, mm);
	if (ret)
		return ret;

	for (va = ukl_private_start(); va < end; va = next) {
		pmd_t *pmd = ukl_lookup_pmd(oldmm, va);

		next = pmd_addr_end(va, end);
		if (!pmd || pmd_none(*pmd))
			continue;
		while ((ret = ukl_dup_ptes(oldmm, mm, pmd, &va, next,
					   &prealloc)) == -EAGAIN) {
			/* A pinned page to copy: a page, without the locks. */
			prealloc = alloc_page(GFP_KERNEL_ACCOUNT);
			if (!prealloc)
				return -ENOMEM;
		}
		if (ret)
			break;
		ret = -EINTR;
		if (fatal_signal_pending(current))
			break;
		ret = 0;
		cond_resched();
	}
	if (prealloc)
		__free_page(prealloc);
	return ret;
}

/*
 * True if the page @pte maps at slot address @va needs nothing for @write:
 * a private page that is writable, or is only read; a text or read-only
 * page that is already the mm's own copy.
 */
static bool ukl_pte_own(unsigned long va, pte_t pte, bool write)
{
	if (ukl_in_private(va))
		return !write || pte_write(pte);
	return pte_pfn(pte) != ukl_tmpl_pfn(va);
}

/*
 * Give @mm its own page at slot address @va. Data and bss: make it
 * present, and writable if @write - a zero-filled or template-initialised
 * page where none is, a copy of a page that another mm still shares, or
 * the page itself when no other mm maps it any more. Text and read-only
 * data (a debugger's breakpoint): a copy of the template page, mapped as
 * before, which only this mm sees and which exit frees. Sleeps; the
 * caller holds no lock.
 */
static int ukl_own_page(struct mm_struct *mm, unsigned long va, bool write)
{
	unsigned long off = va - UKL_SLOT_BASE;
	bool private = ukl_in_private(va);
	struct page *old = NULL, *page;
	spinlock_t *ptl;	/* the PTE table lock */
	pte_t *ptep, pte;
	int ret = -ENOMEM;

	ptep = get_locked_pte(mm, va, &ptl);
	if (!ptep)
		return -ENOMEM;
	pte = ptep_get(ptep);
	if (pte_present(pte)) {
		if (ukl_pte_own(va, pte, write))
			goto unlock;	/* another thread was first */
		old = pte_page(pte);
		if (private && page_count(old) == 1) {
			/* No other mm maps it: ours to write. */
			set_pte_at(mm, va, ptep, pte_mkdirty(pte_mkwrite_novma(pte)));
			goto unlock;
		}
		/* Keep a shared page while copying from it unlocked. */
		if (private)
			get_page(old);
	} else if (!private) {
		goto unlock;		/* text is always mapped */
	}
	pte_unmap_unlock(ptep, ptl);

	page = old ? alloc_page(GFP_KERNEL_ACCOUNT) : ukl_alloc_private(off);
	if (!page)
		goto put;
	if (old)
		copy_page(page_address(page), page_address(old));
	ptep = get_locked_pte(mm, va, &ptl);
	if (!ptep)
		goto free;
	ret = 0;
	if (!pte_same(ptep_get(ptep), pte)) {
		/* Another thread of @mm got there first: use its page. */
		pte_unmap_unlock(ptep, ptl);
		goto free;
	}
	set_pte_at(mm, va, ptep, pfn_pte(page_to_pfn(page), ukl_page_prot(off)));
	/* No CPU may keep reading the old page through this mm. */
	if (old)
		flush_tlb_mm_range(mm, va, va + PAGE_SIZE, PAGE_SHIFT, false);
	/* A copy of a shared private page replaces one already counted. */
	if (!old || !private)
		inc_mm_counter(mm, MM_ANONPAGES);
	pte_unmap_unlock(ptep, ptl);
	if (old && private)
		put_page(old);		/* the PTE's reference */
	page = NULL;
free:
	if (page)
		__free_page(page);
put:
	if (old && private)
		put_page(old);		/* ours */
	return ret;

unlock:
	pte_unmap_unlock(ptep, ptl);
	return 0;
}

/*
 * True if @addr is in the application image of @mm: its text, read-only
 * data, data or bss, anonymous memory without a VMA (shared futexes).
 */
bool ukl_image_addr(struct mm_struct *mm, unsigned long addr)
{
	return ukl_slot_addr(addr) && addr < ukl_private_end() && ukl_mm(mm);
}

/*
 * rseq: a critical section [@start_ip, @start_ip + @post_commit_offset)
 * and its abort handler in the application image of the current mm.
 */
bool ukl_rseq_cs_in_slot(u64 start_ip, u64 post_commit_offset, u64 abort_ip)
{
	struct mm_struct *mm = current->mm;

	return post_commit_offset < UKL_SLOT_SIZE &&
	       ukl_image_addr(mm, start_ip) &&
	       ukl_image_addr(mm, start_ip + post_commit_offset) &&
	       ukl_image_addr(mm, abort_ip);
}

/*
 * Core dumps (dump_vma_snapshot()): the application image as the mappings
 * binfmt_elf would make of the same ELF file - text (with the ELF header)
 * R+X, read-only data R, data and bss RW - with coredump_filter applied
 * as to those: text and read-only data as a private file mapping (the
 * ELF header page by default, everything with MMF_DUMP_MAPPED_PRIVATE),
 * data and bss as written private memory (MMF_DUMP_ANON_PRIVATE). The
 * pages are read through GUP, FOLL_DUMP (ukl_gup_lock_page()). The vDSO
 * as the ordinary one is dumped: its vvar pages an empty segment, its
 * text whole. Fills @meta unless it is NULL; returns the number of
 * entries. Called with mmap_lock held, which the slot does not need.
 */
int ukl_core_vmas(struct mm_struct *mm, struct core_vma_metadata *meta,
		  unsigned long mm_flags)
{
	unsigned long vdso = ukl_vdso_base(mm);
	unsigned long bound[] = {
		UKL_SLOT_BASE, UKL_SLOT_BASE + ukl_off(rx_end),
		UKL_SLOT_BASE + ukl_off(rw), ukl_private_end(),
		UKL_SLOT_BASE + ukl_vvar_off(), vdso, UKL_SLOT_BASE + ukl_vdso_end(),
	};
	static const unsigned long flags[] = {
		VM_READ | VM_EXEC, VM_READ, VM_READ | VM_WRITE,
		0, VM_READ, VM_READ | VM_EXEC,
	};
	int i, n = 0;

	if (!ukl_mm(mm))
		return 0;
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		unsigned long size = bound[i + 1] - bound[i];
		struct core_vma_metadata *m;

		if (i == 3 || (i > 3 && !vdso))
			continue;	/* the guard page; no vDSO */
		if (!size || !meta) {
			n += !!size;
			continue;
		}
		m = meta + n++;
		*m = (struct core_vma_metadata) {
			.start = bound[i], .end = bound[i + 1], .flags = flags[i],
		};
		if (i == 5) {
			m->dump_size = size;	/* the vDSO text, always */
		} else if (i == 4) {
			;			/* vvar, never */
		} else if (flags[i] & VM_WRITE) {
			if (mm_flags & BIT(MMF_DUMP_ANON_PRIVATE))
				m->dump_size = size;
		} else if (mm_flags & BIT(MMF_DUMP_MAPPED_PRIVATE)) {
			m->dump_size = size;
		} else if (!i && (mm_flags & BIT(MMF_DUMP_ELF_HEADERS))) {
			m->dump_size = PAGE_SIZE;
		}
	}
	return n;
}

/* True if @va is a private page of the current application mm. */
static bool ukl_private_addr(struct mm_struct *mm, unsigned long va)
{
	return ukl_in_private(va) && ukl_mm(mm);
}

/*
 * A page fault on a slot address (do_kern_addr_fault()), from application
 * code or from kernel code accessing the application's memory (uaccess):
 * make a private page present or writable, as do_anonymous_page() and
 * do_wp_page() would. Only where a fault may sleep, as for any user
 * address: with page faults disabled, or IRQs off, the caller goes on to
 * the exception fixup (-EFAULT), and the kernel retries with faults
 * enabled or through fixup_user_fault(). IRQs are enabled meanwhile and
 * off again on return, as the caller entered. Anything else in the slot -
 * a write to text, a fetch from data, a page past the image - is not
 * ours: the caller's bad-area handling sends SIGSEGV or oopses as before.
 */
bool __ukl_slot_fault(struct pt_regs *regs, unsigned long error_code,
		      unsigned long address)
{
	struct mm_struct *mm = current->mm;
	int ret;

	if (!ukl_private_addr(mm, address) ||
	    (error_code & (X86_PF_INSTR | X86_PF_RSVD | X86_PF_PK)) ||
	    faulthandler_disabled() || !(regs->flags & X86_EFLAGS_IF))
		return false;

	local_irq_enable();
	perf_sw_event(PERF_COUNT_SW_PAGE_FAULTS, 1, regs, address);
	ret = ukl_own_page(mm, address & PAGE_MASK, error_code & X86_PF_WRITE);
	if (!ret) {
		count_vm_event(PGFAULT);
		current->min_flt++;
		perf_sw_event(PERF_COUNT_SW_PAGE_FAULTS_MIN, 1, regs, address);
	} else if (user_mode(regs)) {
		/* As VM_FAULT_OOM for a user fault: the OOM killer decides. */
		pagefault_out_of_memory();
		ret = 0;
	}
	local_irq_disable();
	return !ret;
}

/*
 * fixup_user_fault() on a slot address: what futexes and fault_in_*()
 * use to make a page present and writable after an access with page
 * faults disabled failed. Returns 0, or -EFAULT where a user address
 * without a VMA would give it.
 */
int ukl_fixup_user_fault(struct mm_struct *mm, unsigned long address,
			 unsigned int fault_flags)
{
	if (!ukl_private_addr(mm, address))
		return -EFAULT;
	if ((fault_flags & FAULT_FLAG_KILLABLE) && fatal_signal_pending(current))
		return -EINTR;
	return ukl_own_page(mm, address & PAGE_MASK,
			    fault_flags & FAULT_FLAG_WRITE) ? -ENOMEM : 0;
}

/*
 * The page to read or write at @va for a debugger, with its PTE lock held
 * (*@ptl, *@ptep), or NULL. A write needs the mm's own page first
 * (ukl_own_page()): a breakpoint in text only with FOLL_FORCE, never in
 * the vDSO.
 */
static struct page *ukl_debug_page(struct mm_struct *mm, unsigned long va,
				   bool write, bool force, spinlock_t **ptl,
				   pte_t **ptep)
{
	pte_t pte;

	if (write && (va >= ukl_private_end() || (!ukl_in_private(va) && !force)))
		return NULL;
	for (;;) {
		if (write && ukl_own_page(mm, va, true))
			return NULL;
		*ptep = get_locked_pte(mm, va, ptl);
		if (!*ptep)
			return NULL;
		pte = ptep_get(*ptep);
		if (!pte_present(pte)) {
			pte_unmap_unlock(*ptep, *ptl);
			return NULL;
		}
		if (!write || ukl_pte_own(va, pte, true))
			return pte_page(pte);
		/* Shared again by a fork meanwhile: once more. */
		pte_unmap_unlock(*ptep, *ptl);
	}
}

/*
 * access_remote_vm() on the slot: what ptrace's PEEK and POKE requests and
 * /proc/PID/mem do for a debugger (who may do so was decided by the
 * caller, under the ptrace rules). Slot memory has no VMA, so GUP cannot
 * reach it; walk the slot's page tables instead. A private page never
 * touched reads as what its first touch would give, without allocating
 * it; the vDSO can be read, not written. Returns the bytes transferred.
 */
int ukl_access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf,
			 int len, unsigned int gup_flags)
{
	bool write = gup_flags & FOLL_WRITE, force = gup_flags & FOLL_FORCE;
	int done = 0;

	if (!ukl_mm(mm))
		return 0;
	while (len > 0 && addr >= UKL_SLOT_BASE &&
	       addr < UKL_SLOT_BASE + ukl_vdso_end()) {
		unsigned long va = addr & PAGE_MASK, pg = addr & ~PAGE_MASK;
		int n = min_t(int, len, PAGE_SIZE - pg);
		unsigned long off = va - UKL_SLOT_BASE;
		struct page *page;
		spinlock_t *ptl;	/* the PTE table lock */
		pte_t *ptep;

		page = ukl_debug_page(mm, va, write, force, &ptl, &ptep);
		if (page) {
			/* Under the PTE lock: no fork can share it meanwhile. */
			if (write)
				memcpy(page_address(page) + pg, buf, n);
			else
				memcpy(buf, page_address(page) + pg, n);
			pte_unmap_unlock(ptep, ptl);
		} else if (!write && ukl_in_private(va)) {
			size_t from_tmpl = 0;

			/* Not touched yet: its template, then zeros. */
			if (off + pg < ukl_off(file_end))
				from_tmpl = min_t(size_t, n,
						  ukl_off(file_end) - off - pg);
			memcpy(buf, __ukl_tmpl_start + off + pg, from_tmpl);
			memset(buf + from_tmpl, 0, n - from_tmpl);
		} else {
			break;
		}
		addr += n;
		buf += n;
		len -= n;
		done += n;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	return done;
}

/* True if @va is in the vDSO text @mm maps (the kernel's own pages). */
static bool ukl_vdso_text(struct mm_struct *mm, unsigned long va)
{
	unsigned long text = ukl_vdso_base(mm);

	return text && va >= text && va < UKL_SLOT_BASE + ukl_vdso_end();
}

/*
 * GUP on the slot (ukl_gup_page() in mm/ukl.c, for __get_user_pages()):
 * the page at @va with its PTE lock held (*@ptl, *@ptep), or an ERR_PTR;
 * @pin for FOLL_PIN, which is GUP's own flag.
 * As a fault on anonymous memory would, a private page is made present,
 * and the mm's own writable page for a write or a pin: GUP unshares the
 * anonymous pages it pins, so that the holder of the pin and the mm see
 * one page until the pin is dropped (fork() copies a pinned page for the
 * child, ukl_dup_ptes()). Text, read-only data and the vDSO text can be
 * read, not written (a debugger writes through ukl_access_remote_vm());
 * the vvar pages and anything past the vDSO are not GUP's to take, as a
 * VM_PFNMAP or unmapped range is not. FOLL_NOFAULT takes only what is
 * there, and FOLL_DUMP skips bss never touched (the core file reads zeros
 * there).
 */
struct page *ukl_gup_lock_page(struct mm_struct *mm, unsigned long va,
			       unsigned int gup_flags, bool pin,
			       spinlock_t **ptl, pte_t **ptep)
{
	bool private = ukl_in_private(va);
	bool own = private && (pin || (gup_flags & FOLL_WRITE));
	unsigned long bss = UKL_SLOT_BASE + PAGE_ALIGN(ukl_off(file_end));
	pte_t pte;

	if ((!ukl_image_addr(mm, va) && !ukl_vdso_text(mm, va)) ||
	    ((gup_flags & FOLL_WRITE) && !private))
		return ERR_PTR(-EFAULT);
	for (;;) {
		*ptep = get_locked_pte(mm, va, ptl);
		if (!*ptep)
			return ERR_PTR(-ENOMEM);
		pte = ptep_get(*ptep);
		if (pte_present(pte) && (!own || ukl_pte_own(va, pte, true)))
			return pte_page(pte);
		pte_unmap_unlock(*ptep, *ptl);
		if (!private || (gup_flags & FOLL_NOFAULT) ||
		    ((gup_flags & FOLL_DUMP) && !pte_present(pte) && va >= bss))
			return ERR_PTR(-EFAULT);
		if (fatal_signal_pending(current))
			return ERR_PTR(-EINTR);
		if (ukl_own_page(mm, va, own))
			return ERR_PTR(-ENOMEM);
	}
}

/*
 * exit_mmap(): unmap the slot (image and vDSO), drop its private pages,
 * free its page tables.
 */
void ukl_exit_mmap(struct mm_struct *mm)
{
	unsigned long va, next, start = UKL_SLOT_BASE, end = start + UKL_SLOT_SIZE;
	unsigned long image_end = UKL_SLOT_BASE + ukl_vdso_end();
	struct mmu_gather tlb;
	long freed = 0;

	if (!ukl_mm(mm)) {
		/* An exec or fork that failed before the first page table. */
		if (ukl_slot_p4d_private(mm)) {
			tlb_gather_mmu_fullmm(&tlb, mm);
			ukl_slot_p4d_release(&tlb, mm);
			tlb_finish_mmu(&tlb);
		}
		return;
	}

	/* As zap_pte_range(): pages are freed only after the TLB flush. */
	tlb_gather_mmu_fullmm(&tlb, mm);
	for (va = start; va < image_end; va = next) {
		pmd_t *pmd = ukl_lookup_pmd(mm, va);
		bool full = false;
		spinlock_t *ptl;	/* the PTE table lock */
		pte_t *ptep, *pte;

		next = pmd_addr_end(va, image_end);
		if (!pmd || pmd_none(*pmd))
			continue;
again:
		ptep = pte_offset_map_lock(mm, pmd, va, &ptl);
		if (!ptep)
			continue;
		for (pte = ptep; va < next; va += PAGE_SIZE, pte++) {
			pte_t old = ptep_get_and_clear_full(mm, va, pte, 1);

			if (pte_none(old))
				continue;
			tlb_remove_tlb_entry(&tlb, pte, va);
			if (va >= ukl_private_end() ||
			    (va < ukl_private_start() &&
			     pte_pfn(old) == ukl_tmpl_pfn(va)))
				continue;	/* a template or vDSO page */
			freed++;
			if (__tlb_remove_page(&tlb, pte_page(old), false)) {
				va += PAGE_SIZE;
				full = true;
				break;
			}
		}
		pte_unmap_unlock(ptep, ptl);
		if (full) {
			tlb_flush_mmu(&tlb);
			if (va < next)
				goto again;
		}
		cond_resched();
	}
	add_mm_counter(mm, MM_ANONPAGES, -freed);

	/* As free_ldt_pgtables(): free_pgd_range() works for this range. */
	free_pgd_range(&tlb, start, end, start, end);
	ukl_slot_p4d_release(&tlb, mm);
	tlb_finish_mmu(&tlb);
}

/*
 * /proc/PID/maps and perf: the application image shows as the mappings
 * ukl_core_vmas() describes - text R+X, read-only data R, data and bss RW -
 * without a name, as anonymous memory holding generated code does, and
 * the vDSO as [vvar] and [vdso], as the ordinary one. perf then looks up
 * samples in the image in /tmp/perf-PID.map, the convention of JIT
 * compilers (Documentation/ukl). Like the gate VMA, these belong to no mm
 * (->vm_mm is NULL), so nothing walks or changes them as a VMA: smaps and
 * numa_maps report them empty. The layout is the same in every mm that
 * runs the application; the vDSO lines are shown where it is mapped (not
 * with vdso=0). Filled by a core initcall, read only for an mm with the
 * slot mapped.
 */
static const char *ukl_maps_name(struct vm_area_struct *vma)
{
	return "";
}

static const char *ukl_vvar_name(struct vm_area_struct *vma)
{
	return "[vvar]";
}

static const char *ukl_vdso_name(struct vm_area_struct *vma)
{
	return "[vdso]";
}

static const struct vm_operations_struct ukl_maps_ops[] = {
	{ .name = ukl_maps_name },
	{ .name = ukl_vvar_name },
	{ .name = ukl_vdso_name },
};

static struct vm_area_struct ukl_maps[5];
static int ukl_nr_maps;

/* A vDSO line, shown only where the vDSO is mapped. */
static bool ukl_maps_vdso(const struct vm_area_struct *vma)
{
	return vma->vm_ops != &ukl_maps_ops[0];
}

static int __init ukl_maps_init(void)
{
	unsigned long bound[] = {
		0, ukl_off(rx_end), ukl_off(rw), PAGE_ALIGN(ukl_off(end)),
		ukl_vvar_off(), ukl_vdso_off(), ukl_vdso_end(),
	};
	static const vm_flags_t flags[] = {
		VM_READ | VM_EXEC, VM_READ, VM_READ | VM_WRITE,
		0, VM_READ, VM_READ | VM_EXEC,
	};
	static const int ops[] = { 0, 0, 0, -1, 1, 2 };
	int i;

	if (!ukl_off(rx_end))
		return 0;		/* built without an application */
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		struct vm_area_struct *vma = &ukl_maps[ukl_nr_maps];

		if (ops[i] < 0 || bound[i + 1] == bound[i])
			continue;	/* the guard page, an empty part */
		vma->vm_start = UKL_SLOT_BASE + bound[i];
		vma->vm_end = UKL_SLOT_BASE + bound[i + 1];
		vma->vm_pgoff = bound[i] >> PAGE_SHIFT;
		vma->vm_page_prot = vm_get_page_prot(flags[i]);
		vm_flags_init(vma, flags[i]);
		vma->vm_ops = &ukl_maps_ops[ops[i]];
		ukl_nr_maps++;
	}
	return 0;
}
core_initcall(ukl_maps_init);

/*
 * The /proc/PID/maps iterator (fs/proc/task_mmu.c), after @mm's last VMA
 * and before the gate VMA: the slot mapping that starts at *@pos if
 * @again (a read resuming there), else the first one after *@pos; NULL
 * when there is none. Sets *@pos to its start, the position the iterator
 * resumes from. Called with @mm's mmap_lock held for reading.
 */
struct vm_area_struct *ukl_proc_vma(struct mm_struct *mm, loff_t *pos,
				    bool again)
{
	unsigned long from = *pos;
	int i;

	if (!ukl_mm(mm))
		return NULL;
	for (i = 0; i < ukl_nr_maps; i++) {
		struct vm_area_struct *vma = &ukl_maps[i];

		if (again ? vma->vm_start != from : vma->vm_start <= from)
			continue;
		if (ukl_maps_vdso(vma) && !ukl_vdso_base(mm))
			return NULL;	/* only the vDSO is left */
		*pos = vma->vm_start;
		return vma;
	}
	return NULL;
}

/*
 * exec: tell perf about the slot's mappings, as mmap() does for an ELF
 * program's segments and the ordinary vDSO, so that a profile taken from
 * the start (perf record -- COMMAND) resolves the application's samples
 * as one taken by attaching to it does (which reads /proc/PID/maps).
 */
void ukl_perf_mmap(struct mm_struct *mm)
{
	bool vdso = ukl_vdso_base(mm);
	struct vm_area_struct vma;
	int i;

	for (i = 0; i < ukl_nr_maps; i++) {
		if (ukl_maps_vdso(&ukl_maps[i]) && !vdso)
			break;
		memcpy(&vma, &ukl_maps[i], sizeof(vma));
		vma.vm_mm = mm;
		/* The image unnamed in @mm: perf_event_mmap() says "//anon". */
		if (!ukl_maps_vdso(&vma))
			vma.vm_ops = NULL;
		perf_event_mmap(&vma);
	}
}
