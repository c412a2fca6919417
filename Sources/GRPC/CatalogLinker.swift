// Turns the file records of every loaded descriptor set into one linked
// catalog: symbols registered in load order (the first definition wins, later
// ones are warnings), type names resolved to catalog indices, and the
// per-message tables the codec uses built once here.

struct CatalogLinker {
    private enum Symbol {
        case message(Int)
        case enumType(Int)
        case service(Int)
    }

    private struct MessageDefinition {
        let fullName: String
        let record: MessageRecord
        let file: Int
    }

    private struct EnumDefinition {
        let fullName: String
        let record: EnumRecord
        let file: Int
    }

    private struct ServiceDefinition {
        let fullName: String
        let record: ServiceRecord
        let file: Int
    }

    private(set) var warnings: [CatalogWarning] = []
    private var files: [(record: FileRecord, source: String)] = []
    private var fileSymbols: [[String]] = []
    private var fileIndex: [String: Int] = [:]
    private var symbols: [String: Symbol] = [:]
    private var messageDefinitions: [MessageDefinition] = []
    private var enumDefinitions: [EnumDefinition] = []
    private var serviceDefinitions: [ServiceDefinition] = []
    /// Missing types get an empty stand-in, created once per name.
    private var placeholderMessages: [String: Int] = [:]
    private var placeholderEnums: [String: Int] = [:]
    private var placeholderMessageNames: [String] = []
    private var placeholderEnumNames: [String] = []

    /// Registers the files of one descriptor set, in order.
    mutating func add(_ records: [FileRecord], source: String) {
        for record in records {
            if let existing = fileIndex[record.name] {
                // --include_imports puts the same imported file in many sets:
                // identical copies are the normal case, not a conflict.
                if files[existing].record.rawBytes != record.rawBytes {
                    warnings.append(CatalogWarning(kind: .conflictingFile(
                        name: record.name, keptSource: files[existing].source, ignoredSource: source)))
                }
                continue
            }
            let index = files.count
            fileIndex[record.name] = index
            files.append((record, source))
            fileSymbols.append([])
            for message in record.messages { register(message, scope: record.package, file: index) }
            for e in record.enums { register(e, scope: record.package, file: index) }
            for service in record.services {
                let fullName = qualified(record.package, service.name)
                if claim(fullName, .service(serviceDefinitions.count), file: index) {
                    serviceDefinitions.append(ServiceDefinition(fullName: fullName, record: service, file: index))
                }
            }
        }
    }

