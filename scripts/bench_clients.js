// Node worker of scripts/bench-clients: BENCH_CHARGES `payAgain` charges with BENCH_CONCURRENCY
// in flight against BENCH_URL, through the installed package (its path in BENCH_NODE_PACKAGE).
// Prints one JSON line: charges, paid, errors, first error, elapsed seconds.
'use strict'

const { Client } = require(process.env.BENCH_NODE_PACKAGE)

async function main () {
  const charges = Number(process.env.BENCH_CHARGES || 20000)
  const concurrency = Number(process.env.BENCH_CONCURRENCY || 64)
  const client = new Client({
    impKey: process.env.BENCH_IMP_KEY || 'sandbox_imp_key',
    impSecret: process.env.BENCH_IMP_SECRET || 'sandbox_imp_secret',
    baseUrl: process.env.BENCH_URL
  })
  const customerUid = process.env.BENCH_CUSTOMER || 'bench'
  const prefix = process.env.BENCH_PREFIX || 'node-'
  let next = 0
  let paid = 0
  let errors = 0
  let firstError = null
  // `concurrency` workers, each charging one order after the other: at most that many in flight.
  async function worker () {
    while (next < charges) {
      const i = next++
      try {
        const p = await client.payAgain({ customerUid, merchantUid: `${prefix}${i}`, amount: 9900 })
        if (p.status === 'paid') paid++
        else errors++
      } catch (e) {
        errors++
        if (firstError === null) firstError = String(e)
      }
    }
  }
  const started = process.hrtime.bigint()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9
  console.log(JSON.stringify({ charges, paid, errors, first_error: firstError, elapsed_s: elapsed }))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
