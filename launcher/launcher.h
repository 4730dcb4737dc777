/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tour 15: The launcher's parts
 *
 * What the launcher's parts share: lguest.c (main, boot), vm.c (the host
 * module: /dev/lguest, the run loop and its exits), console.c (the guest's
 * console) and devices.c (the guest's devices, built from virtio/ and
 * disk/).
 */
#ifndef LGUEST_LAUNCHER_H
#define LGUEST_LAUNCHER_H

#include "args.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lguest_abi.h>

/* The exit status (lguest.c's header comment says what each means). */
enum {
	EXIT_POWEROFF = 0,
	EXIT_SETUP = 1,
	EXIT_RESTART = 2,
	EXIT_KILLED = 3,
	EXIT_PANIC = 4,
};

extern int verbose;
/* Say why we cannot go on, and exit with EXIT_SETUP. */
_Noreturn void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...);
/* With --verbose: what we do. */
void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...);

/* vm.c */
const char *lg_param(const char *name, char *buf, size_t len);
int open_lguest(void);
void init_guest(int lfd, uint8_t *ram, uint64_t mem, uint32_t entry,
		unsigned int paging, uint32_t boot_esi);
int run_guest(int lfd, uint8_t *ram, uint64_t mem, bool reboot_exit);

/* console.c: stdin is the console's input unless from_stdin is false (--detach) */
void start_console_input(int lfd, bool from_stdin);
bool console_input(const char *buf, size_t len);
void restore_terminal(void);
void console_read(uint8_t *ram, uint64_t mem, uint32_t gpa, uint32_t size);

/* control.c: the guest's name and control socket (lguest list, stop, console) */
int runtime_dir(char *buf, size_t len, bool create, char *err, size_t errlen);
void control_prepare(const struct lg_args *a);
const char *control_name(void);
void control_start(int lfd);
void control_console_out(const char *buf, size_t len);
void control_exiting(int status);

/* privs.c: least privilege */
void privs_close_fds(const int *keep, unsigned int nkeep);
void privs_check(const struct lg_args *a);
bool privs_drop(const struct lg_args *a);

/* manage.c: "lguest list", "lguest stop", "lguest console" */
int manage_main(int argc, char *argv[]);

/* devices.c */
void plan_devices(const struct lg_args *a);
void devices_cmdline(char *buf, size_t len);
void devices_window(uint32_t *base, uint32_t *size);
void start_devices(int lfd, uint8_t *ram, uint64_t mem);
void mmio_exit(int lfd, const struct lguest_exit *e);

#endif
