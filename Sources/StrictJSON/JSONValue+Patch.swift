extension JSONValue {
    /// This object with `changes` applied as a merge patch (RFC 7396, one level): each member replaces the member
    /// of that name in place or is added at the end, and a `null` member removes it.
    public func patched(with changes: [(key: String, value: JSONValue)]) -> JSONValue {
        var members = objectMembers ?? []
        for change in changes {
            if let index = members.firstIndex(where: { $0.key == change.key }) {
                if change.value == .null { members.remove(at: index) } else { members[index].value = change.value }
            } else if change.value != .null {
                members.append(change)
            }
        }
        return .object(members)
    }
}
