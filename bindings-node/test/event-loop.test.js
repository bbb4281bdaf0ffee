'use strict'
// Network I/O never blocks the event loop: a timer keeps firing while 200 charges wait for a
// sandbox that holds every answer back.

const test = require('node:test')
const assert = require('node:assert/strict')
const { pkg, sandboxFor } = require('./helpers.js')

const CHARGES = 200
const DELAY_MS = 800
const TICK_MS = 10

test('a timer keeps firing while 200 charges are in flight', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  await client.issueBillingKey({
    customerUid: 'cust-loop',
    card: new pkg.Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12' }),
  })
  sandbox.setResponseDelay(DELAY_MS)

  let ticks = 0
  const timer = setInterval(() => {
    ticks += 1
  }, TICK_MS)
  t.after(() => clearInterval(timer))

  const started = performance.now()
  let pending = CHARGES
  let ticksWhilePending = 0
  const charges = Array.from({ length: CHARGES }, (_, i) =>
    client
      .payAgain({ customerUid: 'cust-loop', merchantUid: `order-loop-${i}`, amount: 1000 })
      .finally(() => {
        pending -= 1
        if (pending === 0) ticksWhilePending = ticks
      }),
  )
  const payments = await Promise.all(charges)
  const elapsed = performance.now() - started
  clearInterval(timer)

  assert.equal(payments.length, CHARGES)
  assert.ok(payments.every((p) => p.status === 'paid'))
  assert.equal(sandbox.requestCounts()['POST /subscribe/payments/again'], CHARGES)
  // Every answer was held back DELAY_MS, so the charges were pending at least that long; a timer
  // on a free event loop fires about DELAY_MS / TICK_MS = 80 times meanwhile, a blocked one
  // hardly at all. The bound is a quarter of that, whatever the machine's speed.
  assert.ok(elapsed >= DELAY_MS, `the charges took ${elapsed} ms, less than the delay`)
  assert.ok(
    ticksWhilePending >= DELAY_MS / TICK_MS / 4,
    `the timer fired ${ticksWhilePending} times in ${Math.round(elapsed)} ms of pending charges`,
  )
})
