import Foundation
import GatewayCore

/// `grpc-status-details-bin` read as the google.rpc.Status it carries
/// (`code` 1, `message` 2, repeated `google.protobuf.Any details` 3), for
/// `return_error_details`. Each detail whose type is in the catalog is
/// decoded (`{"@type": …, fields…}`); any other keeps its bytes in base64
/// (`{"@type": …, "value": …}`). The Status messages need no descriptor.
enum GRPCStatusDetails {
    static func decode(_ bytes: [UInt8], with decoder: MessageDecoder) -> Value? {
        bytes.withUnsafeBytes { buffer -> Value? in
            var reader = WireReader(buffer)
            var status: [String: Value] = ["code": Value(0), "message": .string(""), "details": .array([])]
            var details: [Value] = []
            do {
                while !reader.isAtEnd {
                    let (number, wireType) = try reader.readTag()
                    switch (number, wireType) {
                    case (1, .varint):
                        status["code"] = Value(Int(Int32(truncatingIfNeeded: try reader.readVarint())))
                    case (2, .lengthDelimited):
                        status["message"] = .string(reader.string(try reader.readLengthDelimited()))
                    case (3, .lengthDelimited):
                        let any = WireReader(parent: reader, range: try reader.readLengthDelimited())
                        details.append(try anyDetail(any, decoder: decoder))
                    default:
                        try reader.skipField(number: number, wireType: wireType, depth: 0)
                    }
                }
            } catch {
                return nil
            }
            status["details"] = .array(details)
            return .object(status)
        }
    }

    private static func anyDetail(_ reader: WireReader, decoder: MessageDecoder) throws(ProtobufDecodeError) -> Value {
        var reader = reader
        var typeURL = ""
        var value: [UInt8] = []
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .lengthDelimited): typeURL = reader.string(try reader.readLengthDelimited())
            case (2, .lengthDelimited): value = Array(reader.bytes(try reader.readLengthDelimited()))
            default: try reader.skipField(number: number, wireType: wireType, depth: 0)
            }
        }
        let typeName = String(typeURL.split(separator: "/").last ?? "")
        if let message = decoder.catalog.message(named: typeName),
           case .object(var fields) = try? decoder.decode(value, as: message) {
            fields["@type"] = .string(typeURL)
            return .object(fields)
        }
        return .object(["@type": .string(typeURL), "value": .string(Data(value).base64EncodedString())])
    }
}
