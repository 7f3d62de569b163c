#ifndef C_POSIX_SPAWN_H
#define C_POSIX_SPAWN_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): a pipe no other child inherits.
int cposixspawn_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np: the child starts in `path`.
int cposixspawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor from `from` on.
int cposixspawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
