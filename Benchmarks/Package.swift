// swift-tools-version:6.0
import PackageDescription

// Micro-benchmarks for the gateway's JSON `Value` (parser, serializer) and its
// response manipulation, against Foundation. Run from the repo root:
//
//     swift run -c release --package-path Benchmarks micro
//
// The root package exports only the `krakend` executable, so rather than
// depending on it (which would also fetch and build SwiftNIO and friends for
// nothing), this package compiles the root's own source files in place:
// `Sources/GatewayCoreSubset` holds symlinks to `Sources/Core/Value`,
// `Sources/Core/Manipulation` and the two `Sources/Core/Config` files they use,
// all of which need only the standard library. A new file in Value/ or
// Manipulation/ is picked up automatically; one that needs more of the core
// would need its own symlink here.
//
// The protobuf codec rows compare the gateway's descriptor-driven codec
// (`Sources/GatewayGRPCSubset`: symlinks to the codec files of Sources/GRPC,
// which need only `GatewayCore`) with swift-protobuf's generated code for the
// same message (`Sources/FlightsGenerated`, made once with protoc-gen-swift
// from catalogs/flights/flights.proto and committed).
let package = Package(
    name: "krakend-swift-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        .target(
            // Named as in the root package, so the symlinked files' imports hold.
            name: "GatewayCore",
            path: "Sources/GatewayCoreSubset",
            // `Double.rounded()` calls libm's `round`; the gateway gets libm
            // through Foundation, this target links it itself.
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .target(name: "GatewayGRPC", dependencies: ["GatewayCore"], path: "Sources/GatewayGRPCSubset"),
        .target(
            name: "FlightsGenerated",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/FlightsGenerated"
        ),
        .executableTarget(
            name: "micro",
            dependencies: ["GatewayCore", "GatewayGRPC", "FlightsGenerated", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Sources/micro"
        ),
    ]
)
