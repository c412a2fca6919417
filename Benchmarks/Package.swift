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
let package = Package(
    name: "krakend-swift-benchmarks",
    platforms: [.macOS(.v15)],
    targets: [
        .target(
            name: "GatewayCoreSubset",
            path: "Sources/GatewayCoreSubset",
            // `Double.rounded()` calls libm's `round`; the gateway gets libm
            // through Foundation, this target links it itself.
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .executableTarget(
            name: "micro",
            dependencies: ["GatewayCoreSubset"],
            path: "Sources/micro"
        ),
    ]
)
