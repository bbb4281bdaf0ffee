'use strict'
// Runs every scenario file of tests/scenarios/ (format: tests/README.md; the reference runner is
// core/tests/common/mod.rs) against a fresh sandbox, through the package's public API.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
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
  AlreadyCancelled: [pkg.AlreadyCancelledError, 'ALREADY_CANCELLED'],
  RateLimited: [pkg.RateLimitedError, 'RATE_LIMITED'],
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

/** Settings whose unit is in the package's name: `timeout` (seconds in the files) is `timeoutMs`. */
const DURATION_SETTINGS = ['timeout', 'connect_timeout', 'initial_backoff', 'max_backoff']

/** A field as the package names it in errors. */
const fieldName = (field) => (DURATION_SETTINGS.includes(field) ? `${camel(field)}Ms` : camel(field))

/** Client settings under the package's names; durations (seconds in the files) in milliseconds. */
function settings(args) {
  const out = {}
  for (const [key, value] of Object.entries(args)) {
    if (DURATION_SETTINGS.includes(key)) {
      out[`${camel(key)}Ms`] = value * 1000
    } else {
      out[camel(key)] = value
    }
  }
  return out
}

/** `new_client`: the sandbox's credentials and URL with the given settings replaced. */
function newClient(sandbox, args) {
  new pkg.Client({ impKey: sandbox.impKey, impSecret: sandbox.impSecret, baseUrl: sandbox.url, ...settings(args) })
  return null
}

/** Every item of a paged listing (the package's async iterators). */
async function all(iterator) {
  const items = []
  for await (const item of iterator) items.push(item)
  return items
}

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
    case 'schedule': {
      const { schedules, ...rest } = args
      return client.schedule({ ...request(rest), schedules: schedules.map(request) })
    }
    case 'unschedule':
      return client.unschedule(args.merchant_uids, { customerUid: args.customer_uid })
    case 'unschedule_all':
      return client.unscheduleAll(args.customer_uid)
    case 'get_schedule':
      return client.getSchedule(args.merchant_uid)
    case 'update_schedule':
      return client.updateSchedule(args.merchant_uid, args.schedule_at)
    case 'reschedule':
      return client.reschedule(args.merchant_uid, args.schedule_at)
    case 'retry_schedule':
      return client.retrySchedule(args.merchant_uid)
    case 'list_schedules':
      return all(client.listSchedules({ from: args.from, to: args.to, status: args.status }))
    case 'list_schedules_by_customer':
      return all(
        client.listSchedulesByCustomer(args.customer_uid, { from: args.from, to: args.to, status: args.status }),
      )
    case 'list_payments':
      return all(client.listPayments({ status: args.status, from: args.from, to: args.to, sorting: args.sorting }))
    case 'list_customer_payments':
      return all(client.listCustomerPayments(args.customer_uid))
    case 'get_billing_keys':
      return client.getBillingKeys(args.customer_uids)
    case 'get_payments':
      return client.getPayments(args.imp_uids)
    case 'verify_webhook':
      return client.verifyWebhook(args.body, args.content_type)
    default:
      throw new Error(`unknown op ${op}`)
  }
}

/** Replaces `"${name}"` strings with saved values, and `${name}` inside longer strings with the
 * value's text. */
function substitute(value, vars) {
  if (typeof value === 'string' && value.startsWith('${') && value.endsWith('}') && value.indexOf('${', 1) === -1) {
    const key = value.slice(2, -1)
    assert.ok(key in vars, `unknown variable ${key}`)
    return vars[key]
  }
  if (typeof value === 'string' && value.includes('${')) {
    const text = value.replace(/\$\{(\w+)\}/g, (_, key) => {
      assert.ok(key in vars, `unknown variable ${key} in ${value}`)
      return String(vars[key])
    })
    assert.ok(!text.includes('${'), `unknown variable in ${value}`)
    return text
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, vars))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)]))
  }
  return value
}

/** Generated values: `{"$repeat": n, "item": ...}` (with `{i}` in strings),
 * `{"$from_now": s, "$step": t}` (the sandbox clock's now + s + i·t, unix seconds),
 * `{"$text": s, "$times": n}` and `{"$utf16": [code units]}`. */
function expand(value, now, i) {
  if (Array.isArray(value)) return value.map((v) => expand(v, now, i))
  if (value !== null && typeof value === 'object') {
    if ('$text' in value) return value.$text.repeat(value.$times)
    // UTF-16 code units: a JS string may hold a lone surrogate.
    if ('$utf16' in value) return String.fromCharCode(...value.$utf16)
    if ('$repeat' in value) {
      return Array.from({ length: value.$repeat }, (_, k) => expand(value.item, now, k))
    }
    if ('$from_now' in value) return now + value.$from_now + (value.$step ?? 0) * (i ?? 0)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expand(v, now, i)]))
  }
  if (typeof value === 'string' && i !== undefined) return value.replaceAll('{i}', String(i))
  return value
}

