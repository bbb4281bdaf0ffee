#!/usr/bin/env bash
# Builds IamportSubscribeFFI.xcframework (iOS devices, iOS simulator, macOS; static libraries with
# the C headers and module map) next to Package.swift, and the generated Swift sources into
# Sources/IamportSubscribe/. Needs macOS with Xcode and rustup; not run on the Linux CI.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
lib=libiamport_subscribe_ffi.a

if [ "$(uname -s)" != Darwin ] || ! command -v xcodebuild >/dev/null; then
    echo "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo)" >&2
    exit 1
fi

export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-13.0}"
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-10.15}"
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin x86_64-apple-darwin)
rustup target add "${targets[@]}"
for t in "${targets[@]}"; do
    # Release, without the `cli` feature: the static library carries only the binding.
    (cd "$root" && cargo build -p iamport-subscribe-ffi --lib --release --locked --target "$t")
done

# Swift sources, headers and module map, generated from the host library (same metadata).
"$root/bindings-ffi/run" build

out="$here/build"
rm -rf "$out" "$here/IamportSubscribeFFI.xcframework"
mkdir -p "$out/headers" "$out/ios-simulator" "$out/macos"
cp "$here"/generated/*.h "$here/generated/module.modulemap" "$out/headers/"
lipo -create "$target/aarch64-apple-ios-sim/release/$lib" "$target/x86_64-apple-ios/release/$lib" \
    -output "$out/ios-simulator/$lib"
lipo -create "$target/aarch64-apple-darwin/release/$lib" "$target/x86_64-apple-darwin/release/$lib" \
    -output "$out/macos/$lib"
xcodebuild -create-xcframework \
    -library "$target/aarch64-apple-ios/release/$lib" -headers "$out/headers" \
    -library "$out/ios-simulator/$lib" -headers "$out/headers" \
    -library "$out/macos/$lib" -headers "$out/headers" \
    -output "$here/IamportSubscribeFFI.xcframework"
echo "built $here/IamportSubscribeFFI.xcframework; try it with: (cd $here && swift test)"
