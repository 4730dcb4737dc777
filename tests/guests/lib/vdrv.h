/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vdrv.h: what the tiny virtio drivers (virtio.c, vnet.c) share: the
 * registers of a virtio-mmio page, reached as Linux's readl()/writel()
 * reach them, and the device window mapped where they can.
 */
#ifndef VDRV_H
#define VDRV_H

#include "paging.h"

#define WINDOW		0xd0000000u	/* the launcher's (lguest.c) */
#define VA		0x50000000u
/* As Linux's readl()/writel(): a mov through a register, nothing else. */
static inline u32 rd(u32 off)
{
	u32 v;

	asm volatile("movl %1, %0" : "=r" (v) : "m" (*(volatile u32 *)(VA + off)));
	return v;
}

static inline void wr(u32 off, u32 v)
{
	asm volatile("movl %0, %1" : : "r" (v), "m" (*(volatile u32 *)(VA + off)) : "memory");
}
#define NUM		8

enum { MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEV_FEAT = 0x010,
       DEV_FEAT_SEL = 0x014, DRV_FEAT = 0x020, DRV_FEAT_SEL = 0x024,
       QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038,
       QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, INT_STATUS = 0x060,
       INT_ACK = 0x064, STATUS = 0x070, DESC_LO = 0x080, DESC_HI = 0x084,
       AVAIL_LO = 0x090, AVAIL_HI = 0x094, USED_LO = 0x0a0, USED_HI = 0x0a4 };

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 64
#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4

/* The window's first two pages at VA, and our memory where it is. */
static inline void map_window(void)
{
	static struct as a;

	as_create(&a);
	for (u32 pa = 0; pa < (4u << 20); pa += 4096)
		as_map(&a, pa, pa, PTE_P | PTE_RW);
	as_map(&a, VA, WINDOW, PTE_P | PTE_RW);
	as_map(&a, VA + 4096, WINDOW + 4096, PTE_P | PTE_RW);
	as_switch(&a);
}

struct desc { u64 addr; u32 len; unsigned short flags, next; };

#endif
