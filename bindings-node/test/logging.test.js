'use strict'
// setLogger: core's retries and unknown outcomes reach a JS logger with structured fields
// (issue 12 §5), nothing below the chosen level, nothing after `setLogger(null)`.

const test = require('node:test')
const assert = require('node:assert/strict')
const { pkg, sandboxFor } = require('./helpers.js')

const { Card, setLogger } = pkg

/** Lets queued records reach the logger: they come through the event loop, after the call. */
async function until(condition) {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve))
}

test('retries and unknown outcomes reach the logger with structured fields', async (t) => {
  const records = []
  setLogger((record) => records.push(record))
  t.after(() => setLogger(null))
  const sandbox = await sandboxFor(t)
  const client = sandbox.client({ maxRetries: 1, initialBackoffMs: 0, maxBackoffMs: 0 })
  await client.issueBillingKey({ customerUid: 'log-1', card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12' }) })
  sandbox.setFaults([{ route: 'POST /subscribe/payments/again', probability: 1, fault: { type: 'drop_before_commit' } }])
  await assert.rejects(client.payAgain({ customerUid: 'log-1', merchantUid: 'log_order_1', amount: 1000 }), (e) => {
    // The hint names the Node method; the order id in the message is kept as it is.
    assert.ok(e instanceof pkg.OutcomeUnknownError, String(e))
    assert.match(e.message, /log_order_1.*findPayment/)
    assert.doesNotMatch(e.message, /find_payment|merchant_uid/)
    return true
  })
  await until(() => records.some((r) => r.level === 'warn'))

  const retry = records.find((r) => r.message === 'iamport retry')
  assert.ok(retry, JSON.stringify(records))
  assert.equal(retry.level, 'info')
  assert.equal(typeof retry.target, 'string')
  assert.equal(typeof retry.fields.attempt, 'number')
  assert.equal(typeof retry.fields.waitMs, 'number')
  assert.equal(typeof retry.fields.errorKind, 'string')
  const unknown = records.find((r) => r.level === 'warn')
  assert.equal(unknown.fields.merchantUid, 'log_order_1')
  assert.ok(records.every((r) => r.level === 'info' || r.level === 'warn' || r.level === 'error'))

  setLogger(null)
  // Records queued before `setLogger(null)` may still arrive: let them, then count.
  await until(() => false)
  const before = records.length
  await assert.rejects(client.payAgain({ customerUid: 'log-1', merchantUid: 'log-order-2', amount: 1000 }))
  await until(() => records.length > before)
  assert.equal(records.length, before, JSON.stringify(records.slice(before)))
})

test('setLogger refuses what it cannot use', () => {
  assert.throws(() => setLogger('console'), TypeError)
  assert.throws(() => setLogger(() => {}, { level: 'verbose' }), TypeError)
  assert.throws(() => setLogger(() => {}, { levle: 'info' }), TypeError)
})
