import GatewayCore

/// A SOAP fault found in a decoded answer (the `xml` encoding drops
/// namespace prefixes, so both versions sit at `Envelope.Body.Fault`):
/// SOAP 1.1 has `faultcode` and `faultstring`, SOAP 1.2 `Code.Value` and
/// `Reason.Text`. Both are reported as `faultcode` and `faultstring`.
struct SOAPFault {
    var code: String
    var reason: String
    /// The whole decoded `Fault` element.
    var fault: Value

    init?(_ document: [String: Value]) {
        guard let fault = document["Envelope"]?["Body"]?["Fault"], case .object = fault else { return nil }
        self.fault = fault
        if fault["faultcode"] != nil || fault["faultstring"] != nil {
            code = Self.text(fault["faultcode"])
            reason = Self.text(fault["faultstring"])
        } else {
            code = Self.text(fault["Code"]?["Value"])
            reason = Self.text(fault["Reason"]?["Text"])
        }
    }

    /// An element's text: itself when plain, `#text` beside attributes, the
    /// first of repeated ones.
    static func text(_ value: Value?) -> String {
        switch value {
        case .string(let s): return s
        case .object(let o): return text(o["#text"])
        case .array(let items): return text(items.first)
        case .number(let n): return n
        case .bool(let b): return String(b)
        default: return ""
        }
    }

    /// What `return_error_details` shows besides the status and body.
    var details: [String: Value] {
        ["faultcode": .string(code), "faultstring": .string(reason), "fault": fault]
    }

    var message: String { "soap fault \(code): \(reason)" }
}
