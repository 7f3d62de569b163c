/// A small chart of the last hour as inline SVG, drawn on the server: stacked bars of counts, or lines of values, one
/// slot a minute. Colours come from classes of `console.css` (no inline style); the chart is an image with a title
/// for assistive technology, and its numbers are in a table under a disclosure beside it.
struct ConsoleChart {
    /// One named series: a value per point (`nil`: none that minute).
    struct Series {
        let name: String
        let values: [Double?]
    }

    enum Kind {
        /// Counts stacked per minute.
        case bars
        /// Each series a line (latency, a gauge).
        case lines
    }

    /// The chart's element id (unique on the page).
    let id: String
    let title: String
    let kind: Kind
    /// When each point ends (Unix seconds), oldest first.
    let times: [Int64]
    let series: [Series]
    /// The end of the hour shown.
    let now: Int64
    /// How a value reads in the table and on the axis (`12`, `3.4 ms`).
    let format: (Double) -> String

    static let width = 600.0
    static let height = 160.0
    /// Space for the axis labels on the left and below.
    static let left = 48.0
    static let bottom = 20.0
    /// The series colours (`.s0` … in console.css); further series reuse them.
    static let palette = 6

    /// The figure: heading, SVG, legend and the table of numbers.
    var markup: String {
        // With nothing to show the scale still has a top, and the line lies on the axis.
        let top = maximum > 0 ? maximum : 1
        let plot = (width: Self.width - Self.left, height: Self.height - Self.bottom)
        var shapes: [String] = []
        let slot = plot.width / 60
        func x(_ time: Int64) -> Double { Self.left + plot.width * Double(time - (now - 3600)) / 3600 }
        func y(_ value: Double) -> Double { plot.height - (top > 0 ? plot.height * value / top : 0) }
        switch kind {
        case .bars:
            for (index, time) in times.enumerated() {
                var base = 0.0
                for (number, series) in series.enumerated() {
                    guard let value = series.values[index], value > 0 else { continue }
                    let (upper, lower) = (y(base + value), y(base))
                    shapes.append(
                        "<rect class=\"s\(number % Self.palette)\" x=\"\(Self.number(x(time) - slot))\" y=\"\(Self.number(upper))\" "
                            + "width=\"\(Self.number(max(slot - 1, 1)))\" height=\"\(Self.number(lower - upper))\"/>")
                    base += value
                }
            }
        case .lines:
            for (number, series) in series.enumerated() {
                let points = zip(times, series.values).compactMap { time, value in
                    value.map { "\(Self.number(x(time) - slot / 2)),\(Self.number(y($0)))" }
                }
                guard !points.isEmpty else { continue }
                shapes.append("<polyline class=\"line s\(number % Self.palette)\" points=\"\(points.joined(separator: " "))\"/>")
            }
        }
        let axis = """
            <line class="axis" x1="\(Self.number(Self.left))" y1="\(Self.number(plot.height))" x2="\(Self.number(Self.width))" \
            y2="\(Self.number(plot.height))"/>\
            <text class="tick" x="\(Self.number(Self.left - 4))" y="12" text-anchor="end">\(ConsoleMarkup.text(format(top)))</text>\
            <text class="tick" x="\(Self.number(Self.left - 4))" y="\(Self.number(plot.height))" text-anchor="end">0</text>\
            <text class="tick" x="\(Self.number(Self.left))" y="\(Self.number(Self.height - 4))">−60 min</text>\
            <text class="tick" x="\(Self.number(Self.width))" y="\(Self.number(Self.height - 4))" text-anchor="end">now</text>
            """
        let legend = series.enumerated().map { number, series in
            "<li><span class=\"key s\(number % Self.palette)\" aria-hidden=\"true\"></span>\(ConsoleMarkup.text(series.name))</li>"
        }.joined()
        return """
            <figure class="chart" aria-labelledby="\(id)-heading">
            <h2 id="\(id)-heading">\(ConsoleMarkup.text(title))</h2>
            <svg role="img" aria-labelledby="\(id)-title" viewBox="0 0 \(Self.number(Self.width)) \(Self.number(Self.height))" \
            focusable="false"><title id="\(id)-title">\(ConsoleMarkup.text(summary))</title>\
            \(axis)\(shapes.joined())</svg>
            <ul class="legend">\(legend)</ul>
            <details><summary>Numbers</summary>\(table)</details>
            </figure>
            """
    }

    /// The largest stacked (bars) or single (lines) value: the top of the scale.
    private var maximum: Double {
        switch kind {
        case .bars:
            return times.indices.map { index in series.reduce(0.0) { $0 + ($1.values[index] ?? 0) } }.max() ?? 0
        case .lines:
            return series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        }
    }

    /// What the image shows, in words: the title, the span and each series' total or peak.
    private var summary: String {
        let parts = series.map { series -> String in
            let values = series.values.compactMap { $0 }
            switch kind {
            case .bars: return "\(series.name) \(format(values.reduce(0, +))) in all"
            case .lines: return "\(series.name) at most \(values.max().map(format) ?? "none")"
            }
        }
        return "\(title), last 60 minutes: " + (parts.isEmpty ? "nothing recorded" : parts.joined(separator: ", "))
    }

    private var table: String {
        let rows = times.enumerated().map { index, time -> [String] in
            [ConsoleMarkup.text(Self.minute(time))] + series.map { ConsoleMarkup.text($0.values[index].map(format) ?? "—") }
        }
        return ConsoleMarkup.table(caption: "\(title), per minute (UTC)", headers: ["Minute"] + series.map(\.name), rows: rows)
    }

    /// `HH:MM` of a Unix time, in UTC.
    static func minute(_ time: Int64) -> String {
        String(ConsoleTime.utc(time).dropFirst(11).prefix(5))
    }

    /// A coordinate with one decimal.
    private static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}
