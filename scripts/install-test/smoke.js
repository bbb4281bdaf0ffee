'use strict'
// The installed package's first minutes, as a user lives them (run by scripts/install-test-node).
// Run in a scratch project that npm installed the packed tarballs into: checks that the package and
// its addon come from node_modules (the addon from the platform package), then charges against the
// embedded sandbox: a billing key and a repeat charge for each PG, a decline, and a full refund.
// Prints one JSON line with the seconds from process start to the first paid charge
// (`first_charge_s`) and from SMOKE_INSTALL_START (epoch seconds, set before `npm install`) to it
// (`since_install_s`); exits non-zero on any failure.

const start = process.hrtime.bigint()
const wallStart = Date.now() / 1000
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { Sandbox, Card, CardDeclinedError } = require('iamport-subscribe')

async function main() {
  const [expectedVersion, expectedPlatform] = process.argv.slice(2)
  const modules = fs.realpathSync(path.join(process.cwd(), 'node_modules'))
  const main = fs.realpathSync(require.resolve('iamport-subscribe'))
  assert.ok(main.startsWith(modules + path.sep), `iamport-subscribe loaded from ${main}`)
  assert.equal(require('iamport-subscribe/package.json').version, expectedVersion)
  // The addon is the platform package's, and the main package brings none of its own.
  const addonPackage = `iamport-subscribe-${expectedPlatform}`
  const addon = fs.realpathSync(require.resolve(addonPackage))
  assert.ok(addon.startsWith(modules + path.sep) && addon.endsWith('.node'), addon)
  assert.equal(require(`${addonPackage}/package.json`).version, expectedVersion)
  const loaded = Object.keys(require.cache).filter((f) => f.endsWith('.node'))
  assert.deepEqual(loaded.map((f) => fs.realpathSync(f)), [addon])
  assert.deepEqual(fs.readdirSync(path.dirname(main)).filter((f) => f.endsWith('.node')), [])

  let firstCharge = null
  let firstChargeWall = null
  const sandbox = await Sandbox.start()
  try {
    const client = sandbox.client()
    for (const pg of ['nice', 'daou']) {
      const key = await client.issueBillingKey({
        customerUid: `cust_${pg}`,
        card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', birth: '820213', pwd2digit: '00' }),
        pg,
      })
      assert.equal(key.cardNumber, '411111******1111')
      const paid = await client.payAgain({ customerUid: `cust_${pg}`, merchantUid: `order_${pg}_1`, amount: 9900, name: 'Monthly plan' })
      assert.equal(paid.status, 'paid')
      assert.equal(String(paid.amount), '9900')
      if (firstCharge === null) {
        firstCharge = Number(process.hrtime.bigint() - start) / 1e9
        firstChargeWall = Date.now() / 1000
      }
    }
    await client.issueBillingKey({ customerUid: 'cust_decline', card: new Card({ cardNumber: '4000-0000-0000-0002', expiry: '2030-12' }) })
    await assert.rejects(
      client.payAgain({ customerUid: 'cust_decline', merchantUid: 'order_decline', amount: 9900 }),
      (e) => e instanceof CardDeclinedError && e.payment?.status === 'failed',
    )
    const refunded = await client.cancelPayment({ merchantUid: 'order_nice_1', reason: 'install test' })
    assert.equal(refunded.status, 'cancelled')
    assert.equal(String(refunded.cancelAmount), '9900')
    const statuses = (await sandbox.ledger()).map((p) => p.status).sort()
    assert.deepEqual(statuses, ['cancelled', 'failed', 'paid'])
  } finally {
    await sandbox.close()
  }
  console.log(JSON.stringify({
    node: process.version, arch: process.arch, addon: path.basename(addon),
    version: expectedVersion, first_charge_s: Math.round(firstCharge * 1000) / 1000,
    since_install_s: Math.round((firstChargeWall - Number(process.env.SMOKE_INSTALL_START ?? wallStart)) * 1000) / 1000,
  }))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
