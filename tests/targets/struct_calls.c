/* struct_calls: calls whose structs and arrays strace 6.1 decodes, made
 * with real memory so that the fidelity test can compare syspect's text
 * with strace's:
 *
 *   - landlock_create_ruleset with a struct landlock_ruleset_attr (an fd,
 *     shown with -y) and with LANDLOCK_CREATE_RULESET_VERSION (a number,
 *     not an fd), landlock_add_rule with a struct landlock_path_beneath_attr;
 *   - mount_setattr with a struct mount_attr (it fails: no such fd);
 *   - mount with a data string (it fails: no such source);
 *   - io_uring_setup's struct io_uring_params, before and after the call;
 *   - fcntl's struct flock (F_SETLK, F_GETLK) and struct f_owner_ex;
 *   - move_pages and futex_waitv with no elements ("[]");
 *   - memfd_create with a name longer than the kernel takes;
 *   - statx with AT_SYMLINK_FOLLOW among its flags.
 *
 * Works in the current directory (the file it makes is removed) and
 * exits 0. Calls the kernel refuses show the same error under both.
 */
#include "common.h"

struct ruleset_attr {
  unsigned long long handled_access_fs;
};
struct __attribute__((packed)) path_beneath_attr {
  unsigned long long allowed_access;
  int parent_fd;
};
struct mount_attr_v0 {
  unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

int main(void) {
  struct ruleset_attr ruleset = {0x1 | 0x4}; /* EXECUTE, READ_FILE */
  long rfd = syscall(444 /* landlock_create_ruleset */, &ruleset, sizeof ruleset, 0);
  syscall(444, NULL, 0, 1 /* LANDLOCK_CREATE_RULESET_VERSION */);
  int dir = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct path_beneath_attr beneath = {0x1, dir};
  syscall(445 /* landlock_add_rule */, rfd, 1 /* LANDLOCK_RULE_PATH_BENEATH */, &beneath, 0);

  struct mount_attr_v0 attr = {0x2 /* NOSUID */, 0x4 /* NODEV */, 0x80000 /* MS_SLAVE */, 0};
  syscall(442 /* mount_setattr */, -1, "", 0x1000 /* AT_EMPTY_PATH */, &attr, sizeof attr);
  syscall(SYS_mount, "struct_calls_nosuch", "struct_calls_nosuch", "tmpfs", 0x1 /* MS_RDONLY */, "size=1m");

  unsigned int params[30] = {0};
  syscall(425 /* io_uring_setup */, 1, params);

  static const char name[] = "struct_calls_sample";
  int fd = open(name, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) die("open");
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
  syscall(SYS_fcntl, fd, F_SETLK, &fl);
  fl.l_type = F_RDLCK;
  syscall(SYS_fcntl, fd, F_GETLK, &fl);
  struct f_owner_ex owner = {F_OWNER_PID, 0};
  syscall(SYS_fcntl, fd, F_GETOWN_EX, &owner);

  void *pages[1] = {0};
  int status[1] = {0};
  syscall(SYS_move_pages, 0, 0, pages, NULL, status, 0x2 /* MPOL_MF_MOVE */);
  unsigned long long waiters[3] = {0};
  syscall(449 /* futex_waitv */, waiters, 0, 0, NULL, CLOCK_MONOTONIC);

  static char long_name[300];
  memset(long_name, 'm', sizeof long_name - 1);
  syscall(SYS_memfd_create, long_name, 0);

  static char statxbuf[256];
  syscall(SYS_statx, AT_FDCWD, name, 0x400 /* AT_SYMLINK_FOLLOW */ | 0x10000, 0x7ff, statxbuf);
  if (unlink(name) != 0) die("unlink");
  say("done\n");
  return 0;
}
