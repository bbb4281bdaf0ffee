'use strict'
// Benchmark driver, not a test: BENCH_CHARGES `payAgain` charges with BENCH_CONCURRENCY in flight
// against a running sandbox, one billing key (issued first, not counted). The same workload as
// core/examples/bench_pay_again.rs, for comparing the client CPU per charge from outside
// (`/usr/bin/time`), or from inside (`cpu_us_per_charge`: this process's user + system time
// during the charges only).
//
// Environment: BENCH_URL (required), BENCH_CHARGES (20000), BENCH_CONCURRENCY (64),
// BENCH_CUSTOMER (`bench`), BENCH_PREFIX (`node-`), BENCH_PACKAGE (the package to load:
// `iamport-subscribe` by default, or a path). Prints one JSON line.

const started = process.hrtime.bigint()
const { Client, Card } = require(process.env.BENCH_PACKAGE || 'iamport-subscribe')
const loadMs = Number(process.hrtime.bigint() - started) / 1e6

const env = (name, fallback) => process.env[name] ?? fallback

async function main() {
  const url = process.env.BENCH_URL
  if (!url) throw new Error('BENCH_URL is not set')
  const charges = Number(env('BENCH_CHARGES', '20000'))
  const concurrency = Number(env('BENCH_CONCURRENCY', '64'))
  const customerUid = env('BENCH_CUSTOMER', 'bench')
  const prefix = env('BENCH_PREFIX', 'node-')
  const client = new Client({
    impKey: env('BENCH_IMP_KEY', 'sandbox_imp_key'),
    impSecret: env('BENCH_IMP_SECRET', 'sandbox_imp_secret'),
    baseUrl: url,
  })
  await client.issueBillingKey({
    customerUid,
    card: new Card({ cardNumber: '4242-4242-4242-4242', expiry: '2030-12' }),
  })
  let next = 0
  let paid = 0
  let errors = 0
  let firstError = null
  const cpu = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  async function worker() {
    while (next < charges) {
      const i = next++
      try {
        const p = await client.payAgain({ customerUid, merchantUid: `${prefix}${i}`, amount: 9900 })
        if (p.status === 'paid') paid++
        else errors++
      } catch (e) {
        errors++
        firstError ??= String(e)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9
  const used = process.cpuUsage(cpu)
  console.log(
    JSON.stringify({
      charges,
      paid,
      errors,
      first_error: firstError,
      elapsed_s: elapsed,
      charges_per_s: charges / elapsed,
      cpu_us_per_charge: (used.user + used.system) / charges,
      require_ms: loadMs,
    }),
  )
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
