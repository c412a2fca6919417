import NIOCore

/// Turns a backend's body into the object the merge works on, by the
/// backend's `encoding`.
enum BackendDecoder {
    static func decode(_ body: ByteBuffer?, encoding: String, isCollection: Bool) throws(BackendCallError) -> [String: Value] {
        let bytes = body.map { $0.readableBytesView } ?? ByteBuffer().readableBytesView
        switch encoding {
        case "json", "fast-json", "safejson":
            let value: Value
            do { value = try Value(json: bytes) } catch {
                throw BackendCallError(.decoding, "invalid JSON from the backend: \(error)")
            }
            switch value {
            case .object(let o) where !isCollection: return o
            case .array where isCollection || encoding == "safejson": return ["collection": value]
            case _ where encoding == "safejson": return ["content": value]
            case .object where isCollection:
                throw BackendCallError(.decoding, "the backend returned an object but is_collection is set")
            default:
                throw BackendCallError(.decoding, "the backend returned \(value.typeName), not an object; set is_collection or use safejson")
            }
        case "string":
            return BackendDecoding.string(bytes)
        case "xml":
            do { return try BackendDecoding.xml(bytes, isCollection: isCollection) } catch {
                throw BackendCallError(.decoding, "invalid XML from the backend: \(error)")
            }
        case "rss":
            do { return try BackendDecoding.rss(bytes) } catch {
                throw BackendCallError(.decoding, "invalid feed from the backend: \(error)")
            }
        default:
            throw BackendCallError(.unsupported, "the \(encoding) backend encoding is not supported yet")
        }
    }
}
