// What loading a catalog reports without failing, and what makes it fail.
// KrakenD logs conflicts and missing definitions as WARNING and goes on with
// what it could load; the gateway logs these the same way.

/// A problem found while loading a catalog that does not stop it: the first
/// definition wins, and what is missing is left unfilled.
public struct CatalogWarning: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `symbol` is defined in `ignoredFile` too; the definition in `keptFile` is used.
        case conflictingDefinition(symbol: String, keptFile: String, ignoredFile: String)
        /// A .proto file of that name was loaded twice with different contents;
        /// the first one (from `keptSource`) is used.
        case conflictingFile(name: String, keptSource: String, ignoredSource: String)
        /// `file` imports `dependency`, which no loaded descriptor set contains.
        case missingImport(file: String, dependency: String)
        /// A message or enum type is used (by a field or a method) but defined nowhere.
        case missingDefinition(type: String, usedBy: String)
    }

    public let kind: Kind

    public init(kind: Kind) {
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case let .conflictingDefinition(symbol, kept, ignored):
            return "conflicting definition of \(symbol) in \(ignored): keeping the one in \(kept)"
        case let .conflictingFile(name, kept, ignored):
            return "\(name) in \(ignored) differs from the one already loaded from \(kept): keeping the first"
        case let .missingImport(file, dependency):
            return "\(file) imports \(dependency), which is not in the catalog"
        case let .missingDefinition(type, usedBy):
            return "missing definition of \(type) (used by \(usedBy)): its data will not be filled"
        }
    }
}

/// Why a catalog could not be loaded at all.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The path does not exist or cannot be read.
        case unreadable(String)
        /// The file is not a serialized FileDescriptorSet.
        case notADescriptorSet(String)
    }

    /// The catalog entry or file involved.
    public let path: String
    public let reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unreadable(let why):
            return "grpc catalog: cannot read \(path): \(why)"
        case .notADescriptorSet(let why):
            return "grpc catalog: \(path) is not a protobuf descriptor set (.pb made with protoc --descriptor_set_out): \(why)"
        }
    }
}
