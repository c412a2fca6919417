/// The version this gateway reports in `X-Krakend` and `User-Agent` headers,
/// and the KrakenD release whose configuration and behaviour it follows.
public enum GatewayVersion {
    public static let current = "0.1.0"
    public static let krakendCompatibility = "2.13"
    public static let userAgent = "KrakenD Version \(current)"
    public static let header = "Version \(current)"
}
