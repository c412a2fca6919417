import Foundation

/// Why a schema directory could not be turned into a linter.
public struct SchemaLoadError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The schema files of one directory, found by the URI a `$ref` names.
///
/// Every file is known by its own `file://` URL and, when it declares one, by
/// its `$id` (`https://www.krakend.io/schema/v2.13/router.json`), so relative
/// refs resolve against whichever base the referring file has. Files are read
/// when first needed: the bundled `krakend.json` refers only inside itself, so
/// linting with it never reads the others.
final class SchemaDocuments {
    private let directory: URL
    private var byURI: [String: Value] = [:]
    /// File URL → the URI the file is known by (its `$id`, or the file URL).
    private var loadedFiles: [String: String] = [:]
    private var scannedDirectory = false

    init(directory: URL) {
        self.directory = directory.standardizedFileURL
    }

    /// Loads the file at `relativePath` and returns the URI it is known by.
    func load(relativePath: String) throws -> String {
        try load(file: directory.appendingPathComponent(relativePath).standardizedFileURL)
    }

    /// The document a (fragment-less) absolute URI names.
    func document(_ uri: String) throws -> Value {
        if let doc = byURI[uri] { return doc }
        // A URI not seen yet may be the `$id` of a file not read yet: read them all, once.
        if !scannedDirectory {
            scannedDirectory = true
            for file in try allSchemaFiles() { _ = try load(file: file) }
            if let doc = byURI[uri] { return doc }
        }
        throw SchemaLoadError(message: "schema reference to unknown document \(uri)")
    }

    @discardableResult
    private func load(file: URL) throws -> String {
        let fileURI = file.absoluteString
        if let known = loadedFiles[fileURI] { return known }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw SchemaLoadError(message: "cannot read schema file \(file.path)")
        }
        let doc: Value
        do { doc = try Value(json: data) } catch {
            throw SchemaLoadError(message: "invalid JSON in schema file \(file.path): \(error)")
        }
        let canonical = doc["$id"]?.stringValue.map { Self.resolve($0, against: fileURI) } ?? fileURI
        loadedFiles[fileURI] = canonical
        byURI[fileURI] = doc
        byURI[canonical] = doc
        return canonical
    }

    private func allSchemaFiles() throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw SchemaLoadError(message: "cannot list schema directory \(directory.path)")
        }
        var files: [URL] = []
        for case let url as URL in walker where url.pathExtension == "json" {
            files.append(url.standardizedFileURL)
        }
        return files.sorted { $0.path < $1.path }
    }

    // MARK: - URIs and JSON pointers

    /// Splits `ref` (resolved against `base`) into its document URI and its fragment.
    static func split(_ ref: String, base: String) -> (document: String, fragment: String) {
        let hash = ref.firstIndex(of: "#")
        let uriPart = hash.map { String(ref[..<$0]) } ?? ref
        let fragment = hash.map { String(ref[ref.index(after: $0)...]) } ?? ""
        let document = uriPart.isEmpty ? base : resolve(uriPart, against: base)
        return (document, fragment.removingPercentEncoding ?? fragment)
    }

    /// RFC 3986 reference resolution, enough for schema refs: absolute URIs
    /// are kept, `/abs` replaces the path, and `a/../b.json` is merged with
    /// the base's directory and normalized.
    static func resolve(_ reference: String, against base: String) -> String {
        if hasScheme(reference) { return reference }
        let (origin, basePath) = splitOrigin(base)
        let merged: String
        if reference.hasPrefix("/") {
            merged = reference
        } else {
            let directory = basePath.lastIndex(of: "/").map { String(basePath[...$0]) } ?? "/"
            merged = directory + reference
        }
        var segments: [Substring] = []
        for segment in merged.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            switch segment {
            case ".": continue
            case "..": if !segments.isEmpty { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        return origin + "/" + segments.joined(separator: "/")
    }

    private static func hasScheme(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":"), colon != s.startIndex else { return false }
        return s[..<colon].allSatisfy { $0.isLetter || $0.isNumber || "+-.".contains($0) }
            && s.first!.isLetter
    }

    /// `https://host/a/b.json` → (`https://host`, `/a/b.json`); `file:///x` → (`file://`, `/x`).
    private static func splitOrigin(_ uri: String) -> (String, String) {
        guard let scheme = uri.range(of: "://") else { return ("", uri) }
        let rest = uri[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return (uri, "/") }
        return (String(uri[..<slash]), String(uri[slash...]))
    }

    /// Follows a JSON pointer (`/$defs/timeunit`) inside `document`.
    static func follow(pointer: String, in document: Value) -> Value? {
        guard !pointer.isEmpty else { return document }
        guard pointer.hasPrefix("/") else { return nil }  // named anchors are not used by KrakenD's schema
        var current = document
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(token), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    static func escapePointerToken(_ token: String) -> String {
        // Called for every subschema while compiling: skip Foundation in the common case.
        guard token.contains(where: { $0 == "~" || $0 == "/" }) else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
