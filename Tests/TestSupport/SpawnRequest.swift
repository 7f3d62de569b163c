import CPosixSpawn
import Foundation

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A system call that failed while a child process was being started.
public struct SpawnFailure: Error, CustomStringConvertible {
    /// The call that failed.
    public let call: String
    /// Its `errno`.
    public let code: Int32

    public var description: String { "\(call): \(String(cString: strerror(code)))" }

    /// Throws for a call that returned an error number (`posix_spawn` and its helpers) instead of `0`.
    static func check(_ call: String, _ result: Int32) throws {
        guard result == 0 else { throw SpawnFailure(call: call, code: result) }
    }
}

/// One `posix_spawn(3)` of a program: what it runs, where, and where its standard streams go.
///
/// The child starts with every signal at its default action and none blocked (a test may start it from a thread that
/// blocks signals, and the test process ignores `SIGPIPE`), in a process group of its own, and inherits no descriptor
/// but its three standard streams.
struct SpawnRequest {
    var executable: String
    var arguments: [String]
    /// `nil`: the test process's own environment.
    var environment: [String: String]?
    /// `nil`: the test process's working directory.
    var directory: String?
    var input: ChildStream
    var output: ChildStream
    var errors: ChildStream

    /// A started child: its process identifier and the test process's ends of the pipes asked for.
    struct Started {
        var pid: pid_t
        var pipes: [Int32: FileHandle]
    }

    /// Starts the child.
    func spawn() throws -> Started {
        var actions = posix_spawn_file_actions_t()
        try SpawnFailure.check("posix_spawn_file_actions_init", posix_spawn_file_actions_init(&actions))
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        try SpawnFailure.check("posix_spawnattr_init", posix_spawnattr_init(&attributes))
        defer { posix_spawnattr_destroy(&attributes) }

        var pipes: [Int32: FileHandle] = [:]
        var childEnds: [Int32] = []
        defer { for descriptor in childEnds { close(descriptor) } }
        for (descriptor, stream) in [(STDIN_FILENO, input), (STDOUT_FILENO, output), (STDERR_FILENO, errors)] {
            switch stream {
            case .null:
                try SpawnFailure.check(
                    "posix_spawn_file_actions_addopen", posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_RDWR, 0))
            case .file(let path):
                let flags = descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY | O_CREAT | O_APPEND
                try SpawnFailure.check(
                    "posix_spawn_file_actions_addopen", posix_spawn_file_actions_addopen(&actions, descriptor, path, flags, 0o644))
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard cposixspawn_pipe_cloexec(&ends) == 0 else { throw SpawnFailure(call: "pipe2", code: errno) }
                let (childEnd, ourEnd) = descriptor == STDIN_FILENO ? (ends[0], ends[1]) : (ends[1], ends[0])
                childEnds.append(childEnd)
                pipes[descriptor] = FileHandle(fileDescriptor: ourEnd, closeOnDealloc: true)
                try SpawnFailure.check(
                    "posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, childEnd, descriptor))
            case .standardOutput:
                try SpawnFailure.check(
                    "posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, descriptor))
            }
        }
        try SpawnFailure.check("posix_spawn_file_actions_addclosefrom_np", cposixspawn_addclosefrom(&actions, STDERR_FILENO + 1))
        if let directory {
            try SpawnFailure.check("posix_spawn_file_actions_addchdir_np", cposixspawn_addchdir(&actions, directory))
        }

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        try SpawnFailure.check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(&attributes, &noSignals))
        try SpawnFailure.check("posix_spawnattr_setsigdefault", posix_spawnattr_setsigdefault(&attributes, &allSignals))
        try SpawnFailure.check("posix_spawnattr_setpgroup", posix_spawnattr_setpgroup(&attributes, 0))
        let flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP
        try SpawnFailure.check("posix_spawnattr_setflags", posix_spawnattr_setflags(&attributes, Int16(flags)))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in envp { free(variable) } }
        var pid = pid_t()
        try SpawnFailure.check("posix_spawn \(executable)", posix_spawn(&pid, executable, &actions, &attributes, argv, envp))
        return Started(pid: pid, pipes: pipes)
    }
}
