/// The `extra_config` namespace the SOAP module will own. Nothing is
/// implemented yet: the gateway reports it as not supported.
public enum SOAPNamespaces {
    public static let all = ["backend/soap"]
}