    private func qualified(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    private func fileName(of symbol: Symbol) -> String {
        switch symbol {
        case .message(let i): return files[messageDefinitions[i].file].record.name
        case .enumType(let i): return files[enumDefinitions[i].file].record.name
        case .service(let i): return files[serviceDefinitions[i].file].record.name
        }
    }

    /// Records `name` as defined by `file`, or warns that it already is.
    private mutating func claim(_ name: String, _ symbol: Symbol, file: Int) -> Bool {
        if let existing = symbols[name] {
            warnings.append(CatalogWarning(kind: .conflictingDefinition(
                symbol: name, keptFile: fileName(of: existing), ignoredFile: files[file].record.name)))
            return false
        }
        symbols[name] = symbol
        fileSymbols[file].append(name)
        return true
    }

    private mutating func register(_ message: MessageRecord, scope: String, file: Int) {
        let fullName = qualified(scope, message.name)
        // A conflicting message takes its nested types with it: one warning, not one per type.
        guard claim(fullName, .message(messageDefinitions.count), file: file) else { return }
        messageDefinitions.append(MessageDefinition(fullName: fullName, record: message, file: file))
        for nested in message.nested { register(nested, scope: fullName, file: file) }
        for e in message.enums { register(e, scope: fullName, file: file) }
    }

    private mutating func register(_ e: EnumRecord, scope: String, file: Int) {
        let fullName = qualified(scope, e.name)
        if claim(fullName, .enumType(enumDefinitions.count), file: file) {
            enumDefinitions.append(EnumDefinition(fullName: fullName, record: e, file: file))
        }
    }

    /// protoc writes fully-qualified `.pkg.Type` names; relative ones are
    /// looked up from the innermost scope outwards, as protoc does.
    private func resolve(_ typeName: String, scope: String) -> Symbol? {
        if typeName.hasPrefix(".") { return symbols[String(typeName.dropFirst())] }
        var scope = Substring(scope)
        while true {
            if let found = symbols[scope.isEmpty ? typeName : scope + "." + typeName] { return found }
            if scope.isEmpty { return nil }
            scope = scope.lastIndex(of: ".").map { scope[..<$0] } ?? ""
        }
    }

    private mutating func placeholderMessage(_ typeName: String, usedBy: String) -> Int {
        let name = typeName.hasPrefix(".") ? String(typeName.dropFirst()) : typeName
        if let i = placeholderMessages[name] { return messageDefinitions.count + i }
        warnings.append(CatalogWarning(kind: .missingDefinition(type: name, usedBy: usedBy)))
        placeholderMessages[name] = placeholderMessageNames.count
        placeholderMessageNames.append(name)
        return messageDefinitions.count + placeholderMessageNames.count - 1
    }

    private mutating func placeholderEnum(_ typeName: String, usedBy: String) -> Int {
        let name = typeName.hasPrefix(".") ? String(typeName.dropFirst()) : typeName
        if let i = placeholderEnums[name] { return enumDefinitions.count + i }
        warnings.append(CatalogWarning(kind: .missingDefinition(type: name, usedBy: usedBy)))
        placeholderEnums[name] = placeholderEnumNames.count
        placeholderEnumNames.append(name)
        return enumDefinitions.count + placeholderEnumNames.count - 1
    }

    private func syntax(ofFile file: Int) -> ProtoSyntax {
        files[file].record.syntax == "proto3" ? .proto3 : .proto2
    }

    /// Resolves every reference and builds the catalog.
    mutating func link() -> GRPCCatalog {
        for (record, _) in files {
            for dependency in record.dependencies where fileIndex[dependency] == nil {
                warnings.append(CatalogWarning(kind: .missingImport(file: record.name, dependency: dependency)))
            }
        }

        // Resolve field types first: placeholders are appended as they are met.
        var resolved: [[(type: FieldType, message: Int, enumType: Int, typeName: String)]] = []
        for definition in messageDefinitions {
            var types: [(FieldType, Int, Int, String)] = []
            for field in definition.record.fields {
                let usedBy = definition.fullName + "." + field.name
                var type = FieldType(rawValue: UInt8(clamping: field.type))
                var message = -1, enumType = -1, name = ""
                if !field.typeName.isEmpty, type == nil || type == .message || type == .group || type == .enum {
                    switch resolve(field.typeName, scope: definition.fullName) {
                    case .message(let i)? where type != .enum:
                        message = i
                        name = messageDefinitions[i].fullName
                        if type == nil { type = .message }
                    case .enumType(let i)? where type == nil || type == .enum:
                        enumType = i
                        name = enumDefinitions[i].fullName
                        type = .enum
                    default:
                        if type == .enum {
                            enumType = placeholderEnum(field.typeName, usedBy: usedBy)
                            name = placeholderEnumNames[enumType - enumDefinitions.count]
                        } else {
                            message = placeholderMessage(field.typeName, usedBy: usedBy)
                            name = placeholderMessageNames[message - messageDefinitions.count]
                            if type == nil { type = .message }
                        }
                    }
                }
                // An unknown type number (a newer descriptor.proto) reads as bytes: never fails.
                types.append((type ?? .bytes, message, enumType, name))
            }
            resolved.append(types)
        }

        var methodTypes: [[(input: Int, output: Int)]] = []
        for definition in serviceDefinitions {
            var pairs: [(Int, Int)] = []
            for method in definition.record.methods {
                let usedBy = "/\(definition.fullName)/\(method.name)"
                var io: [Int] = []
                for typeName in [method.inputType, method.outputType] {
                    if case .message(let i)? = resolve(typeName, scope: definition.fullName) {
                        io.append(i)
                    } else {
                        io.append(placeholderMessage(typeName, usedBy: usedBy))
                    }
                }
                pairs.append((io[0], io[1]))
            }
            methodTypes.append(pairs)
        }

        var enums: [EnumDescriptor] = enumDefinitions.map { definition in
            EnumDescriptor(
                fullName: definition.fullName, fileName: files[definition.file].record.name,
                values: definition.record.values.map { EnumValueDescriptor(name: $0.name, number: $0.number) },
                isPlaceholder: false)
        }
        enums += placeholderEnumNames.map { EnumDescriptor(fullName: $0, fileName: "", values: [], isPlaceholder: true) }

        var messages: [MessageDescriptor] = []
        for (index, definition) in messageDefinitions.enumerated() {
            messages.append(buildMessage(index: index, definition, resolved[index], enums: enums))
        }
        for name in placeholderMessageNames {
            messages.append(MessageDescriptor(
                index: messages.count, fullName: name, fileName: "", syntax: .proto3,
                fields: [], oneofs: [], isMapEntry: false, isPlaceholder: true))
        }

        var services: [ServiceDescriptor] = []
        for (s, definition) in serviceDefinitions.enumerated() {
            let methods = definition.record.methods.enumerated().map { m, method in
                MethodDescriptor(
                    name: method.name, path: "/\(definition.fullName)/\(method.name)",
                    input: messages[methodTypes[s][m].input], output: messages[methodTypes[s][m].output],
                    clientStreaming: method.clientStreaming, serverStreaming: method.serverStreaming)
            }
            services.append(ServiceDescriptor(
                fullName: definition.fullName, fileName: files[definition.file].record.name, methods: methods))
        }

        let fileDescriptors = files.enumerated().map { i, file in
            FileDescriptor(
                name: file.record.name, package: file.record.package, dependencies: file.record.dependencies,
                syntax: syntax(ofFile: i), rawBytes: file.record.rawBytes, source: file.source, symbols: fileSymbols[i],
                extensions: file.record.extensions)
        }
        return GRPCCatalog(
            files: fileDescriptors, messages: messages, enums: enums, services: services, warnings: warnings)
    }

    private func buildMessage(
        index: Int, _ definition: MessageDefinition,
        _ types: [(type: FieldType, message: Int, enumType: Int, typeName: String)], enums: [EnumDescriptor]
    ) -> MessageDescriptor {
        let record = definition.record
        let syntax = syntax(ofFile: definition.file)
        let order = record.fields.indices.sorted { record.fields[$0].number < record.fields[$1].number }
        // proto3 `optional` lives in a synthetic oneof of its own: not a real oneof.
        var realOneof: [Int: Int] = [:]
        var oneofNames: [String] = []
        for (i, name) in record.oneofNames.enumerated() {
            let members = record.fields.filter { $0.oneofIndex == i }
            if members.contains(where: { !$0.proto3Optional }) || members.isEmpty {
                realOneof[i] = oneofNames.count
                oneofNames.append(name)
            }
        }
        var oneofMembers = [[Int]](repeating: [], count: oneofNames.count)
        var fields: [FieldDescriptor] = []
        for original in order {
            let field = record.fields[original]
            let t = types[original]
            let oneof = field.oneofIndex.flatMap { realOneof[$0] }
            if let oneof { oneofMembers[oneof].append(fields.count) }
            let label = FieldLabel(rawValue: UInt8(clamping: field.label)) ?? .optional
            let isMap = label == .repeated && t.type == .message && t.message < messageDefinitions.count
                && messageDefinitions[t.message].record.isMapEntry
            let enumType = t.enumType >= 0 ? enums[t.enumType] : nil
            let defaults = FieldDefaults(
                type: t.type, label: label, isMap: isMap, text: field.defaultValue, enumType: enumType, syntax: syntax)
            fields.append(FieldDescriptor(
                name: field.name,
                jsonName: field.jsonName ?? NamingConvention.jsonName(of: field.name),
                number: field.number, type: t.type, label: label, typeName: t.typeName, isMap: isMap,
                oneofIndex: oneof, isProto3Optional: field.proto3Optional,
                hasPresence: label != .repeated
                    && (syntax == .proto2 || field.proto3Optional || oneof != nil
                        || t.type == .message || t.type == .group),
                isPacked: label == .repeated && t.type.isPackable && (field.packed ?? (syntax == .proto3)),
                defaultValue: defaults.explicit, messageIndex: t.message, enumIndex: t.enumType,
                zeroValue: defaults.zero, defaultEnumNumber: defaults.enumNumber))
        }
        let oneofs = oneofNames.enumerated().map { OneofDescriptor(name: $1, fieldIndices: oneofMembers[$0]) }
        return MessageDescriptor(
            index: index, fullName: definition.fullName, fileName: files[definition.file].record.name,
            syntax: syntax, fields: fields, oneofs: oneofs, isMapEntry: record.isMapEntry, isPlaceholder: false)
    }
}
