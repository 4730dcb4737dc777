/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough of <linux/types.h> to build the module's leaf files in user space. */
#ifndef KSHIM_LINUX_TYPES_H
#define KSHIM_LINUX_TYPES_H
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif
