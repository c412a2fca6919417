import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1

/// The services the playground's gateway points at, on one loopback port:
/// JSON services (`/users/{id}`, `/users/{id}/orders`, `/flights`), a SOAP
/// country service (`/soap/countries`), a GraphQL server (`/graphql`) and a
/// WebSocket chat that speaks KrakenD's envelope (`/chat`). Their answers are
/// fixed, so that the README's tour shows what a user will see.
final class DemoBackends: HTTPApplication {
    let graphQL = StarWarsGraphQL()

    func prepare(_ head: HTTPRequestHead, connection: ConnectionInfo) -> PreparedRequest {
        if head.asksForUpgrade, head.uri.hasPrefix("/chat") {
            return PreparedRequest(upgrade: { request, channel in ChatBackend.answer(request, channel: channel) })
        }
        return PreparedRequest(bodyMode: .buffered(limit: 1 << 20)) { request, writer in
            await self.handle(request, writer)
        }
    }

    private func handle(_ request: IncomingRequest, _ writer: ResponseWriter) async {
        let path = request.head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let segments = path.split(separator: "/").map(String.init)
        let body = (try? await request.body.collect()) ?? nil
        switch (request.head.method, segments.first, segments.count) {
        case (.GET, "users", 2):
            guard let user = Self.users[segments[1]] else { return writer.json(.notFound, #"{"error":"no such user"}"#) }
            writer.json(.ok, user)
        case (.GET, "users", 3) where segments[2] == "orders":
            writer.json(.ok, Self.orders[segments[1]] ?? #"{"orders":[]}"#)
        case (_, "flights", 1):
            writer.json(.ok, Self.flights)
        case (.POST, "soap", 2) where segments[1] == "countries":
            let xml = body.map { String(buffer: $0) } ?? ""
            writer.respond(status: .ok, headers: ["Content-Type": "text/xml; charset=utf-8"], body: ByteBuffer(string: Self.countryAnswer(xml)))
        case (.POST, "graphql", 1):
            writer.json(.ok, await graphQL.answer(body.map { String(buffer: $0) } ?? ""))
        default:
            writer.json(.notFound, #"{"error":"not found"}"#)
        }
    }

    static let users = [
        "1": #"{"id":1,"name":"Ada Lovelace","email":"ada@example.com","plan":"pro","password_hash":"$2a$10$secret"}"#,
        "2": #"{"id":2,"name":"Alan Turing","email":"alan@example.com","plan":"free","password_hash":"$2a$10$secret"}"#,
    ]
    static let orders = [
        "1": #"{"orders":[{"id":"A-1001","total":42.5,"status":"shipped"},{"id":"A-1002","total":9.99,"status":"pending"}]}"#,
    ]

    static let flights = """
        {"flights":[{"id":"IB3166","cabin":"BUSINESS","seats_left":4,"price":{"currency":"EUR","units":412},
          "segments":[{"flight_number":"IB3166","carrier":"Iberia","origin":{"iata":"BCN","city":"Barcelona"},
            "destination":{"iata":"LHR","city":"London"},"departure_time":"2026-07-09T08:30:00Z","duration":"7800s"}]}],
         "total_results":1}
        """

    /// The CountryInfo service's CountryName operation, for the codes it knows.
    static func countryAnswer(_ request: String) -> String {
        let code = request.range(of: "<sCountryISOCode>").flatMap { start in
            request.range(of: "</sCountryISOCode>", range: start.upperBound..<request.endIndex).map { String(request[start.upperBound..<$0.lowerBound]) }
        }?.trimmingCharacters(in: .whitespaces).uppercased() ?? ""
        let names = ["ES": "Spain", "FR": "France", "GB": "United Kingdom", "JP": "Japan", "US": "United States"]
        let name = names[code] ?? "Country not found in the database"
        return """
            <?xml version="1.0" encoding="utf-8"?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Body>
                <m:CountryNameResponse xmlns:m="http://www.oorsprong.org/websamples.countryinfo">
                  <m:CountryNameResult>\(name)</m:CountryNameResult>
                </m:CountryNameResponse>
              </soap:Body>
            </soap:Envelope>
            """
    }
}

extension ResponseWriter {
    func json(_ status: HTTPResponseStatus, _ text: String) {
        respond(status: status, headers: ["Content-Type": "application/json"], body: ByteBuffer(string: text))
    }
}
