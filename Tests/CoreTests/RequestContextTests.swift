import Testing
@testable import GatewayCore

@Suite("Request context")
struct RequestContextTests {
    @Test(arguments: [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("::ffff:10.1.2.3", "10.1.2.3"),
        ("::1", "::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("2001:db8::ffff:1", "2001:db8::ffff:1"),
    ])
    func clientAddressesAreShownAsGoShowsThem(seen: String, forwarded: String) {
        #expect(ConnectionInfo.unmapped(seen) == forwarded)
    }
}
