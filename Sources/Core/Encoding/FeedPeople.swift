// gofeed's `ParseNameAddress`: "email (Name)", "Name (email)", a bare name or
// a bare address, with the same four regular expressions, written out:
//   ^([^@]+@[^\s]+)\s+\(([^@]+)\)$     ^([^@]+)\s+\(([^@]+@[^)]+)\)$
//   ^([^@()]+)$                         ^([^@()]+@[^@()]+)$

enum FeedPeople {
    static func parseNameAddress(_ text: String) -> (name: String, address: String) {
        let s = Array(text.unicodeScalars)
        if s.isEmpty { return ("", "") }
        if let (address, name) = emailThenName(s) { return (name, address) }
        if let (name, address) = nameThenEmail(s) { return (name, address) }
        if !s.contains(where: { $0 == "@" || $0 == "(" || $0 == ")" }) { return (text, "") }
        let ats = s.filter { $0 == "@" }.count
        if ats == 1, !s.contains(where: { $0 == "(" || $0 == ")" }), s.first != "@", s.last != "@" { return ("", text) }
        return ("", "")
    }

    /// RE2's `\s`: tab, newline, form feed, carriage return, space.
    private static func isSpace(_ u: Unicode.Scalar) -> Bool {
        u == " " || u == "\t" || u == "\n" || u == "\u{0C}" || u == "\r"
    }

    private static func string(_ s: ArraySlice<Unicode.Scalar>) -> String {
        var out = ""
        out.unicodeScalars.append(contentsOf: s)
        return out
    }

    private static func emailThenName(_ s: [Unicode.Scalar]) -> (String, String)? {
        guard s.last == ")", let at = s.firstIndex(of: "@"), at > 0 else { return nil }
        guard let ws = s[(at + 1)...].firstIndex(where: isSpace), ws > at + 1 else { return nil }
        guard let open = s[ws...].firstIndex(where: { !isSpace($0) }), s[open] == "(" else { return nil }
        let name = s[(open + 1)..<(s.count - 1)]
        guard !name.isEmpty, !name.contains("@") else { return nil }
        return (string(s[..<ws]), string(name))
    }

    /// Group 1 is greedy, so the last workable "(" wins, one space before it.
    private static func nameThenEmail(_ s: [Unicode.Scalar]) -> (String, String)? {
        guard s.last == ")" else { return nil }
        for open in s.indices.reversed() where s[open] == "(" && open >= 2 && isSpace(s[open - 1]) {
            let name = s[..<(open - 1)]
            guard !name.contains("@") else { continue }
            let email = s[(open + 1)..<(s.count - 1)]
            guard let at = email.firstIndex(of: "@"), at > email.startIndex, at < email.endIndex - 1,
                  !email[(at + 1)...].contains(")") else { continue }
            return (string(name), string(email))
        }
        return nil
    }
}
