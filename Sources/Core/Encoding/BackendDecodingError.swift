/// A backend body that could not be decoded, worded like KrakenD's Go error
/// (`xml.Decoder.Token() - XML syntax error on line 3: unexpected EOF`).
public struct BackendDecodingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
