'use strict'
// Values cross into Rust intact or are refused (issue 12 §2), and credentials in a base URL
// never show (issue 12 §4).

const test = require('node:test')
const assert = require('node:assert/strict')
const { inspect } = require('node:util')
const { pkg, sandboxFor } = require('./helpers.js')

const { Card, Client } = pkg

async function refused(promise, field) {
  let error
  await assert.rejects(promise, (e) => {
    error = e
    return true
  })
  assert.ok(error instanceof pkg.InvalidRequestError, String(error))
  assert.equal(error.field, field, error.message)
  assert.match(error.reason, /surrogate/)
}

test('a string with a lone UTF-16 surrogate is refused naming the field, before anything is sent', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const again = { customerUid: 'cross-1', merchantUid: 'order-ok', amount: 1000 }
  await refused(client.payAgain({ ...again, merchantUid: 'order-\uD800' }), 'merchantUid')
  await refused(client.payAgain({ ...again, merchantUid: 'order-\uDBFF' }), 'merchantUid')
  await refused(client.payAgain({ ...again, merchantUid: 'order-\uDC00x' }), 'merchantUid')
  await refused(client.payAgain({ ...again, buyer: { name: '\uD83D' } }), 'buyerName')
  await refused(client.payAgain({ ...again, extra: { naverUseCfm: '\uDFFF' } }), 'extra.naverUseCfm')
  await refused(client.unschedule(['ok', 'bad-\uD800']), 'merchantUids[1]')
  await refused(client.getPayment('imps_\uD800'), 'impUid')
  await refused(client.verifyWebhook('{}', 'application/json\uD800'), 'contentType')
  assert.throws(
    () => new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', birth: '\uD800' }),
    (e) => e instanceof pkg.InvalidRequestError && e.field === 'birth',
  )
  assert.equal(sandbox.totalRequests(), 0, 'a refused request reached the sandbox')
})

test('whole characters outside the BMP and a real U+FFFD cross intact', async (t) => {
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  await client.issueBillingKey({ customerUid: 'cross-2', card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12' }) })
  const name = 'plan \u{1F389} \uFFFD'
  const paid = await client.payAgain({ customerUid: 'cross-2', merchantUid: 'order-\u{1F389}', amount: 1000, name })
  assert.equal(paid.name, name)
  assert.equal(paid.merchantUid, 'order-\u{1F389}')
})

test('credentials in a base URL show nowhere', () => {
  const client = new Client({ impKey: 'k', impSecret: 's', baseUrl: 'https://shop:hunter2@api.example.com/v1' })
  const shown = [String(client.baseUrl), inspect(client), JSON.stringify(client), `${inspect({ client }, { depth: 5 })}`]
  for (const text of shown) {
    assert.doesNotMatch(text, /hunter2|shop:/, text)
    assert.match(text, /api\.example\.com/, text)
  }
  assert.equal(client.baseUrl, 'https://***@api.example.com/v1')
})
