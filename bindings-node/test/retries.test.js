'use strict'
// Retry options, `withOptions` and charge reconciliation, through the package, against the
// sandbox's fault injection (mirrors core/tests/retries.rs and core/tests/chaos.rs).

const test = require('node:test')
const assert = require('node:assert/strict')
const { pkg, sandboxFor } = require('./helpers.js')

const { Card, Client } = pkg

const AGAIN = 'POST /subscribe/payments/again'
const CUSTOMER = 'GET /subscribe/customers/{customer_uid}'
const fast = { initialBackoffMs: 1, maxBackoffMs: 5 }

const always = (fault, route = AGAIN) => [{ route, probability: 1.0, fault: { type: fault } }]

async function withKey(client, customerUid, cardNumber = '4111-1111-1111-1111') {
  await client.issueBillingKey({ customerUid, card: new Card({ cardNumber, expiry: '2030-12' }) })
}

async function rejection(promise) {
  try {
    await promise
  } catch (e) {
    return e
  }
  assert.fail('expected a rejection')
}

test('a charge lost after commit is found by lookup, not sent again', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client(fast)
  await withKey(client, 'c1')
  sandbox.setFaults(always('drop_after_commit'), { seed: 1 })
  const payment = await client.payAgain({ customerUid: 'c1', merchantUid: 'o1', amount: 9900 })
  assert.equal(payment.status, 'paid')
  assert.deepEqual(
    sandbox.ledger().map((p) => [p.merchantUid, p.status, p.impUid]),
    [['o1', 'paid', payment.impUid]],
  )
  assert.equal(sandbox.requestCounts()[AGAIN], 1)
  assert.deepEqual(sandbox.faultCounts(), { drop_after_commit: 1 })
})

test('a charge never committed ends in OutcomeUnknownError, then succeeds without faults', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client({ ...fast, maxRetries: 1 })
  await withKey(client, 'c1')
  sandbox.setFaults(always('drop_before_commit'))
  const e = await rejection(client.payAgain({ customerUid: 'c1', merchantUid: 'o2', amount: 9900 }))
  assert.ok(e instanceof pkg.OutcomeUnknownError, String(e))
  assert.equal(e.code, 'OUTCOME_UNKNOWN')
  assert.equal(e.merchantUid, 'o2')
  assert.equal(JSON.parse(JSON.stringify(e)).merchantUid, 'o2')
  assert.equal(sandbox.requestCounts()[AGAIN], 2) // maxRetries 1: one re-send after the lookup
  assert.deepEqual(sandbox.ledger(), [])
  assert.equal(sandbox.faultCounts().drop_before_commit, 2)
  sandbox.clearFaults()
  assert.equal(sandbox.faultCounts().drop_before_commit, 2) // still readable
  const paid = await client.payAgain({ customerUid: 'c1', merchantUid: 'o2', amount: 9900 })
  assert.equal(paid.status, 'paid')
  assert.deepEqual(
    sandbox.ledger().map((p) => p.status),
    ['paid'],
  )
})

test('withOptions overrides retries per call and shares the token', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client(fast)
  await client.checkCredentials()
  sandbox.setFaults(always('server_error', CUSTOMER))
  const e = await rejection(client.getBillingKey('c1'))
  assert.ok(e instanceof pkg.ApiError, String(e))
  assert.equal(e.httpStatus, 500)
  assert.equal(sandbox.requestCounts()[CUSTOMER], 3) // the default: 2 retries

  const once = client.withOptions({ maxRetries: 0 })
  assert.ok(once instanceof Client)
  assert.equal(once.baseUrl, client.baseUrl)
  assert.ok((await rejection(once.getBillingKey('c1'))) instanceof pkg.ApiError)
  assert.equal(sandbox.requestCounts()[CUSTOMER], 4) // sent once

  // Only the settings given are replaced; the original client is unchanged.
  await rejection(once.withOptions({ timeoutMs: 5000 }).getBillingKey('c1'))
  assert.equal(sandbox.requestCounts()[CUSTOMER], 5)
  await rejection(client.withOptions({ maxRetries: 1 }).getBillingKey('c1'))
  assert.equal(sandbox.requestCounts()[CUSTOMER], 7)
  await rejection(client.getBillingKey('c1'))
  assert.equal(sandbox.requestCounts()[CUSTOMER], 10)
  assert.equal(sandbox.requestCounts()['POST /users/getToken'], 1) // one token for all
})

