extension String {
    /// Calls `body` with the string's contiguous UTF-8 bytes, preserving `body`'s typed error.
    func withUTF8Bytes<R, E: Error>(_ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        var text = self
        let result: Result<R, E> = text.withUTF8 { bytes in
            Result { () throws(E) -> R in try body(bytes) }
        }
        return try result.get()
    }
}