/** A webhook receiver on 127.0.0.1:0 that records each POST (content type and body) and answers
 * 200; closed when the test ends. */
async function startReceiver(t) {
  const received = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      // Recorded before the answer: the sandbox counts a delivery done when the answer arrives.
      received.push({ contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) })
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK')
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  t.after(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  )
  return { url: `http://127.0.0.1:${server.address().port}/hook`, received }
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

/** List expectations: `count`, `unique_by`, `each`, `reported_statuses`. */
function checkList(expected, actual, at) {
  const listed = ['count', 'unique_by', 'each', 'reported_statuses'].filter((k) => expected[k] !== undefined)
  if (listed.length === 0) return
  assert.ok(Array.isArray(actual), `${at}: expected a list for ${listed.join(', ')}, got ${actual}`)
  if (expected.count !== undefined) assert.equal(actual.length, expected.count, `${at}: count`)
  if (expected.unique_by !== undefined) {
    const key = camel(expected.unique_by)
    const values = actual.map((item) => JSON.stringify(item[key]))
    assert.equal(new Set(values).size, values.length, `${at}: ${expected.unique_by} repeats`)
  }
  if (expected.each !== undefined) {
    actual.forEach((item, i) => assertSubset(expected.each, item, `${at}[${i}]`))
  }
  if (expected.reported_statuses !== undefined) {
    assert.deepEqual(
      actual.map((v) => v.reportedStatus),
      expected.reported_statuses,
      `${at}: reported statuses`,
    )
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
  assert.ok(files.length >= 20, `only ${files.length} scenario files in ${scenarioDir}`)
})

for (const file of files) {
  const scenario = JSON.parse(fs.readFileSync(path.join(scenarioDir, file), 'utf8'))
  const name = path.basename(file, '.json')

  test(`scenario ${name}`, async (t) => {
    const options = {}
    if (scenario.sandbox?.billing_key_not_found === 'spec') options.billingKeyNotFound = 'spec'
    const sandbox = await sandboxFor(t, options)
    const client = sandbox.client()
    const receiver = scenario.webhook_receiver === true ? await startReceiver(t) : null
    if (receiver) sandbox.setWebhookUrl(receiver.url)
    const vars = {}
    assert.ok(scenario.steps.length > 0, `${name}: no steps`)
    for (const [i, step] of scenario.steps.entries()) {
      const at = `${name} step ${i} (${step.op}${step.note ? `, ${step.note}` : ''})`
      const now = Math.floor(sandbox.now().getTime() / 1000)
      const args = expand(substitute(step.args ?? {}, vars), now)
      const before = sandbox.totalRequests()
      let result
      let error
      try {
        if (step.op === 'advance_clock') {
          // Resolves once the schedules that became due ran and their webhooks were delivered.
          result = await sandbox.advanceClock(args.seconds)
        } else if (step.op === 'set_faults') {
          sandbox.setFaults(args.rules, { seed: args.seed ?? 0 })
          result = null
        } else if (step.op === 'clear_faults') {
          sandbox.clearFaults()
          result = null
        } else if (step.op === 'new_client') {
          result = newClient(sandbox, args)
        } else if (step.op === 'with_options') {
          client.withOptions(settings(args))
          result = null
        } else if (step.op === 'verify_received_webhooks') {
          assert.ok(receiver, `${at}: the scenario has no webhook_receiver`)
          result = []
          for (const { contentType, body } of receiver.received) {
            result.push(await client.verifyWebhook(body, contentType))
          }
        } else {
          result = await call(client, step.op, args)
        }
      } catch (e) {
        error = e
      }
      const sent = sandbox.totalRequests() - before

      if (step.expect.error !== undefined) {
        const expected = step.expect.error
        assert.ok(error !== undefined, `${at}: expected ${expected.kind}, got a result`)
        const [Class, code] = errorClasses[expected.kind]
        assert.ok(error instanceof Class, `${at}: expected ${Class.name}, got ${error}`)
        assert.ok(error instanceof pkg.IamportError, `${at}: not an IamportError`)
        assert.equal(error.code, code, `${at}: code`)
        const { kind, ...fields } = expected
        if (fields.field !== undefined) fields.field = fieldName(fields.field)
        assertSubset(fields, errorFields(kind, error), `${at}: error`)
      } else {
        if (error !== undefined) throw new Error(`${at}: expected a result, got ${error}`, { cause: error })
        if (step.expect.result !== undefined) {
          assertSubset(substitute(step.expect.result, vars), result, `${at}: result`)
        }
        checkList(step.expect, result, at)
      }
      if (step.sent === false) assert.equal(sent, 0, `${at}: the request should not have been sent`)
      for (const [variable, field] of Object.entries(step.save ?? {})) {
        vars[variable] = result[camel(field)]
      }
      if (step.ledger !== undefined) checkLedger(step.ledger, sandbox.ledger(), at)
    }
  })
}
