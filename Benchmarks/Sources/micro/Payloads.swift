import Foundation

/// The three payloads: the two static files the HTTP benchmark serves, and a
/// ~1 MB array of objects generated here, the same bytes on every run.
enum Payloads {
    /// `Benchmarks/http/backend/NAME`, found from this source file's path
    /// (so `swift run` works from any directory), else from the current one.
    static func backendFile(_ name: String) -> [UInt8] {
        let here = URL(fileURLWithPath: #filePath)           // .../Benchmarks/Sources/micro/Payloads.swift
        let benchmarks = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            benchmarks.appendingPathComponent("http/backend/\(name)").path,
            "Benchmarks/http/backend/\(name)",
            "http/backend/\(name)",
        ]
        for path in candidates {
            if let data = FileManager.default.contents(atPath: path) { return [UInt8](data) }
        }
        fatalError("cannot find \(name); tried \(candidates.joined(separator: ", "))")
    }

    /// A JSON array of user-like records, at least `minBytes` long. Mostly
    /// ASCII, with some non-ASCII names and some strings that need escapes
    /// (quotes, newlines, tabs, backslashes), integers, decimals, negatives,
    /// booleans, nulls, nested objects and arrays.
    static func large(minBytes: Int = 1_000_000) -> [UInt8] {
        var rng = SplitMix64(seed: 0x6B72_616B_656E_64)
        let first = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "José", "Zoë", "Łukasz", "美咲", "Søren", "Linus", "Margaret"]
        let last = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Núñez", "Müller", "Kowalski", "佐藤", "Kierkegaard"]
        let cities = ["London", "New York", "Zürich", "Kraków", "東京", "São Paulo", "Reykjavík", "Berlin"]
        let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]
        let bios = [
            "Writes code and reviews it.",
            #"Says \"ship it\" a lot.\nOn call this week."#,
            #"Path: C:\\Users\\ada\\notes.txt\t(tab separated)"#,
            "Likes <b>bold</b> & italics; café au lait ☕",
        ]

        var out = "["
        var id = 0
        while out.utf8.count < minBytes {
            if id > 0 { out += "," }
            id += 1
            let f = first[rng.below(first.count)], l = last[rng.below(last.count)]
            let tagCount = 1 + rng.below(4)
            let tags = (0..<tagCount).map { _ in "\"\(words[rng.below(words.count)])\"" }.joined(separator: ",")
            let manager = rng.below(3) == 0 ? "null" : "\"\(first[rng.below(first.count)])\""
            out += "{\"id\":\(id)"
            out += ",\"uuid\":\"\(hex(rng.next(), 8))-\(hex(rng.next(), 4))-4\(hex(rng.next(), 3))-a\(hex(rng.next(), 3))-\(hex(rng.next(), 12))\""
            out += ",\"name\":\"\(f) \(l)\",\"email\":\"\(f.lowercased()).\(id)@example.com\""
            out += ",\"active\":\(rng.below(2) == 0 ? "true" : "false")"
            out += ",\"balance\":\(decimal(rng.below(10_000_000), places: 2))"
            out += ",\"score\":\(decimal(rng.below(1000), places: 3))"
            out += ",\"rank\":\(rng.below(2000) - 1000)"
            out += ",\"tags\":[\(tags)]"
            out += ",\"address\":{\"street\":\"\(1 + rng.below(200)) \(words[rng.below(words.count)].capitalized) Street\""
            out += ",\"city\":\"\(cities[rng.below(cities.count)])\",\"zip\":\"\(10000 + rng.below(90000))\""
            out += ",\"geo\":{\"lat\":\(decimal(rng.below(1_800_000) - 900_000, places: 4)),\"lng\":\(decimal(rng.below(3_600_000) - 1_800_000, places: 4))}}"
            out += ",\"manager\":\(manager)"
            out += ",\"bio\":\"\(bios[rng.below(bios.count)])\""
            out += ",\"created_at\":\"20\(10 + rng.below(15))-0\(1 + rng.below(9))-1\(rng.below(10))T0\(rng.below(10)):\(10 + rng.below(50)):\(10 + rng.below(50))Z\"}"
        }
        out += "]"
        return Array(out.utf8)
    }

    private static func hex(_ v: UInt64, _ digits: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s.suffix(digits)
    }

    /// `12345, places: 2` -> `123.45`; `-5, places: 3` -> `-0.005`.
    private static func decimal(_ v: Int, places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let frac = String(abs(v) % scale)
        return "\(v < 0 ? "-" : "")\(abs(v) / scale).\(String(repeating: "0", count: places - frac.count))\(frac)"
    }
}

/// SplitMix64: a tiny deterministic generator, so the large payload is the
/// same bytes on every run and every machine.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