test('retry options are checked, naming the field', () => {
  const ok = { impKey: 'k', impSecret: 's' }
  const cases = [
    [{ ...ok, maxRetries: -1 }, 'maxRetries'],
    [{ ...ok, maxRetries: 1.5 }, 'maxRetries'],
    [{ ...ok, maxRetries: '2' }, 'maxRetries'],
    [{ ...ok, initialBackoffMs: -1 }, 'initialBackoffMs'],
    [{ ...ok, maxBackoffMs: Infinity }, 'maxBackoffMs'],
  ]
  for (const [options, field] of cases) {
    assert.throws(() => new Client(options), (e) => e instanceof pkg.InvalidRequestError && e.field === field)
  }
  const client = new Client({ ...ok, maxRetries: 0, initialBackoffMs: 0, maxBackoffMs: 0 })
  const perCall = [
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: NaN }, 'timeoutMs'],
    [{ maxRetries: -1 }, 'maxRetries'],
    [{ initialBackoffMs: 'fast' }, 'initialBackoffMs'],
    [{ maxBackoffMs: -5 }, 'maxBackoffMs'],
    [{ retries: 1 }, 'retries'],
    [null, 'options'],
    [[], 'options'],
  ]
  for (const [options, field] of perCall) {
    assert.throws(
      () => client.withOptions(options),
      (e) => e instanceof pkg.InvalidRequestError && e.field === field,
      JSON.stringify(options),
    )
  }
  assert.ok(client.withOptions({}) instanceof Client)
})

test('invalid fault plans are refused and change nothing', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client(fast)
  sandbox.setFaults(always('server_error', 'POST /users/getToken'))
  const bad = [
    [{ route: '*', probability: 1.0, fault: { type: 'meteor' } }],
    [{ route: 'GET /nowhere', probability: 1.0, fault: { type: 'drop_before_commit' } }],
    [{ route: '*', probability: 2, fault: { type: 'drop_before_commit' } }],
    [{ route: '*', probability: NaN, fault: { type: 'drop_before_commit' } }],
    [{ route: '*', probability: 1, fault: { type: 'server_error', status: 404 } }],
    [{ route: '*', probability: 1, fault: { type: 'latency' } }],
    [{ route: '*', probability: 1, fault: { type: 'truncated_body' }, extra: true }],
    [{ route: '*', fault: { type: 'truncated_body' } }],
  ]
  for (const rules of bad) {
    assert.throws(() => sandbox.setFaults(rules), Error, JSON.stringify(rules))
  }
  assert.throws(() => sandbox.setFaults('*'), TypeError)
  assert.throws(() => sandbox.setFaults([], { seed: -1 }), RangeError)
  assert.throws(() => sandbox.setFaults([], { seed: 1.5 }), RangeError)
  assert.throws(() => sandbox.setFaults([], { sead: 1 }), TypeError)
  // The first plan is still in force.
  assert.ok((await rejection(client.checkCredentials())) instanceof pkg.ApiError)
  assert.equal(sandbox.faultCounts().server_error, 3)
  sandbox.setFaults([])
  await client.checkCredentials()
  assert.deepEqual(sandbox.faultCounts(), {})
})

// Chaos: many charges while about a fifth of all requests are faulted. Afterwards the ledger and
// the results must agree exactly. Sized to take seconds; the assertions are invariants, not
// timings.
const CHARGES = 1000
const IN_FLIGHT = 32
const DECLINE_CARD = '4000-0000-0000-0002'

function chaosRules() {
  const faults = [
    { type: 'drop_after_commit' },
    { type: 'drop_before_commit' },
    { type: 'server_error', status: 502 },
    { type: 'too_many_requests', retry_after_secs: 0 },
    { type: 'malformed_body' },
    { type: 'truncated_body' },
    { type: 'token_expired' },
    // Longer than the client's timeout: the server commits after the client gave up.
    { type: 'latency', ms: 400 },
  ]
  return faults.map((fault) => ({ route: '*', probability: 0.025, fault }))
}

