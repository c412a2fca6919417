// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "krakend-swift",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "krakend", targets: ["krakend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL.git", from: "4.3.0"),
    ],
    targets: [
        .target(
            name: "GatewayCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            path: "Sources/Core",
            resources: [.copy("Config/Schema")]
        ),
        .target(
            name: "GatewayGRPC",
            dependencies: [
                "GatewayCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/GRPC"
        ),
        .target(
            name: "GatewayGraphQL",
            dependencies: ["GatewayCore", .product(name: "GraphQL", package: "GraphQL")],
            path: "Sources/GraphQL"
        ),
        .target(
            name: "GatewaySOAP",
            dependencies: ["GatewayCore", .product(name: "Logging", package: "swift-log")],
            path: "Sources/SOAP"
        ),
        .target(
            name: "GatewayWebSocket",
            dependencies: [
                "GatewayCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),  // its vendored zlib: permessage-deflate
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/WebSocket"
        ),
        .target(
            name: "GatewayRuntime",
            dependencies: [
                "GatewayCore", "GatewayGRPC", "GatewayGraphQL", "GatewaySOAP", "GatewayWebSocket",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Runtime"
        ),
        .executableTarget(
            name: "krakend",
            dependencies: [
                "GatewayCore", "GatewayRuntime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/krakend"
        ),
        .executableTarget(
            name: "playground",
            dependencies: [
                "GatewayCore", "GatewayRuntime",
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Playground"
        ),
        .testTarget(name: "CoreTests", dependencies: ["GatewayCore"], path: "Tests/CoreTests", exclude: ["Fixtures"]),
        .testTarget(
            name: "GRPCTests",
            dependencies: [
                "GatewayCore", "GatewayGRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            path: "Tests/GRPCTests",
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "WebSocketTests",
            dependencies: ["GatewayCore", "GatewayWebSocket", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/WebSocketTests"
        ),
        .testTarget(
            name: "KrakendTests",
            dependencies: [
                "GatewayCore", "GatewayGRPC", "GatewayRuntime", "krakend", "playground",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/KrakendTests",
            exclude: ["Fixtures"]
        ),
    ]
)
