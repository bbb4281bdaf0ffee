'use strict'
// The Sandbox's controls beyond the client tests' needs: webhook format and retries, settle,
// schedules, recorded exchanges, the fault plan read back, reset; and that the Node Sandbox has
// every control of the Rust sandbox (`impl Sandbox` in sandbox/src/lib.rs), each in the README.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const path = require('node:path')
const { pkg, camel, sandboxFor } = require('./helpers.js')

const { Card } = pkg

/** A webhook receiver on 127.0.0.1:0 answering `status` and recording what it got. */
async function receiver(t, status) {
  const received = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString() })
      res.writeHead(status).end()
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(() => resolve()))
  })
  return { url: `http://127.0.0.1:${server.address().port}/hook`, received }
}

/** A billing key and one charge due in a minute. */
async function scheduleOne(sandbox, customerUid, merchantUid) {
  const client = sandbox.client()
  await client.issueBillingKey({ customerUid, card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12' }) })
  const at = Math.floor(sandbox.now().getTime() / 1000) + 60
  await client.schedule({ customerUid, schedules: [{ merchantUid, scheduleAt: at, amount: 1000 }] })
}

test('webhook format and retries, settle and schedules', async (t) => {
  const sandbox = await sandboxFor(t)
  const failing = await receiver(t, 500)
  sandbox.setWebhookUrl(failing.url)
  sandbox.setWebhookFormat('form')
  sandbox.setWebhookRetries(2)
  await scheduleOne(sandbox, 'sb-1', 'sb-order-1')
  assert.equal(sandbox.schedules().length, 1)
  assert.equal(sandbox.schedules()[0].scheduleStatus, 'scheduled')
  await sandbox.advanceClock(120)
  await sandbox.settle()
  const deliveries = sandbox.webhookDeliveries()
  assert.deepEqual(
    deliveries.map((d) => [d.attempt, d.status, d.contentType]),
    [
      [1, 500, 'application/x-www-form-urlencoded'],
      [2, 500, 'application/x-www-form-urlencoded'],
      [3, 500, 'application/x-www-form-urlencoded'],
    ],
  )
  assert.ok(deliveries[0].at instanceof Date)
  assert.equal(failing.received.length, 3)
  assert.match(failing.received[0].body, /merchant_uid=sb-order-1/)
  const [ran] = sandbox.schedules()
  assert.equal(ran.scheduleStatus, 'executed')
  assert.equal(ran.paymentStatus, 'paid')
  assert.ok(ran.executedAt instanceof Date)
  assert.throws(() => sandbox.setWebhookFormat('xml'), TypeError)
  assert.throws(() => sandbox.setWebhookRetries(-1), RangeError)
})

test('exchanges record each answer; the fault plan reads back as it was set', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client({ maxRetries: 0 })
  await assert.rejects(client.getPayment('imps_000000000001'), pkg.NotFoundError)
  const exchanges = sandbox.exchanges()
  const lookup = exchanges.find((e) => e.route === '/payments/{imp_uid}')
  assert.ok(lookup, JSON.stringify(exchanges))
  assert.equal(lookup.method, 'GET')
  assert.equal(lookup.path, '/payments/imps_000000000001')
  assert.equal(typeof lookup.status, 'number')
  assert.equal(lookup.fault, null)
  assert.equal(typeof lookup.body, 'object')

  assert.equal(sandbox.faultPlan(), null)
  const rules = [
    { route: 'GET /payments/{imp_uid}', probability: 1, fault: { type: 'too_many_requests', retry_after_secs: 1 } },
  ]
  sandbox.setFaults(rules, { seed: 7 })
  assert.deepEqual(sandbox.faultPlan(), { seed: 7, rules })
  await assert.rejects(client.getPayment('imps_000000000001'))
  assert.equal(sandbox.exchanges().at(-1).fault, 'too_many_requests')
  assert.deepEqual(sandbox.faultCounts(), { too_many_requests: 1 })
  sandbox.clearFaults()
  assert.equal(sandbox.faultPlan(), null)

  sandbox.reset()
  assert.deepEqual(sandbox.exchanges(), [])
  assert.equal(sandbox.totalRequests(), 0)
  assert.deepEqual(sandbox.schedules(), [])
})

test('the Node Sandbox has every control of the Rust sandbox, each in the README', () => {
  const rust = fs.readFileSync(path.join(__dirname, '..', '..', 'sandbox', 'src', 'lib.rs'), 'utf8')
  const impl = rust.slice(rust.indexOf('impl Sandbox {'))
  const methods = [...impl.matchAll(/^ {4}pub (?:async )?fn (\w+)/gm)].map((m) => m[1])
  assert.ok(methods.length > 10, 'impl Sandbox not found')
  // Rust-only: how the server is started (`Sandbox.start` here), its address (`url` here) and
  // its stop (`close` here).
  const rustOnly = new Set(['start', 'start_with', 'bind', 'local_addr', 'shutdown'])
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8')
  for (const name of methods.filter((m) => !rustOnly.has(m))) {
    const node = camel(name)
    const found = Object.getOwnPropertyDescriptor(pkg.Sandbox.prototype, node)
    const has = found !== undefined && (typeof found.value === 'function' || found.get !== undefined)
    assert.ok(has, `Sandbox has no ${node} (Rust: ${name})`)
    assert.ok(readme.includes(`.${node}`), `README.md does not list .${node}`)
  }
})
