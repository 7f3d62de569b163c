// The GNU extensions are declared only with _GNU_SOURCE, which must come before any system header.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include "CPosixSpawn.h"

int cposixspawn_pipe_cloexec(int fds[2]) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

int cposixspawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int cposixspawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
#if defined(__linux__)
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    // Darwin has no such action; its children inherit only descriptors without FD_CLOEXEC.
    (void)actions;
    (void)from;
    return 0;
#endif
}
