import GatewayCore

/// How the decoder renders protobuf as `Value`: KrakenD's `backend/grpc`
/// output flags.
public struct DecodingOptions: Sendable, Equatable {
    /// `response_naming_convention`.
    public var namingConvention: NamingConvention = .snakeCase
    /// `output_enum_as_string`: enum names instead of numbers (unknown numbers stay numbers).
    public var enumAsString = false
    /// `output_timestamp_as_string`: `google.protobuf.Timestamp` as an RFC 3339
    /// string instead of `{"seconds":…,"nanos":…}`.
    public var timestampAsString = false
    /// `output_duration_as_string`: `google.protobuf.Duration` as `"1.5s"`
    /// instead of `{"seconds":…,"nanos":…}`.
    public var durationAsString = false
    /// `output_remove_unset_values`: leave out fields absent from the message
    /// instead of returning them with their zero value (`0`, `""`, `false`,
    /// `null` for messages, `[]` for repeated, `{}` for maps, the proto2 default).
    public var removeUnsetValues = false
    /// Not a KrakenD flag: render `google.protobuf.Any` as protojson does
    /// (`{"@type": …, fields…}`, when the type is in the catalog) instead of its
    /// `type_url`/`value` structure, and `FieldMask` as a `"a.b,c"` string.
    public var wellKnownTypesAsProtoJSON = false
    /// Deepest nesting of messages and groups accepted.
    public var depthLimit = WireLimits.defaultDepthLimit

    public init() {}

    /// Reads the output flags of a `backend/grpc` extra_config section.
    public init(backendConfig config: Value) {
        if config["response_naming_convention"]?.stringValue == "camelCase" { namingConvention = .camelCase }
        enumAsString = config["output_enum_as_string"]?.boolValue ?? false
        timestampAsString = config["output_timestamp_as_string"]?.boolValue ?? false
        durationAsString = config["output_duration_as_string"]?.boolValue ?? false
        removeUnsetValues = config["output_remove_unset_values"]?.boolValue ?? false
    }
}

/// How the encoder reads a `Value` into protobuf.
public struct EncodingOptions: Sendable, Equatable {
    /// `request_naming_convention`: which key wins when both spellings of a
    /// field are present. Either spelling is accepted.
    public var namingConvention: NamingConvention = .snakeCase
    /// Deepest nesting of messages accepted.
    public var depthLimit = WireLimits.defaultDepthLimit
    /// `input_assume_bytes`: a `bytes` field takes a string that is not
    /// base64 as its UTF-8 bytes, instead of rejecting it.
    public var assumeBytes = false

    public init() {}

    /// Reads the input flags of a `backend/grpc` extra_config section.
    public init(backendConfig config: Value) {
        if config["request_naming_convention"]?.stringValue == "camelCase" { namingConvention = .camelCase }
        assumeBytes = config["input_assume_bytes"]?.boolValue == true
    }
}
