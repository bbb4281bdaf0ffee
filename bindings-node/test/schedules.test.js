'use strict'
// Schedules, paged listings, multi-lookups and webhooks beyond what the scenario files cover:
// `Date` and unix-second inputs, the laziness of the async iterators (counted in sandbox
// requests), forged and unparseable webhooks, and the sandbox's webhook delivery.

const test = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')
const { pkg, sandboxFor } = require('./helpers.js')

const { Card } = pkg

const GOOD = { cardNumber: '4111-1111-1111-1111', expiry: '2030-12' }
const DECLINES = { cardNumber: '4000-0000-0000-0002', expiry: '2030-12' }

const SCHEDULE_LIST = 'GET /subscribe/payments/schedule'
const CUSTOMER_SCHEDULES = 'GET /subscribe/payments/schedule/customers/{customer_uid}'
const CUSTOMER_PAYMENTS = 'GET /subscribe/customers/{customer_uid}/payments'

/** Unix seconds of the sandbox clock. */
function nowOf(sandbox) {
  return Math.floor(sandbox.now().getTime() / 1000)
}

/** `n` charges, `step` seconds apart, from an hour after the sandbox's now. */
function charges(sandbox, prefix, n, step = 60) {
  const start = nowOf(sandbox) + 3600
  return Array.from({ length: n }, (_, i) => ({
    merchantUid: `${prefix}-${i}`,
    scheduleAt: start + i * step,
    amount: 1000,
  }))
}

async function rejectsWith(promise, Class, field) {
  let error
  await assert.rejects(promise, (e) => {
    error = e
    return true
  })
  assert.ok(error instanceof Class, `expected ${Class.name}, got ${error?.stack}`)
  if (field !== undefined) assert.equal(error.field, field, error.message)
  return error
}

/** A webhook receiver on 127.0.0.1:0 recording content type and body, answering 200. */
async function receiver(t) {
  const received = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      received.push({ contentType: req.headers['content-type'], body: Buffer.concat(chunks) })
      res.writeHead(200).end('OK')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(() => resolve()))
  })
  return { url: `http://127.0.0.1:${server.address().port}/hook`, received }
}

test('schedule takes Date or unix seconds and answers Schedules with Dates', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const now = nowOf(sandbox)
  const at = new Date((now + 7200) * 1000 + 999)
  const made = await client.schedule({
    customerUid: 'cust-s1',
    card: new Card(GOOD),
    pg: 'nice',
    schedules: [
      { merchantUid: 's1-a', scheduleAt: at, amount: 9900, name: 'Plan', buyer: { name: 'Kim' }, customData: '{"k":1}' },
      { merchantUid: 's1-b', scheduleAt: now + 10800, amount: 12.5, currency: 'USD' },
    ],
  })
  assert.equal(made.length, 2)
  const [a, b] = made
  // A Date counts in whole seconds, rounded down.
  assert.equal(a.scheduleAt.getTime(), (now + 7200) * 1000)
  assert.equal(b.scheduleAt.getTime(), (now + 10800) * 1000)
  assert.deepEqual(
    { status: a.scheduleStatus, payment: a.paymentStatus, executed: a.executedAt, revoked: a.revokedAt },
    { status: 'scheduled', payment: null, executed: null, revoked: null },
  )
  assert.equal(a.amount, 9900)
  assert.equal(b.amount, 12.5)
  assert.equal(a.buyerName, 'Kim')
  assert.equal(a.customData, '{"k":1}')
  assert.equal(a.customerUid, 'cust-s1')
  // The card given issued the billing key.
  assert.equal((await client.getBillingKey('cust-s1')).cardNumber, '411111******1111')

  const moved = await client.updateSchedule('s1-a', new Date((now + 9000) * 1000))
  assert.equal(moved.scheduleAt.getTime(), (now + 9000) * 1000)
  assert.equal((await client.getSchedule('s1-a')).scheduleAt.getTime(), (now + 9000) * 1000)

  const revoked = await client.unschedule(['s1-b'], { customerUid: 'cust-s1' })
  assert.equal(revoked.length, 1)
  assert.equal(revoked[0].scheduleStatus, 'revoked')
  assert.ok(revoked[0].revokedAt instanceof Date)
  const again = await client.reschedule('s1-b', now + 20000)
  assert.equal(again.scheduleStatus, 'scheduled')
  assert.equal(again.scheduleAt.getTime(), (now + 20000) * 1000)

  const all = await client.unscheduleAll('cust-s1')
  assert.deepEqual(all.map((s) => s.scheduleStatus), ['revoked', 'revoked'])
})

test('a declined scheduled charge: retrySchedule rejects with CardDeclinedError, then pays', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  await client.issueBillingKey({ customerUid: 'cust-r', card: new Card(DECLINES) })
  await client.schedule({ customerUid: 'cust-r', schedules: charges(sandbox, 'r', 1) })
  await sandbox.advanceClock(3600)
  const failed = await client.getSchedule('r-0')
  assert.equal(failed.scheduleStatus, 'executed')
  assert.equal(failed.paymentStatus, 'failed')
  assert.equal(typeof failed.failReason, 'string')
  assert.ok(failed.executedAt instanceof Date)

  const declined = await rejectsWith(client.retrySchedule('r-0'), pkg.CardDeclinedError)
  assert.equal(declined.code, 'CARD_DECLINED')
  assert.equal(declined.payment.status, 'failed')
  assert.equal(declined.payment.merchantUid, 'r-0')

  await client.issueBillingKey({ customerUid: 'cust-r', card: new Card(GOOD) })
  const paid = await client.retrySchedule('r-0')
  assert.equal(paid.status, 'paid')
  assert.equal(paid.merchantUid, 'r-0')
  assert.ok(paid.paidAt instanceof Date)
})

test('listings fetch a page only when the previous one has been read', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  await client.issueBillingKey({ customerUid: 'cust-p', card: new Card(GOOD) })
  // 45 schedules: 3 pages of a customer's schedules (20 a page), 1 page of all (1000 a page).
  await client.schedule({ customerUid: 'cust-p', schedules: charges(sandbox, 'p', 45) })
  const now = nowOf(sandbox)
  const window = { from: new Date(now * 1000), to: now + 86400 }
  const count = (route) => sandbox.requestCounts()[route] ?? 0

  // Making the iterator sends nothing.
  const byCustomer = client.listSchedulesByCustomer('cust-p', window)
  assert.equal(count(CUSTOMER_SCHEDULES), 0)
  // The first item costs one page.
  const first = await byCustomer.next()
  assert.equal(first.done, false)
  assert.equal(count(CUSTOMER_SCHEDULES), 1)
  // The rest of the first page comes from memory.
  for (let i = 1; i < 20; i += 1) assert.equal((await byCustomer.next()).done, false)
  assert.equal(count(CUSTOMER_SCHEDULES), 1)
  // The 21st item costs the second page.
  assert.equal((await byCustomer.next()).done, false)
  assert.equal(count(CUSTOMER_SCHEDULES), 2)
  // Leaving early fetches nothing more.
  await byCustomer.return()
  assert.equal((await byCustomer.next()).done, true)
  assert.equal(count(CUSTOMER_SCHEDULES), 2)

  // A `for await` taking one item and breaking costs one page.
  for await (const schedule of client.listSchedulesByCustomer('cust-p', window)) {
    assert.equal(schedule.customerUid, 'cust-p')
    break
  }
  assert.equal(count(CUSTOMER_SCHEDULES), 3)
  // Reading everything: 3 pages, each schedule once; no request after the last page.
  const before = count(CUSTOMER_SCHEDULES)
  const seen = []
  for await (const schedule of client.listSchedulesByCustomer('cust-p', window)) seen.push(schedule.merchantUid)
  assert.equal(seen.length, 45)
  assert.equal(new Set(seen).size, 45)
  assert.equal(count(CUSTOMER_SCHEDULES) - before, 3)

  const allPages = client.listSchedules({ ...window, status: 'scheduled' })
  assert.equal(count(SCHEDULE_LIST), 0)
  const firstOfAll = await allPages.next()
  assert.equal(firstOfAll.value.scheduleStatus, 'scheduled')
  assert.equal(count(SCHEDULE_LIST), 1)
  let rest = 0
  for await (const _ of allPages) rest += 1
  assert.equal(rest, 44)
  assert.equal(count(SCHEDULE_LIST), 1)
  let revoked = 0
  for await (const _ of client.listSchedules({ ...window, status: 'revoked' })) revoked += 1
  assert.equal(revoked, 0)

  // Payments of a billing key: 20 a page.
  for (let i = 0; i < 21; i += 1) {
    await client.payAgain({ customerUid: 'cust-p', merchantUid: `pay-${i}`, amount: 1000 })
  }
  const payments = client.listCustomerPayments('cust-p')
  assert.equal(count(CUSTOMER_PAYMENTS), 0)
  const newest = await payments.next()
  assert.equal(newest.value.customerUid, 'cust-p')
  assert.equal(count(CUSTOMER_PAYMENTS), 1)
  const paid = [newest.value.impUid]
  for await (const payment of payments) paid.push(payment.impUid)
  assert.equal(paid.length, 21)
  assert.equal(new Set(paid).size, 21)
  assert.equal(count(CUSTOMER_PAYMENTS), 2)
})

