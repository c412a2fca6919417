import NIOCore
import Synchronization

/// `grpc.health.v1.Health`: `Check` and `Watch` report the gateway as
/// SERVING, for the whole server ("") and for each service it serves, until
/// it begins to shut down; then NOT_SERVING, and open watches end.
final class GRPCHealthService: Sendable {
    static let name = "grpc.health.v1.Health"

    enum ServingStatus: UInt64 {
        case unknown = 0, serving = 1, notServing = 2, serviceUnknown = 3
    }

    private let services: Set<String>
    private let shuttingDown = Atomic<Bool>(false)
    /// Open `Watch` calls, to tell them when the status changes.
    private let watchers = Mutex<[ObjectIdentifier: Watch]>([:])

    init(services: Set<String>) { self.services = services }

    var methods: [String: GRPCServerMethod] {
        [
            "/\(Self.name)/Check": .unary { request in request.eventLoop.makeSucceededFuture(self.check(request.message)) },
            "/\(Self.name)/Watch": .streaming { call in Watch(service: self, call: call) },
        ]
    }

    func status(of service: String) -> ServingStatus {
        guard service.isEmpty || services.contains(service) else { return .serviceUnknown }
        return shuttingDown.load(ordering: .relaxed) ? .notServing : .serving
    }

    func check(_ message: ByteBuffer) -> GRPCServerAnswer {
        guard let service = Self.serviceName(message) else {
            return .failure(.invalidArgument, "grpc: error unmarshalling the HealthCheckRequest")
        }
        let status = status(of: service)
        if status == .serviceUnknown { return .failure(.notFound, "unknown service") }
        return .ok(Self.response(status))
    }

    /// Every watcher learns NOT_SERVING and its call ends.
    func beginShutdown() {
        shuttingDown.store(true, ordering: .relaxed)
        for watch in watchers.withLock({ Array($0.values) }) {
            watch.call.eventLoop.execute {
                watch.send()
                watch.call.finish(.unavailable, "the server is shutting down")
            }
        }
    }

    static func serviceName(_ message: ByteBuffer) -> String? {
        guard let fields = try? WireFields(Array(message.readableBytesView)) else { return nil }
        return fields.last(1)?.string ?? ""
    }

    static func response(_ status: ServingStatus) -> ByteBuffer {
        var writer = WireWriter(reusing: [])
        if status != .unknown {
            writer.writeTag(1, .varint)
            writer.writeVarint(status.rawValue)
        }
        return ByteBuffer(bytes: writer.bytes)
    }

    /// One `Watch` call: the status now, then each change, until the client
    /// leaves. Used on its stream's event loop only (shutdown hops there).
    final class Watch: GRPCStreamingHandler, @unchecked Sendable {
        let service: GRPCHealthService
        let call: GRPCStreamCall
        var name: String?

        init(service: GRPCHealthService, call: GRPCStreamCall) {
            self.service = service
            self.call = call
        }

        func received(_ message: ByteBuffer) {
            guard name == nil else { return }
            guard let name = GRPCHealthService.serviceName(message) else {
                call.finish(.invalidArgument, "grpc: error unmarshalling the HealthCheckRequest")
                return
            }
            self.name = name
            let id = ObjectIdentifier(self)
            service.watchers.withLock { $0[id] = self }
            send()
        }

        func send() {
            guard let name else { return }
            call.send(GRPCHealthService.response(service.status(of: name)))
        }

        /// A server-streaming call goes on after the client's single message.
        func inputEnded() {}

        func closed() {
            let id = ObjectIdentifier(self)
            _ = service.watchers.withLock { $0.removeValue(forKey: id) }
        }
    }
}