test('chaos: the ledger and the results agree under faults', async (t) => {
  const sandbox = await sandboxFor(t)
  const setup = sandbox.client()
  await withKey(setup, 'chaos_ok')
  await withKey(setup, 'chaos_decline', DECLINE_CARD)
  const client = sandbox.client({ timeoutMs: 250, maxRetries: 3, initialBackoffMs: 1, maxBackoffMs: 20 })
  const seed = Number(process.env.CHAOS_SEED ?? 7)
  sandbox.setFaults(chaosRules(), { seed })

  const results = new Array(CHARGES)
  let next = 0
  async function worker() {
    while (next < CHARGES) {
      const i = next++
      const declining = i % 10 === 0
      const merchantUid = `chaos_${i}`
      const request = { customerUid: declining ? 'chaos_decline' : 'chaos_ok', merchantUid, amount: 1000 }
      try {
        results[i] = { merchantUid, declining, payment: await client.payAgain(request) }
      } catch (error) {
        results[i] = { merchantUid, declining, error }
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  const faults = sandbox.faultCounts()
  sandbox.clearFaults()

  const paidInLedger = new Map()
  for (const p of sandbox.ledger()) {
    if (!paidInLedger.has(p.merchantUid)) paidInLedger.set(p.merchantUid, [])
    if (p.status === 'paid') paidInLedger.get(p.merchantUid).push(p.impUid)
  }
  const tally = { paid: 0, declined: 0, unknown: 0, failed: 0 }
  const failureKinds = {}
  for (const { merchantUid, declining, payment, error } of results) {
    const paid = paidInLedger.get(merchantUid) ?? []
    assert.ok(paid.length <= 1, `${merchantUid} was charged twice: ${paid}`)
    if (payment) {
      tally.paid++
      assert.ok(!declining, `${merchantUid}: the decline card was charged`)
      assert.deepEqual(paid, [payment.impUid], `${merchantUid}: result and ledger differ`)
    } else if (error instanceof pkg.CardDeclinedError) {
      tally.declined++
      assert.ok(declining, `${merchantUid}: declined on the good card`)
      assert.deepEqual(paid, [])
      assert.equal(error.payment.status, 'failed')
      assert.equal(error.payment.merchantUid, merchantUid)
    } else if (error instanceof pkg.OutcomeUnknownError) {
      tally.unknown++
      assert.equal(error.merchantUid, merchantUid)
      // A later lookup, without faults, settles it.
      const attempts = await client.findAllPayments(merchantUid)
      const settled = attempts.filter((p) => p.status === 'paid').map((p) => p.impUid)
      assert.deepEqual(settled, paid, `${merchantUid}: lookup and ledger differ`)
    } else {
      // Reported as failed: then it must not have been charged.
      tally.failed++
      assert.ok(error instanceof pkg.IamportError, String(error))
      failureKinds[error.code] = (failureKinds[error.code] ?? 0) + 1
      assert.deepEqual(paid, [], `${merchantUid}: reported ${error} but paid`)
    }
  }
  const faulted = Object.values(faults).reduce((a, b) => a + b, 0)
  t.diagnostic(
    `chaos: ${CHARGES} charges, ${faulted} faulted requests ${JSON.stringify(faults)}; ` +
      `${JSON.stringify(tally)} ${JSON.stringify(failureKinds)}; requests ${sandbox.totalRequests()}`,
  )
  // The faults really happened (every charge makes at least one request), and most charges
  // still completed. The bounds are loose on purpose: the draws follow the order of requests.
  assert.ok(faulted > CHARGES / 20, `too few faults: ${JSON.stringify(faults)}`)
  assert.ok((faults.drop_after_commit ?? 0) > 0)
  assert.ok(tally.paid + tally.declined > CHARGES / 2, JSON.stringify(tally))
  // Every paid record in the ledger belongs to a charge this test made and knows about.
  const known = new Set(results.map((r) => r.merchantUid))
  for (const [merchantUid, paid] of paidInLedger) {
    if (paid.length > 0) assert.ok(known.has(merchantUid), merchantUid)
  }
})