test('a listing refused by validation rejects on its first item, and nothing is sent', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const cases = [
    [() => client.listSchedules(), 'from'],
    [() => client.listSchedules({ to: 10 }), 'from'],
    [() => client.listSchedules({ from: 1, to: '2030-01-01' }), 'to'],
    [() => client.listSchedules({ from: 1.5, to: 10 }), 'from'],
    [() => client.listSchedules({ from: new Date(NaN), to: 10 }), 'from'],
    [() => client.listSchedules({ from: Date.now(), to: Date.now() + 1 }), 'from'],
    [() => client.listSchedules({ from: 1, to: 10, status: 3 }), 'status'],
    [() => client.listSchedules({ from: 1, to: 10, stauts: 'revoked' }), 'stauts'],
    [() => client.listSchedulesByCustomer('', { from: 1, to: 10 }), 'customerUid'],
    [() => client.listSchedulesByCustomer(7, { from: 1, to: 10 }), 'customerUid'],
    [() => client.listCustomerPayments(undefined), 'customerUid'],
  ]
  for (const [make, field] of cases) {
    const iterator = make()
    await rejectsWith(iterator.next(), pkg.InvalidRequestError, field)
    // The iterator is finished after its error.
    assert.deepEqual(await iterator.next(), { value: undefined, done: true })
  }
  assert.equal(sandbox.totalRequests(), 0)
})

