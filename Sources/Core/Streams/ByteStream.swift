import NIOCore

/// Bytes still arriving on a connection (a request body to a no-op endpoint,
/// a backend's streamed answer), read with back-pressure: when the reader
/// falls behind, the producer is told to stop reading from its socket.
public struct ByteStream: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer
    typealias Producer = NIOThrowingAsyncSequenceProducer<
        ByteBuffer, any Error, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, Demand
    >

    let sequence: Producer

    /// A new stream and the source its connection feeds.
    static func make(onDemand: @escaping @Sendable () -> Void) -> (stream: ByteStream, source: Producer.Source) {
        let producer = Producer.makeSequence(
            backPressureStrategy: .init(lowWatermark: 2, highWatermark: 8), finishOnDeinit: true,
            delegate: Demand(resume: onDemand))
        return (ByteStream(sequence: producer.sequence), producer.source)
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var inner: Producer.AsyncIterator
        public mutating func next() async throws -> ByteBuffer? { try await inner.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inner: sequence.makeAsyncIterator()) }

    /// Tells the connection when the reader wants more.
    struct Demand: NIOAsyncSequenceProducerDelegate {
        let resume: @Sendable () -> Void
        func produceMore() { resume() }
        func didTerminate() {}
    }
}

/// A request body still arriving.
public typealias RequestBodyStream = ByteStream
