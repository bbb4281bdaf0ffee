'use strict'
// Runs every scenario file of tests/scenarios/ (format: tests/README.md; the reference runner is
// core/tests/common/mod.rs) against a fresh sandbox, through the package's public API.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { pkg, camel, sandboxFor } = require('./helpers.js')

const { Card } = pkg

const scenarioDir = path.join(__dirname, '..', '..', 'tests', 'scenarios')

const errorClasses = {
  InvalidRequest: [pkg.InvalidRequestError, 'INVALID_REQUEST'],
  Authentication: [pkg.AuthenticationError, 'AUTHENTICATION'],
  NotFound: [pkg.NotFoundError, 'NOT_FOUND'],
  CardDeclined: [pkg.CardDeclinedError, 'CARD_DECLINED'],
  DuplicateOrder: [pkg.DuplicateOrderError, 'DUPLICATE_ORDER'],
  Api: [pkg.ApiError, 'API_ERROR'],
  Network: [pkg.NetworkError, 'NETWORK'],
  Timeout: [pkg.TimeoutError, 'TIMEOUT'],
  OutcomeUnknown: [pkg.OutcomeUnknownError, 'OUTCOME_UNKNOWN'],
}

const cardArgs = ['card_number', 'expiry', 'birth', 'pwd_2digit', 'cvc']

/** The scenario's flat wire-named args as a request of the package: camelCase, `card` a `Card`,
 * `buyer_*` in `buyer`. */
function request(args) {
  const out = {}
  const card = {}
  const buyer = {}
  for (const [key, value] of Object.entries(args)) {
    if (cardArgs.includes(key)) card[camel(key)] = value
    else if (key.startsWith('buyer_')) buyer[key.slice('buyer_'.length)] = value
    else out[camel(key)] = value
  }
  if (Object.keys(card).length > 0) out.card = new Card(card)
  if (Object.keys(buyer).length > 0) out.buyer = buyer
  return out
}

// The operations of core this package exposes. A scenario using another one (added to core after
// this package) is reported as skipped, naming the operations, rather than failing.
const supported = new Set([
  'pay_onetime',
  'issue_billing_key',
  'pay_again',
  'cancel_payment',
  'get_billing_key',
  'delete_billing_key',
  'get_payment',
  'find_payment',
  'find_all_payments',
])

function call(client, op, args) {
  switch (op) {
    case 'pay_onetime':
      return client.payOnetime(request(args))
    case 'issue_billing_key':
      return client.issueBillingKey(request(args))
    case 'pay_again':
      return client.payAgain(request(args))
    case 'cancel_payment':
      return client.cancelPayment(request(args))
    case 'get_billing_key':
      return client.getBillingKey(args.customer_uid)
    case 'delete_billing_key':
      return client.deleteBillingKey(args.customer_uid, args.reason)
    case 'get_payment':
      return client.getPayment(args.imp_uid)
    case 'find_payment':
      return client.findPayment(args.merchant_uid, args.status)
    case 'find_all_payments':
      return client.findAllPayments(args.merchant_uid, args.status)
    default:
      throw new Error(`unknown op ${op}`)
  }
}

/** Replaces `"${name}"` strings with saved values. */
function substitute(value, vars) {
  if (typeof value === 'string' && value.startsWith('${') && value.endsWith('}')) {
    const key = value.slice(2, -1)
    assert.ok(key in vars, `unknown variable ${key}`)
    return vars[key]
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]))
  }
  return value
}

/** `expected` (snake_case keys) is contained in `actual` (camelCase keys). */
function assertSubset(expected, actual, at) {
  if (expected === '<set>') {
    assert.ok(actual !== null && actual !== undefined, `${at}: expected a value, got ${actual}`)
  } else if (expected === null) {
    assert.ok(actual === null || actual === undefined, `${at}: expected nothing, got ${actual}`)
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at}: expected an array, got ${actual}`)
    assert.equal(actual.length, expected.length, `${at}: length`)
    expected.forEach((e, i) => assertSubset(e, actual[i], `${at}[${i}]`))
  } else if (typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${at}: expected an object, got ${actual}`)
    for (const [key, value] of Object.entries(expected)) {
      assertSubset(value, actual[camel(key)], `${at}.${camel(key)}`)
    }
  } else {
    assert.equal(actual, expected, at)
  }
}

/** An error's fields under the scenario files' names (camelCased, as `assertSubset` looks them up). */
function errorFields(kind, error) {
  return {
    field: error.field,
    // The Rust runner reports an InvalidRequest's reason as its message.
    message: kind === 'InvalidRequest' ? error.reason : error.message,
    code: error.apiCode,
    httpStatus: error.httpStatus,
    failReason: error.failReason,
    payment: error.payment,
    merchantUid: error.merchantUid,
  }
}

function checkLedger(expected, ledger, at) {
  const rows =
    expected.merchant_uid === undefined
      ? ledger
      : ledger.filter((p) => p.merchantUid === expected.merchant_uid)
  if (expected.count !== undefined) assert.equal(rows.length, expected.count, `${at}: ledger count`)
  if (expected.statuses !== undefined) {
    assert.deepEqual(
      rows.map((p) => p.status),
      expected.statuses,
      `${at}: ledger statuses (in creation order)`,
    )
  }
}

const files = fs
  .readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.json'))
  .sort()

test('the scenario files are found', () => {
  assert.ok(files.length >= 16, `only ${files.length} scenario files in ${scenarioDir}`)
})

for (const file of files) {
  const scenario = JSON.parse(fs.readFileSync(path.join(scenarioDir, file), 'utf8'))
  const name = path.basename(file, '.json')

  const missing = [...new Set(scenario.steps.map((s) => s.op))].filter((op) => !supported.has(op))
  const skip = missing.length > 0 && `not in the Node package yet: ${missing.join(', ')}`

  test(`scenario ${name}`, { skip }, async (t) => {
    const options = {}
    if (scenario.sandbox?.billing_key_not_found === 'spec') options.billingKeyNotFound = 'spec'
    const sandbox = await sandboxFor(t, options)
    const client = sandbox.client()
    const vars = {}
    assert.ok(scenario.steps.length > 0, `${name}: no steps`)
    for (const [i, step] of scenario.steps.entries()) {
      const at = `${name} step ${i} (${step.op}${step.note ? `, ${step.note}` : ''})`
      const args = substitute(step.args, vars)
      const before = sandbox.totalRequests()
      let result
      let error
      try {
        result = await call(client, step.op, args)
      } catch (e) {
        error = e
      }
      const sent = sandbox.totalRequests() - before

      if (step.expect.result !== undefined) {
        assert.equal(error, undefined, `${at}: expected a result, got ${error}`)
        assertSubset(substitute(step.expect.result, vars), result, `${at}: result`)
      } else {
        const expected = step.expect.error
        assert.ok(error !== undefined, `${at}: expected ${expected.kind}, got a result`)
        const [Class, code] = errorClasses[expected.kind]
        assert.ok(error instanceof Class, `${at}: expected ${Class.name}, got ${error}`)
        assert.ok(error instanceof pkg.IamportError, `${at}: not an IamportError`)
        assert.equal(error.code, code, `${at}: code`)
        const { kind, ...fields } = expected
        assertSubset(fields, errorFields(kind, error), `${at}: error`)
      }
      if (step.sent === false) assert.equal(sent, 0, `${at}: the request should not have been sent`)
      for (const [variable, field] of Object.entries(step.save ?? {})) {
        vars[variable] = result[camel(field)]
      }
      if (step.ledger !== undefined) checkLedger(step.ledger, sandbox.ledger(), at)
    }
  })
}