test('schedule, unschedule and lookups by several ids refuse bad input naming the field', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const entry = { merchantUid: 'v-1', scheduleAt: 1_900_000_000, amount: 1000 }
  const request = { customerUid: 'cust-v', schedules: [entry] }
  const scheduleCases = [
    [{ ...request, schedules: [] }, 'schedules'],
    [{ ...request, schedules: entry }, 'schedules'],
    [{ ...request, schedules: ['v-1'] }, 'schedules'],
    [{ ...request, schedules: [{ ...entry, scheduleAt: '2030-01-01' }] }, 'scheduleAt'],
    [{ ...request, schedules: [{ ...entry, scheduleAt: 1.5 }] }, 'scheduleAt'],
    [{ ...request, schedules: [{ ...entry, scheduleAt: Date.now() }] }, 'scheduleAt'],
    [{ ...request, schedules: [{ ...entry, scheduleAt: new Date(NaN) }] }, 'scheduleAt'],
    [{ ...request, schedules: [{ ...entry, scheduleAt: 0 }] }, 'scheduleAt'],
    [{ ...request, schedules: [{ ...entry, scheduleAt: undefined }] }, 'scheduleAt'],
    [{ ...request, schedules: [{ ...entry, amount: 10.5 }] }, 'amount'],
    [{ ...request, schedules: [{ ...entry, amount: '1000' }] }, 'amount'],
    [{ ...request, schedules: [entry, entry] }, 'merchantUid'],
    [{ ...request, schedules: [entry, { ...entry, merchantUid: 'v-2', scheduleAT: 1 }] }, 'schedules[1].scheduleAT'],
    [{ ...request, schedules: [{ ...entry, buyer: { name: 1 } }] }, 'buyerName'],
    [{ ...request, card: GOOD }, 'card'],
    [{ ...request, card: new Card({ ...GOOD, expiry: '2030/12' }) }, 'expiry'],
    [{ ...request, checkingAmount: NaN }, 'checkingAmount'],
    [{ ...request, customerUid: '' }, 'customerUid'],
    [{ ...request, customerUID: 'x' }, 'customerUID'],
    ['cust-v', 'request'],
  ]
  for (const [bad, field] of scheduleCases) {
    await rejectsWith(client.schedule(bad), pkg.InvalidRequestError, field)
  }
  await rejectsWith(client.unschedule([]), pkg.InvalidRequestError, 'merchantUids')
  await rejectsWith(client.unschedule([], { customerUid: 'cust-v' }), pkg.InvalidRequestError, 'merchantUids')
  await rejectsWith(client.unschedule('v-1'), pkg.InvalidRequestError, 'merchantUids')
  await rejectsWith(client.unschedule(), pkg.InvalidRequestError, 'merchantUids')
  await rejectsWith(client.unschedule(['v-1', 2]), pkg.InvalidRequestError, 'merchantUids[1]')
  await rejectsWith(client.unschedule(['v-1'], { customerUid: 5 }), pkg.InvalidRequestError, 'customerUid')
  await rejectsWith(client.unschedule(['v-1'], { customer: 'x' }), pkg.InvalidRequestError, 'customer')
  await rejectsWith(client.unscheduleAll(''), pkg.InvalidRequestError, 'customerUid')
  await rejectsWith(client.getSchedule(), pkg.InvalidRequestError, 'merchantUid')
  await rejectsWith(client.updateSchedule('v-1'), pkg.InvalidRequestError, 'scheduleAt')
  await rejectsWith(client.updateSchedule('v-1', '2030-01-01'), pkg.InvalidRequestError, 'scheduleAt')
  await rejectsWith(client.reschedule('', 1_900_000_000), pkg.InvalidRequestError, 'merchantUid')
  await rejectsWith(client.reschedule('v-1', 1e15), pkg.InvalidRequestError, 'scheduleAt')
  await rejectsWith(client.retrySchedule(1), pkg.InvalidRequestError, 'merchantUid')
  await rejectsWith(client.getBillingKeys('cust-v'), pkg.InvalidRequestError, 'customerUids')
  await rejectsWith(client.getBillingKeys(['cust-v', null]), pkg.InvalidRequestError, 'customerUids[1]')
  await rejectsWith(client.getBillingKeys(['']), pkg.InvalidRequestError, 'customerUid')
  await rejectsWith(client.getPayments(), pkg.InvalidRequestError, 'impUids')
  const many = Array.from({ length: 101 }, (_, i) => `imps_${i}`)
  await rejectsWith(client.getPayments(many), pkg.InvalidRequestError, 'impUids')
  // Empty lookups answer empty, without a request.
  assert.deepEqual(await client.getBillingKeys([]), { found: [], missing: [] })
  assert.deepEqual(await client.getPayments([]), { found: [], missing: [] })
  assert.equal(sandbox.totalRequests(), 0, 'a refused request reached the sandbox')
})

test('getBillingKeys and getPayments report what was found and what is missing', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  await client.issueBillingKey({ customerUid: 'cust-f1', card: new Card(GOOD) })
  const keys = await client.getBillingKeys(['cust-f1', 'cust-none'])
  assert.deepEqual(keys.found.map((k) => k.customerUid), ['cust-f1'])
  assert.deepEqual(keys.missing, ['cust-none'])
  assert.ok(keys.found[0].inserted instanceof Date)
  const paid = await client.payAgain({ customerUid: 'cust-f1', merchantUid: 'f-1', amount: 1000 })
  const payments = await client.getPayments([paid.impUid, 'imps_000000000009'])
  assert.deepEqual(payments.found.map((p) => p.impUid), [paid.impUid])
  assert.deepEqual(payments.missing, ['imps_000000000009'])
  assert.equal(payments.found[0].amount, 1000)
})

