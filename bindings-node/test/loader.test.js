'use strict'
// The error a user gets on a platform without a prebuilt addon: it names the platform, the
// platforms that have one and how to build from source, instead of napi's chain of load attempts.
// (Installing without the platform package is tested on the packed packages: scripts/install-test-node.)

const test = require('node:test')
const assert = require('node:assert/strict')
const { execFileSync } = require('node:child_process')
const { packageDir } = require('./helpers.js')

/** Loads the package in a child process that claims another CPU, and returns what it threw. */
function loadAs(arch) {
  const script = `
    Object.defineProperty(process, 'arch', { value: ${JSON.stringify(arch)} })
    try {
      require(${JSON.stringify(packageDir)})
      console.log(JSON.stringify({ loaded: true }))
    } catch (e) {
      console.log(JSON.stringify({ code: e.code, message: e.message, platform: e.platform,
        supported: e.supportedPlatforms, attempts: e.loadAttempts, enumerable: Object.keys(e) }))
    }`
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
}

test('a platform without a prebuilt addon gets an error naming the supported ones', () => {
  const out = loadAs('riscv64')
  assert.equal(out.code, 'ERR_IAMPORT_NATIVE_ADDON', JSON.stringify(out))
  assert.match(out.platform, /^linux-riscv64-(gnu|musl)$/)
  assert.deepEqual(out.supported, ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl'])
  assert.match(out.message, /no prebuilt native addon for this platform \(Node v[0-9.]+, linux-riscv64-/)
  assert.match(out.message, /linux-x64-gnu \(glibc >= 2\.17\), linux-arm64-gnu \(glibc >= 2\.17\), linux-x64-musl, linux-arm64-musl/)
  assert.match(out.message, /build it from source/)
  assert.match(out.message, /npm run build:release/)
  assert.doesNotMatch(out.message, /Cannot find native binding|npm\/cli\/issues/)
  // napi's attempts stay available for debugging, but out of the printed error.
  assert.ok(out.attempts.length > 0, JSON.stringify(out))
  assert.ok(!out.enumerable.includes('loadAttempts'), JSON.stringify(out.enumerable))
})

test('the platform this runs on loads', () => {
  assert.deepEqual(loadAs(process.arch), { loaded: true })
})
