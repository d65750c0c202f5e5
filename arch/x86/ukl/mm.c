// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): the application slot of an mm.
 *
 * An mm that exec'd the application maps its image in the slot (PGD 509,
 * asm/ukl.h), modelled on the PTI LDT remap (arch/x86/kernel/ldt.c): the
 * ELF header, text, read-only data and TLS template are the template pages
 * inside the kernel image, shared by every such mm and mapped read-only;
 * data and bss are private pages of the mm, initialised from the template,
 * mapped read-write and never executable. fork() copies the private pages,
 * so parent and child each have their own globals; exit frees them. No
 * page is global, and the slot is never mapped in init_mm, so every other
 * mm has nothing there.
 *
 * The slot is not a VMA: GUP, /proc/pid/maps and core dumps do not see
 * it. Its private pages are anonymous memory of the mm all the same:
 * MM_ANONPAGES counts them, so RSS and the OOM killer's badness include
 * them. Locking: exec maps into a fresh mm that nothing else uses; fork
 * runs with both mms write-locked; exit runs when the mm has no users.
 * Exec and fork may copy many pages (a large .bss): both reschedule and
 * give up on a fatal signal as they go, as dup_mmap() does per VMA.
 */
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/ukl.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <asm/msr.h>
#include <asm/set_memory.h>
#include <asm/tlb.h>
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

/* Private pages of the mm: data and bss. */
static bool ukl_private_page(unsigned long off)
{
	return off >= ukl_off(rw);
}

static p4d_t *ukl_slot_p4d(struct mm_struct *mm)
{
	return p4d_offset(pgd_offset(mm, UKL_SLOT_BASE), UKL_SLOT_BASE);
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

void ukl_switch_mm(struct mm_struct *next)
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

/* The PTE of @va in @mm, locked, without allocating page tables. */
static pte_t *ukl_lookup_pte(struct mm_struct *mm, unsigned long va,
			     spinlock_t **ptl)
{
	p4d_t *p4d = p4d_offset(pgd_offset(mm, va), va);
	pud_t *pud;
	pmd_t *pmd;

	if (p4d_none(*p4d))
		return NULL;
	pud = pud_offset(p4d, va);
	if (pud_none(*pud))
		return NULL;
	pmd = pmd_offset(pud, va);
	if (pmd_none(*pmd))
		return NULL;
	return pte_offset_map_lock(mm, pmd, va, ptl);
}

static int ukl_set_pte(struct mm_struct *mm, unsigned long off, pte_t pte)
{
	unsigned long va = UKL_SLOT_BASE + off;
	spinlock_t *ptl;	/* the PTE table lock */
	pte_t *ptep;

	/* Allocates (and accounts to @mm) the page tables, as for the LDT. */
	ptep = get_locked_pte(mm, va, &ptl);
	if (!ptep)
		return -ENOMEM;
	set_pte_at(mm, va, ptep, pte);
	pte_unmap_unlock(ptep, ptl);
	return 0;
}

static struct page *ukl_alloc_private(const void *src, size_t len)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (page && len)
		memcpy(page_address(page), src, len);
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
	if (set_memory_ro(start, pages) || set_memory_nx(start, pages))
		pr_err("UKL: cannot make the application template read-only\n");
	return 0;
}
late_initcall(ukl_protect_template);

/* Between two pages of a long copy: reschedule, stop for a fatal signal. */
static int ukl_copy_point(void)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	return 0;
}

/* Map the whole image into @mm (exec). On error, ukl_exit_mmap() cleans up. */
int ukl_map_image(struct mm_struct *mm)
{
	unsigned long off;

	for (off = 0; off < ukl_off(end); off += PAGE_SIZE) {
		unsigned long pfn;
		struct page *page;
		int ret;

		ret = ukl_copy_point();
		if (ret)
			return ret;
		if (!ukl_private_page(off)) {
			pfn = PHYS_PFN(__pa_symbol(__ukl_tmpl_start) + off);
		} else {
			size_t len = 0;

			if (off < ukl_off(file_end))
				len = min(PAGE_SIZE, ukl_off(file_end) - off);
			page = ukl_alloc_private(__ukl_tmpl_start + off, len);
			if (!page)
				return -ENOMEM;
			pfn = page_to_pfn(page);
		}
		ret = ukl_set_pte(mm, off, pfn_pte(pfn, ukl_page_prot(off)));
		if (ret) {
			if (ukl_private_page(off))
				__free_page(pfn_to_page(pfn));
			return ret;
		}
		if (ukl_private_page(off))
			inc_mm_counter(mm, MM_ANONPAGES);
	}
	return 0;
}

/* fork(): share the read-only pages, copy the private ones. */
int ukl_dup_mmap(struct mm_struct *oldmm, struct mm_struct *mm)
{
	unsigned long off;

	if (!ukl_mm(oldmm))
		return 0;

	for (off = 0; off < ukl_off(end); off += PAGE_SIZE) {
		struct page *page;
		spinlock_t *ptl;	/* the PTE table lock */
		pte_t *ptep, pte;
		int ret;

		ret = ukl_copy_point();
		if (ret)
			return ret;
		ptep = ukl_lookup_pte(oldmm, UKL_SLOT_BASE + off, &ptl);
		if (!ptep)
			continue;
		pte = ptep_get(ptep);
		pte_unmap_unlock(ptep, ptl);
		if (pte_none(pte))
			continue;

		if (ukl_private_page(off)) {
			page = ukl_alloc_private(page_address(pte_page(pte)),
						 PAGE_SIZE);
			if (!page)
				return -ENOMEM;
			pte = pfn_pte(page_to_pfn(page), pte_pgprot(pte));
		}
		ret = ukl_set_pte(mm, off, pte);
		if (ret) {
			if (ukl_private_page(off))
				__free_page(pte_page(pte));
			return ret;
		}
		if (ukl_private_page(off))
			inc_mm_counter(mm, MM_ANONPAGES);
	}
	return 0;
}

/* exit_mmap(): unmap the slot, free the private pages and page tables. */
void ukl_exit_mmap(struct mm_struct *mm)
{
	unsigned long off, start = UKL_SLOT_BASE, end = start + UKL_SLOT_SIZE;
	struct mmu_gather tlb;
	struct page *page, *tmp;
	long freed = 0;
	LIST_HEAD(pages);

	if (!ukl_mm(mm))
		return;

	for (off = 0; off < ukl_off(end); off += PAGE_SIZE) {
		spinlock_t *ptl;	/* the PTE table lock */
		pte_t *ptep, pte;

		ptep = ukl_lookup_pte(mm, start + off, &ptl);
		if (!ptep)
			continue;
		pte = ptep_get_and_clear(mm, start + off, ptep);
		pte_unmap_unlock(ptep, ptl);
		if (!pte_none(pte) && ukl_private_page(off)) {
			list_add(&pte_page(pte)->lru, &pages);
			freed++;
		}
		cond_resched();
	}
	add_mm_counter(mm, MM_ANONPAGES, -freed);
	/* No CPU may still reach a private page through a stale TLB entry. */
	flush_tlb_mm(mm);
	list_for_each_entry_safe(page, tmp, &pages, lru)
		__free_page(page);

	/* As free_ldt_pgtables(): free_pgd_range() works for this range. */
	tlb_gather_mmu_fullmm(&tlb, mm);
	free_pgd_range(&tlb, start, end, start, end);
	tlb_finish_mmu(&tlb);
}
