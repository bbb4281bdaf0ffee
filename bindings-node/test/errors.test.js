'use strict'
// Every error class and `code`, on the synchronous and the asynchronous paths; conversion of JS
// values (types, NaN, fractions, unknown keys) into typed errors naming the field, with nothing sent.

const test = require('node:test')
const assert = require('node:assert/strict')
const { pkg, sandboxFor, closedPort, packageDir } = require('./helpers.js')

const { Client, Card, IamportError } = pkg

const classes = [
  ['InvalidRequestError', 'INVALID_REQUEST'],
  ['AuthenticationError', 'AUTHENTICATION'],
  ['NotFoundError', 'NOT_FOUND'],
  ['CardDeclinedError', 'CARD_DECLINED'],
  ['DuplicateOrderError', 'DUPLICATE_ORDER'],
  ['ApiError', 'API_ERROR'],
  ['AlreadyCancelledError', 'ALREADY_CANCELLED'],
  ['RateLimitedError', 'RATE_LIMITED'],
  ['NetworkError', 'NETWORK'],
  ['TimeoutError', 'TIMEOUT'],
  ['OutcomeUnknownError', 'OUTCOME_UNKNOWN'],
]

const card = () => new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12' })

/** Asserts that `promise` rejects with `Class`, `code` and `props`; returns the error. */
async function rejectsWith(promise, className, props = {}) {
  const [, code] = classes.find(([name]) => name === className)
  let error
  await assert.rejects(promise, (e) => {
    error = e
    return true
  })
  assert.ok(error instanceof pkg[className], `expected ${className}, got ${error?.stack}`)
  assert.ok(error instanceof IamportError)
  assert.ok(error instanceof Error)
  assert.equal(error.code, code)
  assert.equal(error.name, className)
  for (const [key, value] of Object.entries(props)) assert.deepEqual(error[key], value, key)
  return error
}

test('every class extends IamportError and has its stable code', () => {
  for (const [name, code] of classes) {
    const Class = pkg[name]
    assert.equal(typeof Class, 'function', name)
    const e = new Class('text', {})
    assert.ok(e instanceof Class)
    assert.ok(e instanceof IamportError)
    assert.ok(e instanceof Error)
    assert.equal(e.code, code)
    assert.equal(e.name, name)
    assert.equal(e.message, 'text')
    assert.match(String(e), new RegExp(`^${name}: text`))
    assert.equal(JSON.parse(JSON.stringify(e)).code, code)
  }
  const outcome = new pkg.OutcomeUnknownError('look it up', { merchantUid: 'order-1' })
  assert.equal(outcome.merchantUid, 'order-1')
})

