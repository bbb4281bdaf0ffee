'use strict'
// console.log / util.inspect / JSON.stringify / String() of every object the package hands out or
// takes (cards, requests, clients, sandboxes, results, errors) show no card data and no secret.

const test = require('node:test')
const assert = require('node:assert/strict')
const util = require('node:util')
const { pkg, sandboxFor, closedPort } = require('./helpers.js')

const { Card, Client } = pkg

const CARD = {
  cardNumber: '4111-1111-1111-1111',
  expiry: '2031-07',
  birth: '820213',
  pwd2digit: '47',
  cvc: '913',
}
const DECLINED = { ...CARD, cardNumber: '4000-0000-0000-0002' }
const AUTH_FAIL = { ...CARD, cardNumber: '4000-0000-0000-0069' }
const IMP_SECRET = 'imp-secret-never-printed-5c1d'
const WRONG_SECRET = 'wrong-secret-never-printed-93ab'

// Long values must not appear anywhere; short ones not as a quoted value (bare, they could be
// digits of an id or a timestamp).
const forbidden = [
  ...[CARD, DECLINED, AUTH_FAIL].flatMap((c) => [c.cardNumber, c.cardNumber.replace(/-/g, '')]),
  CARD.expiry,
  IMP_SECRET,
  WRONG_SECRET,
]
const forbiddenQuoted = [CARD.birth, CARD.pwd2digit, CARD.cvc, CARD.expiry.replace('-', '')]
// Access tokens of the sandbox are 40 hex digits.
const token = /\b[0-9a-f]{40}\b/

function renderings(value) {
  const out = [
    util.inspect(value),
    util.inspect(value, { depth: Infinity, showHidden: true }),
    util.inspect(value, { depth: Infinity, customInspect: false, showHidden: true }),
    util.format('%s %o %O %j', value, value, value, value),
    String(value),
  ]
  try {
    out.push(JSON.stringify(value))
  } catch {
    // A value JSON cannot hold (a bigint) is not ours.
  }
  if (value instanceof Error) out.push(value.stack, value.message)
  return out
}

function assertClean(label, value) {
  for (const text of renderings(value)) {
    for (const secret of forbidden) {
      assert.ok(!text.includes(secret), `${label} shows ${secret}:\n${text}`)
    }
    for (const secret of forbiddenQuoted) {
      for (const quoted of [`'${secret}'`, `"${secret}"`, `: ${secret}`]) {
        assert.ok(!text.includes(quoted), `${label} shows ${quoted}:\n${text}`)
      }
    }
    assert.doesNotMatch(text, token, `${label} shows an access token:\n${text}`)
  }
}

async function caught(promise) {
  try {
    await promise
  } catch (e) {
    return e
  }
  assert.fail('expected an error')
}

