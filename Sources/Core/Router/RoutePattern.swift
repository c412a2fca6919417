/// An endpoint path such as `/v1/{domain}/user/{id}` parsed into segments.
///
/// The path is split on every `/` after the leading one, keeping empty
/// segments, so `/` is one empty segment and `/foo/` is `foo` plus an empty
/// segment: a trailing slash makes a distinct route, as in gin.
struct RoutePattern: Sendable {
    /// The path as written in the configuration (used in messages).
    let path: String
    let segments: [PatternSegment]
    /// Every variable of the route, in order of appearance.
    let variableNames: [String]

    init(parsing path: String, disableREST: Bool) throws(RouteError) {
        guard path.utf8.first == UInt8(ascii: "/") else {
            throw .invalidPath(path: path, reason: "it must begin with '/'")
        }
        if path.utf8.contains(UInt8(ascii: "?")) || path.utf8.contains(UInt8(ascii: "#")) {
            throw .invalidPath(path: path, reason: "it cannot contain a query string or a fragment")
        }
        var segments: [PatternSegment] = []
        var names: [String] = []
        for text in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let segment = try PatternSegment(parsing: text, path: path, disableREST: disableREST)
            for name in segment.variableNames {
                if names.contains(name) {
                    throw .invalidPath(path: path, reason: "the variable '{\(name)}' is declared more than once")
                }
                names.append(name)
            }
            segments.append(segment)
        }
        self.path = path
        self.segments = segments
        self.variableNames = names
    }
}

/// One `/`-separated part of an endpoint pattern.
enum PatternSegment: Sendable, Equatable {
    /// Static text, compared byte for byte (may be empty).
    case literal([UInt8])
    /// A whole-segment variable, `{id}` (or gin's `:id`).
    case variable(String)
    /// Text with variables inside, `file.{ext}`; only with `disable_rest`.
    case mixed(MixedSegment)

    var variableNames: [String] {
        switch self {
        case .literal: return []
        case .variable(let name): return [name]
        case .mixed(let mixed): return mixed.variableNames
        }
    }

    /// The segment as it is written in an endpoint, for error messages.
    var display: String {
        switch self {
        case .literal(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .variable(let name): return "{\(name)}"
        case .mixed(let mixed): return mixed.display
        }
    }

    init(parsing text: Substring, path: String, disableREST: Bool) throws(RouteError) {
        let bytes = Array(text.utf8)
        let hasBrace = bytes.contains(UInt8(ascii: "{")) || bytes.contains(UInt8(ascii: "}"))

        // gin's own syntax: a segment starting with ':' is a named parameter,
        // and '*' a catch-all. KrakenD CE has no catch-all (the wildcard is an
        // Enterprise feature), so it is refused rather than silently literal.
        if bytes.first == UInt8(ascii: "*") {
            throw .invalidPath(path: path, reason: "wildcard segments ('\(text)') are not supported")
        }
        if bytes.first == UInt8(ascii: ":"), !hasBrace {
            let name = String(text.dropFirst())
            try Self.validate(name: name, path: path, disableREST: disableREST)
            self = .variable(name)
            return
        }
        guard hasBrace else {
            self = .literal(bytes)
            return
        }

        let pieces = try Self.pieces(of: text, path: path, disableREST: disableREST)
        if pieces.count == 1, case .variable(let name) = pieces[0] {
            self = .variable(name)
            return
        }
        guard disableREST else {
            throw .disableRESTRequired(path: path, segment: String(text))
        }
        self = .mixed(MixedSegment(pieces: pieces))
    }

    /// Splits `file.{ext}` into literal and variable pieces.
    private static func pieces(
        of text: Substring, path: String, disableREST: Bool
    ) throws(RouteError) -> [MixedSegment.Piece] {
        var pieces: [MixedSegment.Piece] = []
        var literal: [UInt8] = []
        var name: [UInt8]? = nil  // non-nil while inside braces
        for byte in text.utf8 {
            switch (byte, name) {
            case (UInt8(ascii: "{"), nil):
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = []
                name = []
            case (UInt8(ascii: "}"), let current?):
                let variable = String(decoding: current, as: UTF8.self)
                try validate(name: variable, path: path, disableREST: disableREST)
                if case .variable? = pieces.last {
                    // `{a}{b}` has no text telling where `a` ends.
                    throw .invalidPath(path: path, reason: "variables in '\(text)' must be separated by text")
                }
                pieces.append(.variable(variable))
                name = nil
            case (UInt8(ascii: "{"), _?), (UInt8(ascii: "}"), nil):
                throw .invalidPath(path: path, reason: "unbalanced braces in '\(text)'")
            case (_, nil):
                literal.append(byte)
            case (_, var current?):
                current.append(byte)
                name = current
            }
        }
        if name != nil {
            throw .invalidPath(path: path, reason: "unbalanced braces in '\(text)'")
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    /// KrakenD's accepted variable names: `[a-zA-Z0-9_-]` for RESTful
    /// endpoints, also `.` and `:` with `disable_rest`.
    private static func validate(name: String, path: String, disableREST: Bool) throws(RouteError) {
        guard !name.isEmpty else {
            throw .invalidPath(path: path, reason: "variables must have a non-empty name")
        }
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: ".") where disableREST, UInt8(ascii: ":") where disableREST:
                continue
            default:
                throw .invalidPath(path: path, reason: "invalid character in the variable name '\(name)'")
            }
        }
    }
}

