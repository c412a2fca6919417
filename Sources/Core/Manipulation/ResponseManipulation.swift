/// KrakenD's basic data manipulation of one backend response: `target`, then
/// `allow` or `deny`, then `mapping` (the manual's "Data Manipulation" page,
/// Lura's `entityFormatter`). Paths are split once, here; `apply` only walks
/// dictionaries.
///
/// What the caller does around it, per backend, in this order (Lura's
/// `NewEntityFormatter` and its JSON decoders):
///
/// 1. Decode. With `is_collection: true` the body must be a JSON array and
///    becomes `{"collection": [...]}` (`wrapCollection`); `safejson` does the
///    same for any array, and puts any other non-object under `"content"`.
///    `BackendDecoder` already does both.
/// 2. If the backend's `extra_config.proxy.flatmap_filter` holds at least one
///    operation (`FlatmapFilter.fromExtraConfig` is not nil), `allow`, `deny`
///    and `mapping` are ignored: apply `target` alone
///    (`ResponseManipulation(target: t, allow: [], deny: [], mapping: [:])`),
///    then the flatmap filter.
///    Otherwise apply this type, built from all four settings.
/// 3. `group`: wrap the result as `{group: data}` (`group(_:as:)`), even when
///    it is empty. An empty `group` string means no group (Lura tests `!= ""`).
/// 4. Merge into the endpoint response (on a shared key the later response
///    wins; in KrakenD, the slowest backend).
/// 5. After the merge, an endpoint-level `extra_config.proxy.flatmap_filter`
///    runs on the merged data, but only when the endpoint has more than one
///    backend (with one backend KrakenD does not load it).
///
/// Renaming `collection` with `mapping` (`{"collection": "posts"}`) works
/// because step 1 happens first.
public struct ResponseManipulation: Sendable {
    /// Where the data lives inside the response; empty means the root.
    let targetPath: [String]
    let filter: FieldFilter?
    let renames: [Rename]

    struct Rename: Sendable, Equatable {
        var from: String
        var to: String
    }

    /// - Parameters:
    ///   - target: a dotted path to an object whose members replace the
    ///     response; `nil` or `""` for none. A missing path, or one through
    ///     something that is not an object, leaves an empty response.
    ///   - allow: dotted paths of the only fields kept. When not empty, `deny`
    ///     is ignored.
    ///   - deny: dotted paths of fields removed.
    ///   - mapping: top-level renames, `old: new`. `old` is a top-level key
    ///     taken literally (no dots); `new` is cut at its first dot, as Lura does.
    public init(target: String?, allow: [String], deny: [String], mapping: [String: String]) {
        if let target, !target.isEmpty {
            targetPath = FieldTree.segments(target)
        } else {
            targetPath = []
        }
        filter = FieldFilter(allow: allow, deny: deny)
        // Go ranges over the map in random order, so chained or swapped
        // renames give random results there; a fixed order keeps ours stable
        // and always one of KrakenD's possible outcomes.
        renames = mapping
            .map { Rename(from: $0.key, to: String($0.value.prefix { $0 != "." })) }
            .sorted { utf8BytesLess($0.from, $1.from) }
    }

    /// True when `apply` returns its input unchanged, so callers can skip it.
    public var isIdentity: Bool { targetPath.isEmpty && filter == nil && renames.isEmpty }

    /// `target`, then `allow`/`deny`, then `mapping`. Pass the response by
    /// move (its last use) and `deny`/`mapping` edit it in place.
    public func apply(_ data: consuming [String: Value]) -> [String: Value] {
        var data = data
        if !targetPath.isEmpty {
            data = Self.extract(targetPath, from: data)
        }
        if let filter, !data.isEmpty {
            filter.apply(&data)
        }
        for rename in renames {
            guard let value = data[rename.from] else { continue }
            // Set, then delete, as Lura does: mapping a key to itself removes it.
            data[rename.to] = value
            data[rename.from] = nil
        }
        return data
    }

    /// Lura's `extractTarget`: each step must be an object, or the result is empty.
    static func extract(_ path: [String], from data: [String: Value]) -> [String: Value] {
        var current = data
        for key in path {
            guard case .object(let inner)? = current[key] else { return [:] }
            current = inner
        }
        return current
    }

    // MARK: Helpers for the caller's steps

    /// The key under which `is_collection` (and `safejson`) put an array body.
    public static let collectionKey = "collection"

    /// `[...]` → `{"collection": [...]}`: what KrakenD does to a backend
    /// answer declared `is_collection`, before any other manipulation.
    public static func wrapCollection(_ items: [Value]) -> [String: Value] {
        [collectionKey: .array(items)]
    }

    /// `{group: data}`, the last step of a backend's manipulation.
    public static func group(_ data: [String: Value], as name: String) -> [String: Value] {
        [name: .object(data)]
    }
}