test('verifyWebhook trusts the API, never the body', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const paid = await client.payOnetime({ merchantUid: 'hook-1', amount: 3000, card: new Card(GOOD) })
  const json = (fields) => JSON.stringify(fields)
  const genuine = { imp_uid: paid.impUid, merchant_uid: 'hook-1', status: 'paid' }

  // The same webhook as a string, a Buffer, a Uint8Array, and a form.
  const bodies = [
    [json(genuine), 'application/json'],
    [Buffer.from(json(genuine)), 'application/json; charset=utf-8'],
    [new TextEncoder().encode(json(genuine)), 'application/json'],
    [new URLSearchParams(genuine).toString(), 'application/x-www-form-urlencoded'],
  ]
  for (const [body, contentType] of bodies) {
    const verified = await client.verifyWebhook(body, contentType)
    assert.equal(verified.reportedStatus, 'paid')
    assert.equal(verified.payment.impUid, paid.impUid)
    assert.equal(verified.payment.status, 'paid')
    assert.ok(verified.payment.paidAt instanceof Date)
  }

  // A webhook announcing a status the payment no longer has: the payment is what counts.
  await client.cancelPayment({ impUid: paid.impUid })
  const stale = await client.verifyWebhook(json(genuine), 'application/json')
  assert.equal(stale.reportedStatus, 'paid')
  assert.equal(stale.payment.status, 'cancelled')

  // Forged: another order's merchant_uid with a real imp_uid, or an imp_uid that does not exist.
  await rejectsWith(
    client.verifyWebhook(json({ ...genuine, merchant_uid: 'someone-else' }), 'application/json'),
    pkg.InvalidRequestError,
    'merchantUid',
  )
  await rejectsWith(
    client.verifyWebhook(json({ ...genuine, imp_uid: 'imps_000000000001' }), 'application/json'),
    pkg.NotFoundError,
  )

  // Unparseable or incomplete bodies, and wrong types: refused before anything is sent.
  const before = sandbox.totalRequests()
  const refused = [
    ['{"imp_uid": 12', 'application/json', 'body'],
    ['[1, 2]', 'application/json', 'body'],
    ['', 'application/json', 'body'],
    [json({ merchant_uid: 'hook-1', status: 'paid' }), 'application/json', 'impUid'],
    [json({ imp_uid: paid.impUid, status: 'paid' }), 'application/json', 'merchantUid'],
    [json({ imp_uid: paid.impUid, merchant_uid: 'hook-1' }), 'application/json', 'status'],
    [json({ ...genuine, imp_uid: 7 }), 'application/json', 'impUid'],
    ['merchant_uid=hook-1&status=paid', 'application/x-www-form-urlencoded', 'impUid'],
    [`imp_uid=${paid.impUid}`, 'text/plain', 'contentType'],
    [json(genuine), undefined, 'contentType'],
    [json(genuine), 3, 'contentType'],
    [undefined, 'application/json', 'body'],
    [{ ...genuine }, 'application/json', 'body'],
    [42, 'application/json', 'body'],
  ]
  for (const [body, contentType, field] of refused) {
    const e = await rejectsWith(client.verifyWebhook(body, contentType), pkg.InvalidRequestError, field)
    assert.equal(e.code, 'INVALID_REQUEST')
  }
  assert.equal(sandbox.totalRequests(), before, 'an unparseable webhook was looked up')
})

