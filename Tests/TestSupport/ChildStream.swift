/// Where one of a child process's standard streams goes.
public enum ChildStream: Sendable {
    /// `/dev/null`.
    case null
    /// A new pipe; the test process holds its other end (``ChildProcess/input``, ``ChildProcess/output``,
    /// ``ChildProcess/errors``).
    case pipe
    /// The file at this path: read for standard input; for standard output or error, created if missing and appended
    /// to.
    case file(String)
    /// For standard error: the same open file or pipe as standard output, so their lines interleave as written.
    case standardOutput
}
