import Foundation

/// KrakenD's gRPC `catalog`: every message, enum and service of the `.pb`
/// descriptor sets it lists, indexed by fully-qualified name.
///
/// Loading follows the manual: entries are files or directories (scanned
/// recursively, in name order, for `*.pb`), read in the order given; imports
/// are resolved once everything is read, so their order does not matter, but
/// on conflicts the first definition wins and the others become `warnings`.
/// A type used but not defined anywhere is a warning too, and its data is
/// left unfilled. Once built, a catalog is immutable and shareable.
public struct GRPCCatalog: Sendable {
    /// Every .proto file loaded, in load order (duplicates from `--include_imports` once).
    public let files: [FileDescriptor]
    /// Every message type, placeholders for missing ones included.
    public let messages: [MessageDescriptor]
    public let enums: [EnumDescriptor]
    public let services: [ServiceDescriptor]
    /// Conflicts and missing definitions found while loading, for the gateway to log.
    public let warnings: [CatalogWarning]

    private let messageIndex: [String: Int]
    private let enumIndex: [String: Int]
    private let serviceIndex: [String: Int]
    private let methodIndex: [String: (service: Int, method: Int)]
    private let fileIndex: [String: Int]
    private let fileOfSymbol: [String: Int]

    init(
        files: [FileDescriptor], messages: [MessageDescriptor], enums: [EnumDescriptor],
        services: [ServiceDescriptor], warnings: [CatalogWarning]
    ) {
        self.files = files
        self.messages = messages
        self.enums = enums
        self.services = services
        self.warnings = warnings
        var messageIndex: [String: Int] = [:]
        for m in messages where !m.isPlaceholder { messageIndex[m.fullName] = m.index }
        self.messageIndex = messageIndex
        var enumIndex: [String: Int] = [:]
        for (i, e) in enums.enumerated() where !e.isPlaceholder { enumIndex[e.fullName] = i }
        self.enumIndex = enumIndex
        var serviceIndex: [String: Int] = [:]
        var methodIndex: [String: (Int, Int)] = [:]
        for (s, service) in services.enumerated() {
            serviceIndex[service.fullName] = s
            for (m, method) in service.methods.enumerated() { methodIndex[method.path] = (s, m) }
        }
        self.serviceIndex = serviceIndex
        self.methodIndex = methodIndex
        var fileIndex: [String: Int] = [:]
        var fileOfSymbol: [String: Int] = [:]
        for (i, file) in files.enumerated() {
            fileIndex[file.name] = i
            for symbol in file.symbols { fileOfSymbol[symbol] = i }
        }
        self.fileIndex = fileIndex
        self.fileOfSymbol = fileOfSymbol
    }

    /// A catalog with nothing in it.
    public static let empty = GRPCCatalog(files: [], messages: [], enums: [], services: [], warnings: [])

    /// Builds a catalog from descriptor sets already in memory, in order.
    /// `source` names each one in warnings and errors.
    public init(descriptorSets: [(source: String, bytes: [UInt8])]) throws(CatalogError) {
        var linker = CatalogLinker()
        for set in descriptorSets {
            let records: [FileRecord]
            do {
                records = try DescriptorSetParser.parse(set.bytes)
            } catch {
                throw CatalogError(path: set.source, reason: .notADescriptorSet(error.description))
            }
            guard !records.isEmpty else {
                throw CatalogError(path: set.source, reason: .notADescriptorSet("it holds no file descriptor"))
            }
            linker.add(records, source: set.source)
        }
        self = linker.link()
    }

    /// Loads the `catalog` entries of the `grpc` extra_config: `.pb` files and
    /// directories, relative paths against `directory` (default: the working
    /// directory). A file that is not a descriptor set, or a path that cannot
    /// be read, throws an error naming it.
    public static func load(_ paths: [String], relativeTo directory: String? = nil) throws(CatalogError) -> GRPCCatalog {
        var sets: [(source: String, bytes: [UInt8])] = []
        for path in paths {
            var full = path
            if let directory, !path.hasPrefix("/") { full = directory + "/" + path }
            for file in try descriptorFiles(at: full, entry: path, level: 0) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CatalogError(path: file, reason: .unreadable("cannot read the file"))
                }
                sets.append((file, [UInt8](data)))
            }
        }
        return try GRPCCatalog(descriptorSets: sets)
    }

    /// A file as given, or the `*.pb` files under a directory, depth-first in name order.
    private static func descriptorFiles(at path: String, entry: String, level: Int) throws(CatalogError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CatalogError(path: path, reason: .unreadable("no such file or directory"))
        }
        guard isDirectory.boolValue else { return [path] }
        // Symlinked directories could loop; no sane catalog is this deep.
        guard level < 64 else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw CatalogError(path: path, reason: .unreadable("cannot list the directory"))
        }
        var found: [String] = []
        for name in names where !name.hasPrefix(".") {
            let child = path.hasSuffix("/") ? path + name : path + "/" + name
            var childIsDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory) else { continue }
            if childIsDirectory.boolValue {
                found += try descriptorFiles(at: child, entry: entry, level: level + 1)
            } else if name.hasSuffix(".pb") {
                found.append(child)
            }
        }
        return found
    }

    // MARK: Lookups

    /// The message type `flight_finder.Flight` (a leading dot is allowed).
    public func message(named name: String) -> MessageDescriptor? {
        messageIndex[Self.trimDot(name)].map { messages[$0] }
    }

    public func enumType(named name: String) -> EnumDescriptor? {
        enumIndex[Self.trimDot(name)].map { enums[$0] }
    }

    public func service(named name: String) -> ServiceDescriptor? {
        serviceIndex[Self.trimDot(name)].map { services[$0] }
    }

    /// A method by its gRPC path, as a backend's `url_pattern` names it:
    /// `/flight_finder.Flights/FindFlight` (the leading slash is optional).
    public func method(path: String) -> MethodDescriptor? {
        let key = path.hasPrefix("/") ? path : "/" + path
        guard let (s, m) = methodIndex[key] else { return nil }
        return services[s].methods[m]
    }

    /// A .proto file by the name protoc gave it (`google/protobuf/timestamp.proto`).
    public func file(named name: String) -> FileDescriptor? {
        fileIndex[name].map { files[$0] }
    }

    /// The file defining a message, enum or service (or a method: `pkg.Service.Method`).
    public func file(containingSymbol symbol: String) -> FileDescriptor? {
        let name = Self.trimDot(symbol)
        if let i = fileOfSymbol[name] { return files[i] }
        if let dot = name.lastIndex(of: "."), let i = fileOfSymbol[String(name[..<dot])] { return files[i] }
        return nil
    }

    private static func trimDot(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }
}
