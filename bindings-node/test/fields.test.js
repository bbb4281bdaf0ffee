'use strict'
// The readers in src/input.rs name every key by hand; this checks that each field the generated
// native.d.ts declares for an input type is one the reader knows (a key it does not know is
// refused as "is not a field of ...").

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { pkg, packageDir, sandboxFor } = require('./helpers.js')

const { Card, Client, Sandbox } = pkg

function interfaces() {
  const dts = fs.readFileSync(path.join(packageDir, 'native.d.ts'), 'utf8')
  const out = {}
  for (const [, name, body] of dts.matchAll(/export interface (\w+) \{\n([\s\S]*?)\n\}/g)) {
    out[name] = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1])
  }
  return out
}

const wrong = Symbol('wrong type')
const card = () => new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12' })

async function errorOf(fn) {
  try {
    await fn()
  } catch (e) {
    return e
  }
  return null
}

test('every declared input field is read, none is refused as unknown', async (t) => {
  const types = interfaces()
  const sandbox = await sandboxFor(t)
  const client = sandbox.client()
  const entry = { merchantUid: 'o', scheduleAt: 1_900_000_000, amount: 1 }
  const inputs = {
    PayAgainRequest: (key) =>
      client.payAgain({ customerUid: 'c', merchantUid: 'o', amount: 1, [key]: wrong }),
    PayOnetimeRequest: (key) => client.payOnetime({ merchantUid: 'o', amount: 1, card: card(), [key]: wrong }),
    IssueBillingKeyRequest: (key) => client.issueBillingKey({ customerUid: 'c', card: card(), [key]: wrong }),
    CancelPaymentRequest: (key) => client.cancelPayment({ impUid: 'i', [key]: wrong }),
    Buyer: (key) => client.payAgain({ customerUid: 'c', merchantUid: 'o', amount: 1, buyer: { [key]: wrong } }),
    CardDetails: (key) => new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', [key]: wrong }),
    ClientOptions: (key) => new Client({ impKey: 'k', impSecret: 's', [key]: wrong }),
    RequestOptions: (key) => client.withOptions({ [key]: wrong }),
    SandboxOptions: (key) => Sandbox.start({ [key]: wrong }),
    ScheduleRequest: (key) => client.schedule({ customerUid: 'c', schedules: [entry], [key]: wrong }),
    ScheduleEntry: (key) => client.schedule({ customerUid: 'c', schedules: [{ ...entry, [key]: wrong }] }),
    UnscheduleOptions: (key) => client.unschedule(['o'], { [key]: wrong }),
    ListSchedulesOptions: (key) => client.listSchedules({ from: 1, to: 2, [key]: wrong }).next(),
    ListPaymentsOptions: (key) => client.listPayments({ [key]: wrong }).next(),
  }
  for (const [type, use] of Object.entries(inputs)) {
    const fields = types[type]
    assert.ok(fields && fields.length > 0, `native.d.ts declares no ${type}`)
    for (const key of fields) {
      const e = await errorOf(() => use(key))
      assert.ok(e instanceof pkg.InvalidRequestError, `${type}.${key}: ${e}`)
      assert.doesNotMatch(e.reason, /is not a field/, `${type}.${key} is declared but not read`)
    }
    const unknown = await errorOf(() => use('noSuchField'))
    assert.match(unknown.reason, /is not a field/, `${type} accepts any key`)
  }
  assert.equal(sandbox.totalRequests(), 0)
})