test('an approved payOnetime / payAgain is notified, a declined one is not; settle waits for it', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const hooks = await receiver(t)
  sandbox.setWebhookUrl(hooks.url)
  const paid = await client.payOnetime({ merchantUid: 'ap-1', amount: 3000, card: new Card(GOOD) })
  await client.issueBillingKey({ customerUid: 'ap-c', card: new Card(GOOD) })
  const again = await client.payAgain({ customerUid: 'ap-c', merchantUid: 'ap-2', amount: 9900 })
  // A decline is an ordinary payment failure: no webhook.
  await client.issueBillingKey({ customerUid: 'ap-d', card: new Card(DECLINES) })
  await rejectsWith(client.payAgain({ customerUid: 'ap-d', merchantUid: 'ap-3', amount: 1000 }), pkg.CardDeclinedError)
  await sandbox.settle()

  const deliveries = sandbox.webhookDeliveries()
  assert.deepEqual(
    deliveries.map((d) => JSON.parse(d.body)),
    [
      { imp_uid: paid.impUid, merchant_uid: 'ap-1', status: 'paid' },
      { imp_uid: again.impUid, merchant_uid: 'ap-2', status: 'paid' },
    ],
  )
  assert.deepEqual(
    deliveries.map((d) => [d.url, d.status, d.attempt, d.error, d.contentType]),
    [
      [hooks.url, 200, 1, null, 'application/json'],
      [hooks.url, 200, 1, null, 'application/json'],
    ],
  )
  assert.deepEqual(
    hooks.received.map((h) => h.body.toString()),
    deliveries.map((d) => d.body),
  )
  const verified = []
  for (const { body, contentType } of hooks.received) verified.push(await client.verifyWebhook(body, contentType))
  assert.deepEqual(
    verified.map((v) => [v.payment.merchantUid, v.reportedStatus, v.payment.status]),
    [
      ['ap-1', 'paid', 'paid'],
      ['ap-2', 'paid', 'paid'],
    ],
  )
})

test('advanceClock resolves once due schedules ran and their webhooks were delivered', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const hooks = await receiver(t)
  assert.deepEqual(sandbox.webhookDeliveries(), [])
  sandbox.setWebhookUrl(hooks.url)
  await client.issueBillingKey({ customerUid: 'cust-w', card: new Card(GOOD) })
  const start = sandbox.now().getTime()
  const realStart = Date.now()
  await client.schedule({ customerUid: 'cust-w', schedules: charges(sandbox, 'w', 3, 600) })

  await sandbox.advanceClock(3600 + 600)
  // The sandbox clock is the real one plus the offset: it moved 4200 s, plus the whole seconds
  // that really passed meanwhile (a loaded machine can cross a second boundary here).
  const moved = sandbox.now().getTime() - start
  const real = Math.ceil((Date.now() - realStart) / 1000) * 1000
  assert.ok(moved >= 4200 * 1000 && moved <= 4200 * 1000 + real, `moved ${moved} ms`)
  // Two were due: both ran, and both webhooks reached the receiver before the promise resolved.
  assert.equal(hooks.received.length, 2)
  const deliveries = sandbox.webhookDeliveries()
  assert.deepEqual(
    deliveries.map((d) => [d.url, d.status, d.attempt, d.error, d.contentType]),
    [
      [hooks.url, 200, 1, null, 'application/json'],
      [hooks.url, 200, 1, null, 'application/json'],
    ],
  )
  assert.ok(deliveries.every((d) => d.at instanceof Date))
  const verified = []
  for (const { body, contentType } of hooks.received) verified.push(await client.verifyWebhook(body, contentType))
  assert.deepEqual(
    verified.map((v) => [v.payment.merchantUid, v.reportedStatus, v.payment.customerUidUsage]),
    [
      ['w-0', 'paid', 'payment.scheduled'],
      ['w-1', 'paid', 'payment.scheduled'],
    ],
  )
  assert.equal(deliveries[0].body, hooks.received[0].body.toString())

  // Without a webhook URL the third charge runs, and nothing is sent.
  sandbox.setWebhookUrl(null)
  await sandbox.advanceClock(600)
  assert.equal((await client.getSchedule('w-2')).paymentStatus, 'paid')
  assert.equal(hooks.received.length, 2)
  assert.equal(sandbox.webhookDeliveries().length, 2)

  assert.throws(() => sandbox.setWebhookUrl(5), TypeError)
  assert.throws(() => sandbox.setWebhookUrl(), TypeError)
  await assert.rejects(sandbox.advanceClock(-1), RangeError)
  await assert.rejects(sandbox.advanceClock(1.5), RangeError)
})
