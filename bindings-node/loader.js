'use strict'
// Loads the native addon through napi-rs's generated native.js. That loader tries every place an
// addon can be (a .node file beside it, then the platform package `iamport-subscribe-<platform>`)
// and, when none loads, throws "Cannot find native binding" with a chain of every attempt. This
// file turns that into what a user can act on: which platform this is, which platforms have a
// prebuilt addon, and what to do (install the platform package, or build from source).

const pkg = require('./package.json')

const ARCH = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm', riscv64gc: 'riscv64' }
const OS = { linux: 'linux', darwin: 'darwin', windows: 'win32', freebsd: 'freebsd', android: 'android' }

/** napi-rs's name of a Rust target triple's platform package: `x86_64-unknown-linux-gnu` -> `linux-x64-gnu`. */
function platformOfTarget(triple) {
  const [arch, , os, abi] = triple.split('-')
  const name = `${OS[os] ?? os}-${ARCH[arch] ?? arch}`
  return abi === undefined || os === 'darwin' ? name : `${name}-${abi}`
}

function isMusl() {
  if (process.platform !== 'linux') return false
  try {
    const report = process.report.getReport()
    return !(report.header && report.header.glibcVersionRuntime)
  } catch {
    return false
  }
}

/** This process's platform, named as the platform packages are. */
function currentPlatform() {
  const base = `${process.platform}-${process.arch}`
  if (process.platform === 'linux') return `${base}-${isMusl() ? 'musl' : 'gnu'}`
  if (process.platform === 'win32') return `${base}-msvc`
  return base
}

const SUPPORTED = (pkg.napi?.targets ?? []).map(platformOfTarget)
const NOTES = { 'linux-x64-gnu': 'glibc >= 2.17', 'linux-arm64-gnu': 'glibc >= 2.17' }

function describeSupported() {
  return SUPPORTED.map((p) => (NOTES[p] ? `${p} (${NOTES[p]})` : p)).join(', ')
}

/** The messages of napi's chain of load attempts, most specific first. */
function attempts(error) {
  const seen = []
  for (let e = error?.cause; e && seen.length < 20; e = e.cause) {
    if (typeof e.message === 'string') seen.push(e.message.split('\n')[0])
  }
  return seen.reverse()
}

function resolves(request) {
  try {
    require.resolve(request)
    return true
  } catch {
    return false
  }
}

const BUILD_FROM_SOURCE =
  'To build it from source (Rust >= 1.85, Node >= 20.17): in a checkout of ' +
  `${pkg.repository}, run \`npm ci && npm run build:release\` in bindings-node/, then ` +
  'either install that folder (`npm install /path/to/bindings-node`) or set ' +
  'NAPI_RS_NATIVE_LIBRARY_PATH to the built .node file.'

function loadError(original) {
  const platform = currentPlatform()
  const runtime = `Node ${process.version}, ${platform}`
  const packageName = `${pkg.name}-${platform}`
  const tried = attempts(original)
  let message
  if (!SUPPORTED.includes(platform)) {
    message =
      `${pkg.name} ${pkg.version} has no prebuilt native addon for this platform (${runtime}). ` +
      `Prebuilt addons exist for: ${describeSupported()}. ${BUILD_FROM_SOURCE}`
  } else if (!resolves(`${packageName}/package.json`)) {
    message =
      `${pkg.name} ${pkg.version}: the native addon for this platform comes in the package ` +
      `${packageName}, which is not installed (${runtime}). npm leaves optional dependencies out ` +
      'with --omit=optional or --no-optional, and a lockfile made on another platform can miss it ' +
      `(npm/cli#4828). Install it with \`npm install ${packageName}@${pkg.version}\`, or remove ` +
      'node_modules and package-lock.json and run npm install again.'
  } else {
    const reasons = tried.filter((m) => !/^Cannot find module/.test(m))
    message =
      `${pkg.name} ${pkg.version}: the native addon in ${packageName} is installed but could not be ` +
      `loaded (${runtime}): ${reasons.join('; ') || 'unknown reason'}. ` +
      `Prebuilt addons need: ${describeSupported()}. ${BUILD_FROM_SOURCE}`
  }
  const error = new Error(message)
  error.code = 'ERR_IAMPORT_NATIVE_ADDON'
  error.platform = platform
  error.supportedPlatforms = SUPPORTED
  // napi's chain of attempts, for debugging; not enumerable, so an uncaught error prints the
  // message above and not the chain.
  Object.defineProperty(error, 'loadAttempts', { value: tried, enumerable: false })
  return error
}

let native
try {
  native = require('./native.js')
} catch (e) {
  // Only the loader's own failure is translated; anything else (an addon that throws while
  // initializing, a version check) is passed on as it is.
  if (!(e instanceof Error) || !/^(Cannot find native binding|Failed to load native binding)/.test(e.message)) throw e
  const error = loadError(e)
  Error.captureStackTrace(error)
  throw error
}

module.exports = native
