import NIOCore

/// gRPC server reflection, `grpc.reflection.v1` and `v1alpha` (the same
/// messages): the served services, and the catalog's files by name, by
/// symbol and by extension, each with the files it imports, so reflection
/// clients (grpcurl, Postman, grpcio's reflection database) can call the
/// gateway without .proto files.
struct GRPCReflectionService: Sendable {
    static let names = ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"]

    /// Every file the gateway can describe: the catalog's, then the built-in
    /// services' (health, reflection).
    let files: [String: FileDescriptor]
    let catalogs: [GRPCCatalog]
    /// Served service names, sorted.
    let services: [String]
    /// Extended message → (extension number, file that declares it).
    let extensions: [String: [(number: Int32, file: String)]]

    init(catalogs: [GRPCCatalog], services: [String]) {
        self.catalogs = catalogs
        self.services = services.sorted()
        var files: [String: FileDescriptor] = [:]
        var extensions: [String: [(number: Int32, file: String)]] = [:]
        for catalog in catalogs {
            for file in catalog.files where files[file.name] == nil {
                files[file.name] = file
                for ext in file.extensions {
                    extensions[ext.extendee, default: []].append((ext.number, file.name))
                }
            }
        }
        self.files = files
        self.extensions = extensions
    }

    var methods: [String: GRPCServerMethod] {
        var methods: [String: GRPCServerMethod] = [:]
        for name in Self.names {
            methods["/\(name)/ServerReflectionInfo"] = .streaming { call in Stream(service: self, call: call) }
        }
        return methods
    }

    func file(containingSymbol symbol: String) -> FileDescriptor? {
        for catalog in catalogs { if let file = catalog.file(containingSymbol: symbol) { return file } }
        return nil
    }

    /// One reflection stream: each request answered in turn; a file already
    /// sent on this stream is not sent again as a dependency (as grpc-go).
    final class Stream: GRPCStreamingHandler {
        let service: GRPCReflectionService
        let call: GRPCStreamCall
        var sent = Set<String>()

        init(service: GRPCReflectionService, call: GRPCStreamCall) {
            self.service = service
            self.call = call
        }

        func received(_ message: ByteBuffer) {
            let raw = Array(message.readableBytesView)
            guard let request = try? WireFields(raw) else {
                call.finish(.invalidArgument, "grpc: error unmarshalling the ServerReflectionRequest")
                return
            }
            var out = WireWriter(reusing: [])
            if let host = request.last(1)?.string, !host.isEmpty {
                out.writeTag(1, .lengthDelimited)
                out.writeString(host)
            }
            out.writeTag(2, .lengthDelimited)
            out.writeBytes(raw)
            guard let part = request.fields.last(where: { (3...7).contains($0.number) }), let bytes = part.bytes else {
                call.finish(.invalidArgument, "invalid MessageRequest: none of its fields is set")
                return
            }
            let text = String(decoding: bytes, as: UTF8.self)
            switch part.number {
            case 3:
                respondFiles(service.files[text], notFound: "file not found: \(text)", into: &out)
            case 4:
                respondFiles(service.file(containingSymbol: text), notFound: "symbol not found: \(text)", into: &out)
            case 5:
                let ext = (try? WireFields(bytes))
                let type = Self.trimDot(ext?.last(1)?.string ?? "")
                let number = Int32(truncatingIfNeeded: ext?.last(2)?.varint ?? 0)
                let file = service.extensions[type]?.first { $0.number == number }.flatMap { service.files[$0.file] }
                respondFiles(file, notFound: "extension not found: \(type) \(number)", into: &out)
            case 6:
                let type = Self.trimDot(text)
                if service.file(containingSymbol: type) == nil {
                    Self.error(.notFound, "type not found: \(type)", into: &out)
                } else {
                    let nested = out.beginLengthDelimited(tag: 5)
                    out.writeTag(1, .lengthDelimited)
                    out.writeString(type)
                    for (number, _) in (service.extensions[type] ?? []).sorted(by: { $0.number < $1.number }) {
                        out.writeTag(2, .varint)
                        out.writeVarint(UInt64(bitPattern: Int64(number)))
                    }
                    out.endLengthDelimited(nested)
                }
            default:
                let list = out.beginLengthDelimited(tag: 6)
                for name in service.services {
                    let entry = out.beginLengthDelimited(tag: 1)
                    out.writeTag(1, .lengthDelimited)
                    out.writeString(name)
                    out.endLengthDelimited(entry)
                }
                out.endLengthDelimited(list)
            }
            call.send(ByteBuffer(bytes: out.bytes))
        }

        /// The file, then the files it imports (breadth first) not sent yet.
        func respondFiles(_ file: FileDescriptor?, notFound: String, into out: inout WireWriter) {
            guard let file else {
                Self.error(.notFound, notFound, into: &out)
                return
            }
            let response = out.beginLengthDelimited(tag: 4)
            var queue = [file]
            var first = true
            while !queue.isEmpty {
                let current = queue.removeFirst()
                if first || !sent.contains(current.name) {
                    sent.insert(current.name)
                    out.writeTag(1, .lengthDelimited)
                    out.writeBytes(current.rawBytes)
                }
                first = false
                queue += current.dependencies.compactMap { service.files[$0] }
            }
            out.endLengthDelimited(response)
        }

        static func error(_ code: GRPCStatusCode, _ message: String, into out: inout WireWriter) {
            let nested = out.beginLengthDelimited(tag: 7)
            out.writeTag(1, .varint)
            out.writeVarint(UInt64(code.rawValue))
            out.writeTag(2, .lengthDelimited)
            out.writeString(message)
            out.endLengthDelimited(nested)
        }

        static func trimDot(_ name: String) -> String { name.hasPrefix(".") ? String(name.dropFirst()) : name }

        func inputEnded() { call.finish(.ok) }
        func closed() {}
    }
}

extension WireWriter {
    /// A nested message field: its tag and a length prefix to fill with `endLengthDelimited`.
    mutating func beginLengthDelimited(tag: Int) -> Int {
        writeTag(tag, .lengthDelimited)
        return beginLengthDelimited()
    }
}
