'use strict'
// A client built with a token provider (an async function of the app) instead of a key and
// secret. The provider stands in for the merchant's backend: it asks the sandbox's
// POST /users/getToken over HTTP, as a real backend asks the API, and hands out token and expiry.

const test = require('node:test')
const assert = require('node:assert/strict')
const { pkg, sandboxFor } = require('./helpers.js')

const { Client, Card } = pkg

/** The merchant's backend: holds the secret, fetches tokens, counts how often it was asked. */
function backend(sandbox) {
  const provider = async () => {
    provider.calls += 1
    const answer = await fetch(`${sandbox.url.replace(/\/$/, '')}/users/getToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ imp_key: sandbox.impKey, imp_secret: sandbox.impSecret }),
    })
    const { response } = await answer.json()
    return { accessToken: response.access_token, expiredAt: response.expired_at, now: new Date(response.now * 1000) }
  }
  provider.calls = 0
  return provider
}

test('a hundred concurrent calls ask the provider once', async (t) => {
  const sandbox = await sandboxFor(t)
  const tokenProvider = backend(sandbox)
  const client = new Client({ tokenProvider, baseUrl: sandbox.url })
  const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => client.getBillingKey(`cust_${i}`)))
  assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof pkg.NotFoundError))
  assert.equal(tokenProvider.calls, 1)
  assert.equal(sandbox.requestCounts()['POST /users/getToken'], 1)
})

test('a refused token asks the provider once more and the call goes through', async (t) => {
  const sandbox = await sandboxFor(t)
  const tokenProvider = backend(sandbox)
  const client = new Client({ tokenProvider, baseUrl: sandbox.url })
  await client.checkCredentials()
  sandbox.revokeTokens()
  const before = sandbox.totalRequests()
  await assert.rejects(client.getBillingKey('cust_x'), pkg.NotFoundError)
  assert.equal(tokenProvider.calls, 2)
  // The 401, the backend's getToken, the retry.
  assert.equal(sandbox.totalRequests() - before, 3)
})

test('a charge, a decline and a refund with the provided token', async (t) => {
  const sandbox = await sandboxFor(t)
  const tokenProvider = backend(sandbox)
  const client = new Client({ tokenProvider, baseUrl: sandbox.url, maxRetries: 0 })
  const paid = await client.payOnetime({
    merchantUid: 'order-provider-js-1',
    amount: 9900,
    card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12' }),
  })
  assert.equal(paid.status, 'paid')
  await assert.rejects(
    client.payOnetime({
      merchantUid: 'order-provider-js-2',
      amount: 9900,
      card: new Card({ cardNumber: '4000-0000-0000-0002', expiry: '2030-12' }),
    }),
    pkg.CardDeclinedError,
  )
  const refunded = await client.cancelPayment({ impUid: paid.impUid })
  assert.equal(refunded.status, 'cancelled')
  assert.equal(tokenProvider.calls, 1)
})

test('a failing provider is AuthenticationError and its text carries no token', async (t) => {
  const sandbox = await sandboxFor(t)
  const token = '4f1c2a9e8b7d6c5a4f1c2a9e8b7d6c5a4f1c2a9e'
  const providers = [
    async () => {
      throw new Error(`backend answered 500: {"stale":"${token}"}`)
    },
    () => {
      throw new Error(`session expired; last token ${token}`)
    },
    // eslint-disable-next-line prefer-promise-reject-errors
    () => Promise.reject(`not an Error: ${token}`),
  ]
  for (const tokenProvider of providers) {
    const client = new Client({ tokenProvider, baseUrl: sandbox.url })
    const e = await client.checkCredentials().then(
      () => assert.fail('resolved'),
      (e) => e,
    )
    assert.ok(e instanceof pkg.AuthenticationError, String(e))
    for (const shown of [e.message, String(e), JSON.stringify(e), e.stack]) {
      assert.ok(!shown.includes(token), shown)
    }
    assert.match(e.message, /the token provider failed/)
  }
  assert.equal(sandbox.totalRequests(), 0)
})

test('what a provider returns is checked before anything is sent', async (t) => {
  const sandbox = await sandboxFor(t)
  const later = Math.floor(Date.now() / 1000) + 3600
  for (const [returned, expected] of [
    [undefined, /must return \{ accessToken, expiredAt \}/],
    [{ accessToken: 42, expiredAt: later }, /accessToken must be a string/],
    [{ accessToken: 'a'.repeat(40), expiredAt: '2030-01-01' }, /expiredAt must be unix seconds or a Date/],
    [{ accessToken: 'a'.repeat(40), expiredAt: later + 0.5 }, /expiredAt must be a whole number/],
    [{ accessToken: 'a'.repeat(40), expiredAt: later * 1000 }, /not milliseconds/],
    [{ accessToken: 'a'.repeat(40), expiredAt: new Date(0) }, /already expired/],
    [{ accessToken: '', expiredAt: later }, /empty access token/],
  ]) {
    const client = new Client({ tokenProvider: async () => returned, baseUrl: sandbox.url })
    await assert.rejects(client.getBillingKey('cust_x'), (e) => {
      assert.ok(e instanceof pkg.AuthenticationError, String(e))
      assert.match(e.message, expected)
      return true
    })
  }
  assert.equal(sandbox.totalRequests(), 0)
})

test('a provider with a key or secret, or one that is not a function, is refused', async (t) => {
  const sandbox = await sandboxFor(t)
  const tokenProvider = backend(sandbox)
  assert.throws(
    () => new Client({ tokenProvider, impKey: 'k', impSecret: 's', baseUrl: sandbox.url }),
    (e) => e instanceof pkg.InvalidRequestError && e.field === 'tokenProvider',
  )
  assert.throws(
    () => new Client({ tokenProvider: 'token', baseUrl: sandbox.url }),
    (e) => e instanceof pkg.InvalidRequestError && e.field === 'tokenProvider',
  )
  assert.equal(tokenProvider.calls, 0)
})
