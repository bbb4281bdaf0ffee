// swift-tools-version:5.9
// The Swift package of the uniffi binding. Build the XCFramework first (macOS):
//   bindings-ffi/swift/build-xcframework.sh
// It writes IamportSubscribeFFI.xcframework (static libraries + C headers + module map) here and
// the generated Swift sources into Sources/IamportSubscribe/.
import PackageDescription

let package = Package(
    name: "IamportSubscribe",
    platforms: [.iOS(.v13), .macOS(.v10_15)],
    products: [
        .library(name: "IamportSubscribe", targets: ["IamportSubscribe"]),
    ],
    targets: [
        // The Rust library and its C declarations (module IamportSubscribeFFI).
        .binaryTarget(name: "IamportSubscribeFFI", path: "IamportSubscribeFFI.xcframework"),
        // Generated bindings (*.generated.swift) and the masking types (Secrets.swift).
        .target(
            name: "IamportSubscribe",
            dependencies: ["IamportSubscribeFFI"],
            path: "Sources/IamportSubscribe",
            // reqwest's TLS (rustls with the platform verifier) and proxy lookup.
            linkerSettings: [
                .linkedFramework("Security"),
                .linkedFramework("SystemConfiguration"),
                .linkedFramework("CoreFoundation"),
            ]
        ),
        .testTarget(
            name: "IamportSubscribeTests",
            dependencies: ["IamportSubscribe"],
            path: "Tests/IamportSubscribeTests"
        ),
    ]
)
