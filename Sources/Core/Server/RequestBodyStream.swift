import NIOCore

/// A request body that is still arriving, read with back-pressure: when the
/// consumer falls behind, the connection stops reading from the socket.
public struct RequestBodyStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, RequestBodyReadDemand
    >

    let sequence: Producer

    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: Producer.AsyncIterator
        public mutating func next() async throws -> ByteBuffer? { try await inner.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inner: sequence.makeAsyncIterator()) }
}

/// Tells the connection when the body's consumer wants more.
struct RequestBodyReadDemand: NIOAsyncSequenceProducerDelegate {
    let resume: @Sendable () -> Void
    let cancel: @Sendable () -> Void

    func produceMore() { resume() }
    func didTerminate() { cancel() }
}
