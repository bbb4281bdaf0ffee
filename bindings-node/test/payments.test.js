'use strict'
// Payments by status (issue 15) beyond the scenario file: `client.listPayments` over a range
// longer than the API's 90 days is read window by window and a page at a time, only as far as
// the reader reads (counted in sandbox requests); `Date` and unix-second bounds; bad options
// reject the first `next()` with the field named, before anything is sent.

const test = require('node:test')
const assert = require('node:assert/strict')
const { pkg, sandboxFor } = require('./helpers.js')

const { Card } = pkg

const BY_STATUS = 'GET /payments/status/{payment_status}'
const DAY = 86_400

/** Unix seconds of the sandbox clock. */
function nowOf(sandbox) {
  return Math.floor(sandbox.now().getTime() / 1000)
}

/** Charges each order once with the billing key `c1`, eight at a time. */
async function charge(client, orders) {
  const queue = [...orders]
  const worker = async () => {
    for (let order = queue.shift(); order !== undefined; order = queue.shift()) {
      await client.payAgain({ customerUid: 'c1', merchantUid: order, amount: 1000 })
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
}

async function started(t) {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  await client.issueBillingKey({
    customerUid: 'c1',
    card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2099-12' }),
  })
  const listings = () => sandbox.requestCounts()[BY_STATUS] ?? 0
  return { sandbox, client, listings }
}

test('a long range is read lazily, window by window and a page at a time', async (t) => {
  const { sandbox, client, listings } = await started(t)
  const start = sandbox.now()
  await charge(client, ['old-1', 'old-2'])
  await sandbox.advanceClock(150 * DAY)
  await charge(
    client,
    Array.from({ length: 1200 }, (_, i) => `new-${i}`),
  )
  const end = nowOf(sandbox)

  // Making the iterator sends nothing.
  const payments = client.listPayments({ from: start, to: end })
  assert.equal(listings(), 0)
  // The first item costs one page (1000) of the newest window.
  const first = await payments.next()
  assert.equal(first.done, false)
  assert.match(first.value.merchantUid, /^new-/)
  assert.equal(listings(), 1)
  for (let i = 1; i < 1000; i += 1) assert.equal((await payments.next()).done, false)
  assert.equal(listings(), 1)
  // The 1001st item costs the second page.
  assert.equal((await payments.next()).done, false)
  assert.equal(listings(), 2)
  // Leaving early fetches nothing more.
  await payments.return()
  assert.deepEqual(await payments.next(), { value: undefined, done: true })
  assert.equal(listings(), 2)

  // Reading everything: each payment once, newest first, so the 150-day-old window comes last;
  // two pages of the newest window and one of the older.
  const before = listings()
  const all = []
  for await (const payment of client.listPayments({ from: start, to: end })) all.push(payment.merchantUid)
  assert.equal(all.length, 1202)
  assert.equal(new Set(all).size, 1202)
  assert.deepEqual(new Set(all.slice(-2)), new Set(['old-1', 'old-2']))
  assert.equal(listings() - before, 3)

  // Oldest first by the time paid, with `Date` bounds: the old window first.
  const oldestFirst = []
  for await (const payment of client.listPayments({
    status: 'paid',
    from: start,
    to: new Date(end * 1000),
    sorting: 'paid',
  })) {
    assert.equal(payment.status, 'paid')
    assert.ok(payment.paidAt instanceof Date)
    oldestFirst.push(payment.merchantUid)
    if (oldestFirst.length === 2) break
  }
  assert.deepEqual(new Set(oldestFirst), new Set(['old-1', 'old-2']))
})

test('the default range is the last 90 days by the API clock', async (t) => {
  const { sandbox, client } = await started(t)
  await charge(client, ['long-ago'])
  await sandbox.advanceClock(91 * DAY)
  await charge(client, ['today'])
  const listed = []
  for await (const payment of client.listPayments()) listed.push(payment.merchantUid)
  assert.deepEqual(listed, ['today'])
  const failed = []
  for await (const payment of client.listPayments({ status: 'failed' })) failed.push(payment)
  assert.deepEqual(failed, [])
})

test('bad options reject the first item, naming the field, and nothing is sent', async (t) => {
  const { sandbox, client } = await started(t)
  const now = nowOf(sandbox)
  const before = sandbox.totalRequests()
  const cases = [
    [{ status: 'refunded' }, 'status'],
    [{ status: 3 }, 'status'],
    [{ from: now, to: now - 1 }, 'to'],
    [{ from: -1 }, 'from'],
    [{ to: Date.now() }, 'to'],
    [{ from: new Date(NaN) }, 'from'],
    [{ from: '2030-01-01' }, 'from'],
    [{ sorting: 'newest' }, 'sorting'],
    [{ stauts: 'paid' }, 'stauts'],
  ]
  for (const [options, field] of cases) {
    const iterator = client.listPayments(options)
    let error
    await assert.rejects(iterator.next(), (e) => {
      error = e
      return true
    })
    assert.ok(error instanceof pkg.InvalidRequestError, `${JSON.stringify(options)}: ${error}`)
    assert.equal(error.code, 'INVALID_REQUEST')
    assert.equal(error.field, field, JSON.stringify(options))
    // The iterator is finished after its error.
    assert.deepEqual(await iterator.next(), { value: undefined, done: true })
  }
  assert.equal(sandbox.totalRequests(), before)
})