test('no card data or secret in any rendering of cards, requests, clients, results and errors', async (t) => {
  const sandbox = await sandboxFor(t, { impKey: 'redaction_key', impSecret: IMP_SECRET })
  const client = sandbox.client()
  const seen = []
  const check = (label, value) => {
    seen.push(label)
    assertClean(label, value)
  }

  const card = new Card(CARD)
  check('card', card)
  assert.equal(card.last4, '1111')
  assert.deepEqual(card.toJSON(), {
    cardNumber: '****-****-****-1111',
    expiry: '****-**',
    birth: '******',
    pwd2digit: '**',
    cvc: '***',
  })
  assert.deepEqual(Object.keys(card), [])

  const onetime = { merchantUid: 'red-1', amount: 3000, card, customerUid: 'cust-red', buyer: { name: 'Kim' } }
  check('pay_onetime request', onetime)
  const issue = { customerUid: 'cust-red-2', card: new Card(DECLINED), pg: 'nice' }
  check('issue_billing_key request', issue)
  check('client', client)
  check('client from options', new Client({ impKey: 'k', impSecret: IMP_SECRET, baseUrl: sandbox.url }))
  check('sandbox', sandbox)

  const payment = await client.payOnetime(onetime)
  check('payment', payment)
  check('billing key', await client.getBillingKey('cust-red'))
  check('issued billing key', await client.issueBillingKey(issue))
  const again = { customerUid: 'cust-red', merchantUid: 'red-2', amount: 9900 }
  check('pay_again request', again)
  check('repeat payment', await client.payAgain(again))
  check('payment list', await client.findAllPayments('red-1'))
  check('found payment', await client.findPayment('red-1'))
  check('refund', await client.cancelPayment({ impUid: payment.impUid, reason: 'test' }))
  check('ledger', sandbox.ledger())
  check('request counts', sandbox.requestCounts())

  check('InvalidRequestError (bad cvc)', await caught(client.payOnetime({ ...onetime, card: new Card({ ...CARD, cvc: '12' }) })))
  check('InvalidRequestError (card number)', await caught(client.payOnetime({ ...onetime, card: new Card({ ...CARD, cardNumber: '4111-1111-1111-111x' }) })))
  check('InvalidRequestError (plain card)', await caught(client.payOnetime({ ...onetime, card: CARD })))
  let cardError
  try {
    new Card({ ...CARD, cvc: 913 })
  } catch (e) {
    cardError = e
  }
  check('InvalidRequestError (Card)', cardError)
  check('CardDeclinedError', await caught(client.payAgain({ customerUid: 'cust-red-2', merchantUid: 'red-3', amount: 9900 })))
  check('ApiError', await caught(client.payOnetime({ ...onetime, merchantUid: 'red-4', card: new Card(AUTH_FAIL) })))
  check('DuplicateOrderError', await caught(client.payOnetime(onetime)))
  check('NotFoundError', await caught(client.getBillingKey('nobody')))
  const wrong = new Client({ impKey: 'redaction_key', impSecret: WRONG_SECRET, baseUrl: sandbox.url })
  check('client with the wrong secret', wrong)
  check('AuthenticationError', await caught(wrong.getPayment('imps_1')))
  let settingsError
  try {
    new Client({ impKey: 'k', impSecret: IMP_SECRET, baseUrl: 'http://example.com' })
  } catch (e) {
    settingsError = e
  }
  check('InvalidRequestError (settings)', settingsError)
  const unreachable = new Client({ impKey: 'k', impSecret: IMP_SECRET, baseUrl: `http://127.0.0.1:${await closedPort()}` })
  check('NetworkError', await caught(unreachable.payOnetime(onetime)))
  sandbox.setResponseDelay(1000)
  const slow = sandbox.client({ timeoutMs: 100 })
  check('TimeoutError', await caught(slow.payOnetime({ ...onetime, merchantUid: 'red-5' })))
  sandbox.setResponseDelay(0)

  // Schedules, listings, lookups by several ids, webhooks.
  const scheduleRequest = {
    customerUid: 'cust-red-3',
    card: new Card(CARD),
    schedules: [{ merchantUid: 'red-s1', scheduleAt: sandbox.now(), amount: 9900, buyer: { name: 'Kim' } }],
  }
  scheduleRequest.schedules[0].scheduleAt = new Date(sandbox.now().getTime() + 3600 * 1000)
  check('schedule request', scheduleRequest)
  check('schedules', await client.schedule(scheduleRequest))
  check('schedule', await client.getSchedule('red-s1'))
  const from = sandbox.now()
  const to = new Date(from.getTime() + 86400 * 1000)
  check('schedule listing (iterator)', client.listSchedules({ from, to }))
  const listed = []
  for await (const s of client.listSchedules({ from, to })) listed.push(s)
  for await (const s of client.listSchedulesByCustomer('cust-red-3', { from, to })) listed.push(s)
  check('schedule listings', listed)
  const paymentsListed = []
  for await (const p of client.listCustomerPayments('cust-red')) paymentsListed.push(p)
  check('customer payments listing', paymentsListed)
  check('unscheduled', await client.unscheduleAll('cust-red-3'))
  check('billing keys found', await client.getBillingKeys(['cust-red', 'cust-red-3', 'nobody']))
  check('payments found', await client.getPayments([payment.impUid, 'imps_000000000009']))
  // A delivery that fails (nothing listens) records its error.
  sandbox.setWebhookUrl(`http://127.0.0.1:${await closedPort()}/hook`)
  await client.schedule({
    customerUid: 'cust-red-2',
    schedules: [{ merchantUid: 'red-s2', scheduleAt: new Date(sandbox.now().getTime() + 60 * 1000), amount: 9900 }],
  })
  await sandbox.advanceClock(3600)
  const deliveries = sandbox.webhookDeliveries()
  assert.ok(deliveries.length === 1 && deliveries.every((d) => d.error !== null), JSON.stringify(deliveries))
  check('webhook deliveries', deliveries)
  const webhook = JSON.stringify({ imp_uid: payment.impUid, merchant_uid: 'red-1', status: 'paid' })
  check('verified webhook', await client.verifyWebhook(webhook, 'application/json'))
  check('verified webhook (Buffer)', await client.verifyWebhook(Buffer.from(webhook), 'application/json'))
  check('InvalidRequestError (webhook body)', await caught(client.verifyWebhook('{"imp_uid": 1', 'application/json')))
  check('InvalidRequestError (webhook merchant_uid)', await caught(client.verifyWebhook(webhook.replace('red-1', 'red-x'), 'application/json')))
  check('NotFoundError (webhook)', await caught(client.verifyWebhook(webhook.replace(payment.impUid, 'imps_000000000001'), 'application/json')))
  check('CardDeclinedError (retrySchedule)', await caught(client.retrySchedule('red-s2')))
  check('InvalidRequestError (unschedule)', await caught(client.unschedule([])))
  check('InvalidRequestError (schedule card)', await caught(client.schedule({ ...scheduleRequest, card: new Card({ ...CARD, cvc: '12' }) })))
  check('InvalidRequestError (schedule plain card)', await caught(client.schedule({ ...scheduleRequest, card: CARD })))
  let listingError
  try {
    for await (const s of client.listSchedules({ from: 'yesterday', to })) listed.push(s)
  } catch (e) {
    listingError = e
  }
  check('InvalidRequestError (listing)', listingError)
  const codes = new Set(
    seen.filter((l) => l.endsWith('Error') || l.includes('Error (')).map((l) => l.split(' ')[0]),
  )
  for (const name of [
    'InvalidRequestError',
    'CardDeclinedError',
    'ApiError',
    'DuplicateOrderError',
    'NotFoundError',
    'AuthenticationError',
    'NetworkError',
    'TimeoutError',
  ]) {
    assert.ok(codes.has(name), `${name} was not checked`)
  }
})

test('a request logged by console.log shows the card masked', (t) => {
  const lines = []
  t.mock.method(console, 'log', (...args) => lines.push(util.format(...args)))
  const request = { customerUid: 'c1', card: new Card(CARD) }
  console.log('issuing', request)
  console.log('%j', request)
  assert.equal(lines.length, 2)
  for (const line of lines) {
    assert.ok(line.includes('****-****-****-1111'), line)
    assertClean('logged line', line)
  }
})
