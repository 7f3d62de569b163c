import Foundation

/// The language a hosted page is written in.
enum PageLocale: String, CaseIterable, Sendable {
    case en
    case ru

    /// The first supported language the client asks for: `ui_locales` (OpenID Connect Core §3.1.2.1, space-separated
    /// BCP 47 tags in order of preference) first, then `Accept-Language` (RFC 9110 §12.5.4, by quality), else English.
    init(uiLocales: String?, acceptLanguage: String?) {
        let requested = (uiLocales?.split(separator: " ").map(String.init) ?? [])
            + Self.byPreference(acceptLanguage ?? "")
        self = requested.lazy.compactMap(Self.init(tag:)).first ?? .en
    }

    /// The locale a BCP 47 tag names by its primary language subtag (`ru`, `ru-RU`, `RU`), if supported.
    init?(tag: String) {
        let primary = tag.split(separator: "-", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        self.init(rawValue: primary)
    }

    /// The tags of an `Accept-Language` value, highest quality first (ties keep their order), without those of
    /// quality zero.
    private static func byPreference(_ header: String) -> [String] {
        let ranges = header.split(separator: ",").enumerated().compactMap { index, item -> (tag: String, q: Double, index: Int)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty else { return nil }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            return quality > 0 ? (tag, quality, index) : nil
        }
        return ranges.sorted { ($0.q, -$0.index) > ($1.q, -$1.index) }.map(\.tag)
    }
}
