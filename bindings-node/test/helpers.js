'use strict'
// Shared by the tests. The package is loaded by its name, through package.json's `exports`, as a
// user loads it.

const net = require('node:net')
const path = require('node:path')

const pkg = require('iamport-subscribe')

/** The installed package's folder. */
const packageDir = path.dirname(require.resolve('iamport-subscribe/package.json'))

/** snake_case to camelCase, the way the package names fields (`pwd_2digit` -> `pwd2digit`). */
function camel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
}

/** Starts a sandbox and stops it when the test ends. */
async function sandboxFor(t, options) {
  const sandbox = await pkg.Sandbox.start(options)
  t.after(() => sandbox.close())
  return sandbox
}

/** A loopback port nothing listens on (it was free a moment ago). */
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

module.exports = { pkg, packageDir, camel, sandboxFor, closedPort }