/// A segment mixing text and variables, such as `file.{ext}` or
/// `{name}-{version}.tar.gz` (`disable_rest` only).
///
/// Matching: pieces are matched left to right; each variable takes the
/// shortest non-empty run of bytes after which the rest of the segment still
/// matches. A trailing variable takes the rest of the segment, so
/// `file.{ext}` gives `ext = tar.gz` for `file.tar.gz` (as gin does for
/// `/file.:ext`), and `{name}.{ext}` gives `name = a, ext = tar.gz`.
struct MixedSegment: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case literal([UInt8])
        case variable(String)
    }

    let pieces: [Piece]
    let variableNames: [String]
    /// Bytes of text; more text means more specific, tried first.
    let literalLength: Int

    init(pieces: [Piece]) {
        self.pieces = pieces
        var names: [String] = []
        var length = 0
        for piece in pieces {
            switch piece {
            case .literal(let bytes): length += bytes.count
            case .variable(let name): names.append(name)
            }
        }
        self.variableNames = names
        self.literalLength = length
    }

    var display: String {
        pieces.map { piece in
            switch piece {
            case .literal(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .variable(let name): return "{\(name)}"
            }
        }.joined()
    }

    /// Same text at the same places, whatever the variables are called:
    /// such segments would match exactly the same requests.
    func hasSameShape(as other: MixedSegment) -> Bool {
        guard pieces.count == other.pieces.count else { return false }
        for (a, b) in zip(pieces, other.pieces) {
            switch (a, b) {
            case (.literal(let x), .literal(let y)) where x == y: continue
            case (.variable, .variable): continue
            default: return false
            }
        }
        return true
    }

    /// Matches `segment` (bytes `offset..<offset+segment.count` of the path)
    /// and stores each variable's absolute `start, end` in `slots`.
    ///
    /// One pass, no backtracking, so a hostile request cannot make it slow:
    /// a variable ends at the first occurrence of the text after it, or, when
    /// that text ends the pattern, right before the segment's end. Taking the
    /// earliest end is never wrong: a variable can absorb any bytes, so
    /// whatever matches the rest from a later position also matches it from
    /// an earlier one. The result is the "shortest run" rule of the type.
    func match(
        _ segment: UnsafeBufferPointer<UInt8>, offset: Int, caseInsensitive: Bool,
        into slots: UnsafeMutableBufferPointer<Int>
    ) -> Bool {
        var position = 0
        var variable = 0
        for index in pieces.indices {
            switch pieces[index] {
            case .literal(let text):
                guard PathBytes.hasPrefix(segment, text, at: position, caseInsensitive: caseInsensitive) else { return false }
                position += text.count
            case .variable:
                var end: Int
                if index == pieces.count - 1 {
                    end = segment.count
                } else if case .literal(let text) = pieces[index + 1] {
                    if index + 1 == pieces.count - 1 {
                        end = segment.count - text.count
                    } else {
                        end = position + 1
                        while end + text.count <= segment.count
                            && !PathBytes.hasPrefix(segment, text, at: end, caseInsensitive: caseInsensitive)
                        {
                            end += 1
                        }
                    }
                } else {
                    preconditionFailure("adjacent variables are refused when parsing")
                }
                // Variables are never empty.
                guard end > position, end <= segment.count else { return false }
                slots[2 * variable] = offset + position
                slots[2 * variable + 1] = offset + end
                variable += 1
                position = end
            }
        }
        return position == segment.count
    }
}
