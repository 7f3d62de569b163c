import StrictJSON

extension JSONValue {
    /// The members of a request body whose value was given, in order: options left out send no member.
    static func givenMembers(_ members: KeyValuePairs<String, JSONValue?>) -> [(key: String, value: JSONValue)] {
        members.compactMap { member in member.value.map { (member.key, $0) } }
    }
}
