import StrictJSON

extension JSONValue {
    /// The element at `index` of an array; `nil` for other values or out of range.
    subscript(index: Int) -> JSONValue? {
        guard let elements = arrayElements, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}
