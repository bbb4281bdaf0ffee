'use strict'
// The package as npm ships it: `npm pack`, install the tarball into an empty project (no registry
// needed: the package has no dependencies), and run the seed flow from there.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')
const { packageDir } = require('./helpers.js')

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

test('the packed package installs and runs the seed flow', (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iamport-subscribe-pack-'))
  t.after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', tmp], packageDir))
  const files = packed[0].files.map((f) => f.path).sort()
  for (const expected of ['index.js', 'index.d.ts', 'native.js', 'native.d.ts', 'package.json', 'README.md']) {
    assert.ok(files.includes(expected), `${expected} is not in the package: ${files}`)
  }
  assert.ok(files.some((f) => f.endsWith('.node')), `no native addon in the package: ${files}`)
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('src/')), `sources shipped: ${files}`)

  const app = path.join(tmp, 'app')
  fs.mkdirSync(app)
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  run(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(tmp, packed[0].filename)], app)

  fs.writeFileSync(
    path.join(app, 'main.js'),
    `
const { Sandbox, Card, CardDeclinedError } = require('iamport-subscribe')
;(async () => {
  const sandbox = await Sandbox.start()
  const client = sandbox.client()
  const key = await client.issueBillingKey({
    customerUid: 'customer-42',
    card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', birth: '820213', pwd2digit: '00' }),
    pg: 'nice',
  })
  const paid = await client.payAgain({ customerUid: 'customer-42', merchantUid: 'order-1', amount: 9900 })
  let declined = null
  try {
    await client.issueBillingKey({ customerUid: 'c2', card: new Card({ cardNumber: '4000-0000-0000-0002', expiry: '2030-12' }) })
    await client.payAgain({ customerUid: 'c2', merchantUid: 'order-2', amount: 9900 })
  } catch (e) {
    if (e instanceof CardDeclinedError) declined = e.code
  }
  await sandbox.close()
  console.log(JSON.stringify({ key: key.cardNumber, status: paid.status, declined, from: require.resolve('iamport-subscribe') }))
})()
`,
  )
  const out = JSON.parse(run(process.execPath, ['main.js'], app))
  assert.deepEqual(
    { key: out.key, status: out.status, declined: out.declined },
    { key: '411111******1111', status: 'paid', declined: 'CARD_DECLINED' },
  )
  assert.ok(out.from.startsWith(path.join(app, 'node_modules', 'iamport-subscribe')), out.from)
})
