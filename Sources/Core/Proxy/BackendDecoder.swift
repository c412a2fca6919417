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
            return ["content": .string(String(decoding: bytes, as: UTF8.self))]
        default:
            throw BackendCallError(.unsupported, "the \(encoding) backend encoding is not supported yet")
        }
    }
}