test('INVALID_REQUEST names the field, and nothing is sent', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const again = { customerUid: 'c1', merchantUid: 'o1', amount: 1000 }
  const cases = [
    [{ ...again, amount: '1000' }, 'amount'],
    [{ ...again, amount: NaN }, 'amount'],
    [{ ...again, amount: Infinity }, 'amount'],
    [{ ...again, amount: 10.5 }, 'amount'],
    [{ ...again, amount: 9900.000001 }, 'amount'],
    [{ ...again, amount: 2 ** 53 }, 'amount'],
    [{ ...again, amount: 10n }, 'amount'],
    [{ ...again, amount: undefined }, 'amount'],
    [{ ...again, amount: -1 }, 'amount'],
    [{ ...again, customerUid: 42 }, 'customerUid'],
    [{ ...again, merchantUid: null }, 'merchantUid'],
    [{ ...again, taxFree: 0.5 }, 'taxFree'],
    [{ ...again, vatAmount: -1 }, 'vatAmount'],
    [{ ...again, cardQuota: 2.5 }, 'cardQuota'],
    [{ ...again, useCardPoint: 'yes' }, 'useCardPoint'],
    [{ ...again, buyer: { name: 7 } }, 'buyerName'],
    [{ ...again, buyer: 'Kim' }, 'buyer'],
    [{ ...again, extra: { naverUseCfm: 1 } }, 'extra.naverUseCfm'],
    [{ ...again, merchantUID: 'typo' }, 'merchantUID'],
    [{ ...again, buyer: { nmae: 'Kim' } }, 'buyer.nmae'],
    ['not an object', 'request'],
    [[again], 'request'],
  ]
  for (const [request, field] of cases) {
    const e = await rejectsWith(client.payAgain(request), 'InvalidRequestError')
    assert.equal(e.field, field, `${JSON.stringify(request, (k, v) => (typeof v === 'bigint' ? `${v}n` : v))}: ${e.message}`)
    assert.equal(typeof e.reason, 'string')
    assert.match(e.message, new RegExp(`^invalid request: ${field.replace('.', '\\.')} `))
  }
  const onetime = { merchantUid: 'o2', amount: 3000, card: card() }
  const onetimeCases = [
    [{ ...onetime, card: { cardNumber: '4111-1111-1111-1111', expiry: '2030-12' } }, 'card'],
    [{ ...onetime, card: undefined }, 'card'],
    [{ ...onetime, card: new Card({ cardNumber: '4111 1111', expiry: '2030-12' }) }, 'cardNumber'],
    [{ ...onetime, card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030/12' }) }, 'expiry'],
    [{ ...onetime, card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', cvc: '12' }) }, 'cvc'],
    [{ ...onetime, pg: 3 }, 'pg'],
  ]
  for (const [request, field] of onetimeCases) {
    const e = await rejectsWith(client.payOnetime(request), 'InvalidRequestError')
    assert.equal(e.field, field, e.message)
  }
  await rejectsWith(client.getBillingKey(42), 'InvalidRequestError', { field: 'customerUid' })
  await rejectsWith(client.getBillingKey(), 'InvalidRequestError', { field: 'customerUid' })
  await rejectsWith(client.deleteBillingKey('c1', 5), 'InvalidRequestError', { field: 'reason' })
  await rejectsWith(client.getPayment({}), 'InvalidRequestError', { field: 'impUid' })
  await rejectsWith(client.findPayment('o1', 1), 'InvalidRequestError', { field: 'status' })
  await rejectsWith(client.findAllPayments(''), 'InvalidRequestError', { field: 'merchantUid' })
  await rejectsWith(client.cancelPayment({ impUid: 'imps_1', amount: 0 }), 'InvalidRequestError', { field: 'amount' })
  await rejectsWith(client.cancelPayment({ impUid: 'imps_1', checksum: '10' }), 'InvalidRequestError', { field: 'checksum' })
  assert.equal(sandbox.totalRequests(), 0, 'a refused request reached the sandbox')
})

test('a Card refuses values that are not strings where it is made', () => {
  const cases = [
    [{ cardNumber: 4111111111111111, expiry: '2030-12' }, 'cardNumber'],
    [{ cardNumber: '4111-1111-1111-1111' }, 'expiry'],
    [{ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', birth: 820213 }, 'birth'],
    [{ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', pwd2digit: 0 }, 'pwd2digit'],
    [{ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', cvc: 123 }, 'cvc'],
    [{ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', number: '1' }, 'card.number'],
    [undefined, 'card'],
  ]
  for (const [details, field] of cases) {
    assert.throws(
      () => new Card(details),
      (e) => e instanceof pkg.InvalidRequestError && e.code === 'INVALID_REQUEST' && e.field === field,
      field,
    )
  }
})

test('fractional amounts of other currencies arrive exactly', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  for (const [amount, merchantUid] of [[12.34, 'usd-1'], [0.1, 'usd-2'], [99999999999.99, 'usd-3']]) {
    const payment = await client.payOnetime({ merchantUid, amount, currency: 'USD', card: card() })
    assert.equal(payment.amount, amount)
    assert.equal(payment.currency, 'USD')
  }
  const refund = await client.cancelPayment({ merchantUid: 'usd-1', amount: 0.34, checksum: 12.34 })
  assert.equal(refund.cancelAmount, 0.34)
  assert.equal(refund.cancelHistory[0].amount, 0.34)
})

test('client settings are checked when the client is made', () => {
  const ok = { impKey: 'k', impSecret: 's' }
  const cases = [
    [{ impSecret: 's' }, 'impKey'],
    [{ impKey: 'k' }, 'impSecret'],
    [{ ...ok, impKey: 1 }, 'impKey'],
    [{ ...ok, baseUrl: 'http://api.example.com' }, 'baseUrl'],
    [{ ...ok, baseUrl: 'not a url' }, 'baseUrl'],
    [{ ...ok, tier: 'abcd' }, 'tier'],
    [{ ...ok, timeoutMs: 0 }, 'timeoutMs'],
    [{ ...ok, timeoutMs: -5 }, 'timeoutMs'],
    [{ ...ok, timeoutMs: '100' }, 'timeoutMs'],
    [{ ...ok, connectTimeoutMs: NaN }, 'connectTimeoutMs'],
    [{ ...ok, secret: 'x' }, 'secret'],
    [undefined, 'impKey'],
  ]
  for (const [options, field] of cases) {
    assert.throws(
      () => new Client(options),
      (e) => e instanceof pkg.InvalidRequestError && e.field === field,
      `${JSON.stringify(options)} -> ${field}`,
    )
  }
  const client = new Client({ ...ok, tier: 'AB1', timeoutMs: 1500, userAgent: 'shop/1.0' })
  assert.equal(client.baseUrl, 'https://api.iamport.kr/')
})

test('Client.fromEnv reads IAMPORT_IMP_KEY, IAMPORT_IMP_SECRET and IAMPORT_BASE_URL', async (t) => {
  const sandbox = await sandboxFor(t)
  const saved = { ...process.env }
  t.after(() => {
    for (const name of ['IAMPORT_IMP_KEY', 'IAMPORT_IMP_SECRET', 'IAMPORT_BASE_URL']) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  })
  delete process.env.IAMPORT_IMP_KEY
  assert.throws(() => Client.fromEnv(), (e) => e.code === 'INVALID_REQUEST' && e.field === 'IAMPORT_IMP_KEY')
  process.env.IAMPORT_IMP_KEY = sandbox.impKey
  process.env.IAMPORT_IMP_SECRET = sandbox.impSecret
  process.env.IAMPORT_BASE_URL = sandbox.url
  const client = Client.fromEnv({ timeoutMs: 5000 })
  assert.equal(client.baseUrl, `${sandbox.url}/`)
  await client.checkCredentials()
  assert.equal(sandbox.requestCounts()['POST /users/getToken'], 1)
})

test('AUTHENTICATION: wrong credentials, on the async path', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = new Client({ impKey: sandbox.impKey, impSecret: 'wrong', baseUrl: sandbox.url })
  await rejectsWith(client.getBillingKey('c1'), 'AuthenticationError')
  await rejectsWith(client.checkCredentials(), 'AuthenticationError')
})

test('NOT_FOUND, DUPLICATE_ORDER, CARD_DECLINED and API_ERROR carry their data', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  await rejectsWith(client.getBillingKey('nobody'), 'NotFoundError')
  await client.issueBillingKey({
    customerUid: 'declines',
    card: new Card({ cardNumber: '4000-0000-0000-0002', expiry: '2030-12' }),
  })
  const declined = await rejectsWith(
    client.payAgain({ customerUid: 'declines', merchantUid: 'order-d', amount: 9900 }),
    'CardDeclinedError',
  )
  assert.equal(typeof declined.failReason, 'string')
  assert.equal(declined.payment.status, 'failed')
  assert.equal(declined.payment.merchantUid, 'order-d')
  assert.ok(declined.payment.failedAt instanceof Date)
  assert.equal(declined.payment.paidAt, null)

  await client.payOnetime({ merchantUid: 'order-p', amount: 1000, card: card() })
  await rejectsWith(client.payOnetime({ merchantUid: 'order-p', amount: 1000, card: card() }), 'DuplicateOrderError')
  const api = await rejectsWith(
    client.payOnetime({
      merchantUid: 'order-a',
      amount: 1000,
      card: new Card({ cardNumber: '4000-0000-0000-0069', expiry: '2030-12' }),
    }),
    'ApiError',
    { apiCode: -1, httpStatus: 200, message: '카드정보 인증에 실패하였습니다. [F113]본인의 신용카드 확인중 오류가 발생하였습니다.' },
  )
  assert.ok(api.stack.includes('ApiError'))
})

test('DUPLICATE_ORDER names the order; ALREADY_CANCELLED and RATE_LIMITED are ApiErrors', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client({ maxRetries: 0 })
  await client.issueBillingKey({ customerUid: 'c-new', card: card() })
  const paid = await client.payAgain({ customerUid: 'c-new', merchantUid: 'o-new', amount: 1000 })
  await rejectsWith(client.payAgain({ customerUid: 'c-new', merchantUid: 'o-new', amount: 1000 }), 'DuplicateOrderError', {
    merchantUid: 'o-new',
  })
  await client.cancelPayment({ impUid: paid.impUid })
  const cancelled = await rejectsWith(client.cancelPayment({ impUid: paid.impUid }), 'AlreadyCancelledError', {
    apiCode: 1,
    httpStatus: 200,
  })
  assert.ok(cancelled instanceof pkg.ApiError)
  sandbox.setFaults([
    {
      route: 'POST /subscribe/payments/again',
      probability: 1,
      fault: { type: 'too_many_requests', retry_after_secs: 2 },
    },
  ])
  const limited = await rejectsWith(
    client.payAgain({ customerUid: 'c-new', merchantUid: 'o-429', amount: 1000 }),
    'RateLimitedError',
    { httpStatus: 429, retryAfterMs: 2000 },
  )
  assert.ok(limited instanceof pkg.ApiError)
  assert.ok(!sandbox.ledger().some((p) => p.merchantUid === 'o-429'))
})

test('NETWORK: nothing listens at the address', async () => {
  const port = await closedPort()
  const client = new Client({ impKey: 'k', impSecret: 's', baseUrl: `http://127.0.0.1:${port}` })
  const e = await rejectsWith(client.getPayment('imps_1'), 'NetworkError', { mayHaveReachedServer: false })
  assert.equal(typeof e.message, 'string')
})

test('TIMEOUT: the sandbox answers later than timeoutMs', async (t) => {
  const sandbox = await sandboxFor(t, { responseDelayMs: 2000 })
  const client = sandbox.client({ timeoutMs: 200 })
  const e = await rejectsWith(client.getPayment('imps_1'), 'TimeoutError')
  assert.equal(e.mayHaveReachedServer, true)
})

test('a Rust panic becomes an exception or a rejection; the process lives on', async (t) => {
  const path = require('node:path')
  const native = require(path.join(packageDir, 'native.js'))
  // The panics are expected: keep the hook's backtraces out of the test output.
  process.env.RUST_BACKTRACE = '0'
  assert.throws(() => native.panicForTesting(false), /panic_for_testing \(synchronous\)/)
  await assert.rejects(native.panicForTesting(true), /panic_for_testing \(asynchronous\)/)
  // Still serving: a whole call after both panics.
  const sandbox = await sandboxFor(t)
  await sandbox.client().checkCredentials()
})
