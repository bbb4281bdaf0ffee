// Compiled by `tsc --noEmit` (npm run typecheck): uses every method and field of the package's
// types, imported by the package's name as a user would. Never run.

import {
  ApiError,
  AuthenticationError,
  BillingKey,
  Card,
  CardDeclinedError,
  CancelPaymentRequest,
  Client,
  ClientOptions,
  DuplicateOrderError,
  ErrorCode,
  Fault,
  FaultRule,
  ProvidedToken,
  TokenProvider,
  FaultType,
  IamportError,
  InvalidRequestError,
  IssueBillingKeyRequest,
  ListSchedulesOptions,
  FoundBillingKeys,
  FoundPayments,
  NetworkError,
  NotFoundError,
  OutcomeUnknownError,
  PayAgainRequest,
  PayOnetimeRequest,
  Payment,
  PaymentStatus,
  RequestOptions,
  Sandbox,
  Schedule,
  ScheduleEntry,
  ScheduleRequest,
  ScheduleStatus,
  TimeoutError,
  UnscheduleOptions,
  VerifiedWebhook,
  WebhookDelivery,
} from 'iamport-subscribe'

async function seedFlow(client: Client): Promise<Payment | null> {
  const card = new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12', birth: '820213', pwd2digit: '00', cvc: '123' })
  const last4: string = card.last4
  const masked: string = card.toJSON().cardNumber + String(card) + last4

  // Every field of every request, so that a field dropped from the types fails here.
  const issue: Required<IssueBillingKeyRequest> = {
    customerUid: 'customer-42',
    card,
    pg: 'nice',
    channelKey: 'channel-key',
    channelGroupId: 'group',
    customerId: 'toss-customer',
    customerName: masked,
    customerTel: '010-0000-0000',
    customerEmail: 'kim@example.com',
    customerAddr: 'Seoul',
    customerPostcode: '04524',
  }
  const key: BillingKey = await client.issueBillingKey(issue)
  const inserted: Date | null = key.inserted

  const again: Required<PayAgainRequest> = {
    customerUid: key.customerUid,
    merchantUid: 'order-2026-11-42',
    amount: 9900,
    name: 'Monthly plan',
    currency: 'KRW',
    taxFree: 0,
    vatAmount: 900,
    vat: 900,
    buyer: { name: 'Kim', email: 'kim@example.com', tel: '010', addr: 'Seoul', postcode: '04524' },
    cardQuota: 0,
    interestFreeByMerchant: false,
    useCardPoint: false,
    customData: '{}',
    noticeUrl: 'https://shop.example.com/hook',
    browserIp: '127.0.0.1',
    productType: 'digital',
    productCount: 1,
    cashReceiptType: 'person',
    bypass: '',
    extra: { naverUseCfm: '20261231' },
    promotionId: 'promo',
    channelKey: 'channel-key',
  }
  try {
    const payment = await client.payAgain(again)
    const paidAt: Date | null = payment.paidAt
    const status: PaymentStatus = payment.status
    return paidAt === null || inserted === null || status !== 'paid' ? null : payment
  } catch (e) {
    if (e instanceof CardDeclinedError) {
      const reason: string | null = e.failReason
      const failed: Payment = e.payment
      console.log(reason, failed.failedAt?.toISOString())
      return null
    }
    throw e
  }
}

async function everyMethod(client: Client): Promise<void> {
  const onetime: Required<PayOnetimeRequest> = {
    merchantUid: 'order-1',
    amount: 3000,
    card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '203012' }),
    customerUid: 'customer-1',
    pg: 'daou.CTS16629',
    channelGroupId: 'group',
    currency: 'KRW',
    taxFree: 0,
    vatAmount: 273,
    vat: 273,
    name: 'Key-in order',
    buyer: { name: 'Kim' },
    cardQuota: 0,
    interestFreeByMerchant: false,
    useCardPoint: false,
    customData: '{}',
    noticeUrl: 'https://shop.example.com/hook',
    browserIp: '127.0.0.1',
    secure3dChargeId: 'charge',
    secure3dToken: 'token',
    productType: 'real',
    promotionId: 'promo',
    bypass: '',
  }
  const paid: Payment = await client.payOnetime(onetime)
  const key: BillingKey = await client.getBillingKey('customer-1')
  const deleted: BillingKey = await client.deleteBillingKey(key.customerUid, 'left')
  await client.deleteBillingKey(deleted.customerUid)
  const one: Payment = await client.getPayment(paid.impUid)
  const found: Payment = await client.findPayment(one.merchantUid)
  const failed: Payment = await client.findPayment(found.merchantUid, 'failed')
  const all: Payment[] = await client.findAllPayments(failed.merchantUid)
  const paidOnly: Payment[] = await client.findAllPayments(failed.merchantUid, 'paid')
  const cancel: Required<CancelPaymentRequest> = {
    impUid: paid.impUid,
    merchantUid: paid.merchantUid,
    amount: 1000,
    taxFree: 0,
    vatAmount: 91,
    checksum: paid.amount - paid.cancelAmount,
    reason: 'partial refund',
    refundHolder: 'Kim',
    refundBank: '004',
    refundAccount: '000000',
    refundTel: '010',
    retainPromotion: false,
    enableWebhook: true,
    extra: { requester: 'admin' },
  }
  const refunded: Payment = await client.cancelPayment(cancel)
  const history: number = refunded.cancelHistory.reduce((sum, c) => sum + c.amount, 0)
  await client.cancelPayment({ merchantUid: 'order-1' })
  await client.checkCredentials()
  console.log(all.length + paidOnly.length + history, client.baseUrl, client.toJSON().baseUrl)
}

async function schedules(client: Client): Promise<void> {
  // Every field of a schedule entry and of a schedule request.
  const entry: Required<ScheduleEntry> = {
    merchantUid: 'order-2027-01',
    scheduleAt: new Date('2027-01-01T00:00:00Z'),
    amount: 9900,
    name: 'Monthly plan',
    currency: 'KRW',
    taxFree: 0,
    vatAmount: 900,
    buyer: { name: 'Kim', email: 'kim@example.com', tel: '010', addr: 'Seoul', postcode: '04524' },
    customData: '{}',
    noticeUrl: 'https://shop.example.com/hook',
    cardQuota: 0,
    interestFreeByMerchant: false,
    useCardPoint: false,
    productType: 'digital',
    productCount: 1,
    cashReceiptType: 'person',
    browserIp: '127.0.0.1',
    bypass: '',
    promotionId: 'promo',
    extra: { naverUseCfm: '20261231' },
  }
  const request: Required<ScheduleRequest> = {
    customerUid: 'customer-42',
    schedules: [entry, { merchantUid: 'order-2027-02', scheduleAt: 1_801_440_000, amount: 9900 }],
    card: new Card({ cardNumber: '4111-1111-1111-1111', expiry: '2030-12' }),
    checkingAmount: 1000,
    pg: 'nice',
    channelKey: 'channel-key',
    customerId: 'toss-customer',
  }
  const made: Schedule[] = await client.schedule(request)
  const first: Schedule = made[0]
  const at: Date | null = first.scheduleAt
  const executed: Date | null = first.executedAt
  const revokedAt: Date | null = first.revokedAt
  const state: ScheduleStatus = first.scheduleStatus
  const paymentState: PaymentStatus | null = first.paymentStatus
  const amount: number = first.amount
  const fields: (string | null)[] = [
    first.customerUid, first.merchantUid, first.impUid, first.pgProvider, first.pgId, first.customerId,
    first.currency, first.name, first.buyerName, first.buyerEmail, first.buyerTel, first.buyerAddr,
    first.buyerPostcode, first.customData, first.failReason, first.promotionId,
  ]
  const options: UnscheduleOptions = { customerUid: 'customer-42' }
  const revoked: Schedule[] = await client.unschedule(['order-2027-02'], options)
  await client.unschedule(['order-2027-02'])
  const all: Schedule[] = await client.unscheduleAll('customer-42')
  const one: Schedule = await client.getSchedule('order-2027-01')
  const moved: Schedule = await client.updateSchedule(one.merchantUid, new Date('2027-01-02T00:00:00Z'))
  const again: Schedule = await client.reschedule(moved.merchantUid, 1_801_526_400)
  try {
    const paid: Payment = await client.retrySchedule(again.merchantUid)
    console.log(paid.paidAt)
  } catch (e) {
    if (!(e instanceof CardDeclinedError)) throw e
  }

  const window: Required<ListSchedulesOptions> = { from: new Date(), to: 1_900_000_000, status: 'scheduled' }
  for await (const s of client.listSchedules(window)) console.log(s.merchantUid)
  for await (const s of client.listSchedules({ from: 0, to: 1 })) console.log(s.scheduleAt?.getTime())
  const byCustomer: AsyncGenerator<Schedule, void, undefined> = client.listSchedulesByCustomer('customer-42', window)
  const next: IteratorResult<Schedule, void> = await byCustomer.next()
  if (!next.done) console.log(next.value.scheduleStatus)
  await byCustomer.return()
  for await (const p of client.listCustomerPayments('customer-42')) {
    const payment: Payment = p
    console.log(payment.impUid)
  }

  const keys: FoundBillingKeys = await client.getBillingKeys(['customer-42', 'customer-43'])
  const found: BillingKey[] = keys.found
  const missingKeys: string[] = keys.missing
  const payments: FoundPayments = await client.getPayments(['imps_1', 'imps_2'])
  const foundPayments: Payment[] = payments.found

  const body = '{"imp_uid":"imps_1","merchant_uid":"order-2027-01","status":"paid"}'
  const verified: VerifiedWebhook = await client.verifyWebhook(body, 'application/json')
  const fromBuffer: VerifiedWebhook = await client.verifyWebhook(Buffer.from(body), 'application/json; charset=utf-8')
  const fromBytes: VerifiedWebhook = await client.verifyWebhook(new TextEncoder().encode(body), 'application/json')
  const reported: PaymentStatus = verified.reportedStatus
  const dedupeKey = `${fromBuffer.payment.impUid}:${fromBytes.reportedStatus}`
  console.log(at, executed, revokedAt, state, paymentState, amount, fields, revoked, all, found, missingKeys)
  console.log(foundPayments, payments.missing, reported, dedupeKey)
}

function describe(e: unknown): string {
  if (!(e instanceof IamportError)) return String(e)
  const code: ErrorCode = e.code
  if (e instanceof InvalidRequestError) return `${code} ${e.field} ${e.reason}`
  if (e instanceof ApiError) return `${e.apiCode} ${e.httpStatus} ${e.message}`
  if (e instanceof NetworkError || e instanceof TimeoutError) return String(e.mayHaveReachedServer)
  if (e instanceof OutcomeUnknownError) return e.merchantUid
  if (e instanceof AuthenticationError || e instanceof NotFoundError || e instanceof DuplicateOrderError) {
    return e.message
  }
  return JSON.stringify(e.toJSON())
}

async function withSandbox(): Promise<void> {
  const sandbox = await Sandbox.start({ billingKeyNotFound: 'spec', responseDelayMs: 0, tokenTtlSecs: 1800, impKey: 'k', impSecret: 's', defaultPg: 'nice' })
  const options: Required<ClientOptions> = {
    impKey: sandbox.impKey, impSecret: sandbox.impSecret, baseUrl: sandbox.url, tier: 'AB1', timeoutMs: 5000,
    connectTimeoutMs: 1000, userAgent: 'shop/1.0', maxRetries: 3, initialBackoffMs: 100, maxBackoffMs: 2000,
  }
  const client = new Client(options)
  const fromBackend: TokenProvider = async (): Promise<ProvidedToken> => ({ accessToken: 'token', expiredAt: new Date(), now: 0 })
  const onDevice: Client = new Client({ tokenProvider: fromBackend, baseUrl: sandbox.url, maxRetries: 1 })
  await onDevice.checkCredentials().catch(() => undefined)
  const perCall: Required<RequestOptions> = { timeoutMs: 1000, maxRetries: 0, initialBackoffMs: 1, maxBackoffMs: 5 }
  const once: Client = client.withOptions(perCall)
  await once.withOptions({ maxRetries: 1 }).checkCredentials()
  const faults: Fault[] = [
    { type: 'latency', ms: 400 }, { type: 'server_error', status: 502 }, { type: 'server_error' },
    { type: 'too_many_requests', retry_after_secs: 0 }, { type: 'malformed_body' }, { type: 'truncated_body' },
    { type: 'drop_before_commit' }, { type: 'drop_after_commit' }, { type: 'token_expired' },
  ]
  const rules: FaultRule[] = faults.map((fault) => ({ route: '*', probability: 0.01, fault }))
  sandbox.setFaults(rules, { seed: 7 })
  sandbox.setFaults([{ route: 'POST /subscribe/payments/again', probability: 1, fault: { type: 'drop_after_commit' } }])
  const faultCounts: Partial<Record<FaultType, number>> = sandbox.faultCounts()
  sandbox.clearFaults()
  console.log(faultCounts.drop_after_commit ?? 0)
  await seedFlow(sandbox.client({ timeoutMs: 1000 }))
  await everyMethod(client)
  const counts: Record<string, number> = sandbox.requestCounts()
  const total: number = sandbox.totalRequests()
  const ledger: Payment[] = sandbox.ledger()
  sandbox.setResponseDelay(10)
  await schedules(client)
  sandbox.setWebhookUrl('http://127.0.0.1:8080/hook')
  await sandbox.advanceClock(60)
  sandbox.setWebhookUrl(null)
  const deliveries: WebhookDelivery[] = sandbox.webhookDeliveries()
  const delivery: WebhookDelivery | undefined = deliveries[0]
  if (delivery) {
    const status: number | null = delivery.status
    const error: string | null = delivery.error
    const deliveredAt: Date = delivery.at
    console.log(delivery.url, delivery.body, delivery.contentType, delivery.attempt, status, error, deliveredAt)
  }
  const now: Date = sandbox.now()
  sandbox.revokeTokens()
  sandbox.reset()
  console.log(counts, total, ledger.length, now, sandbox.toJSON())
  await sandbox.close()
  console.log(describe(new InvalidRequestError('x', { field: 'amount', reason: 'r' })), Client.fromEnv({ timeoutMs: 1000 }))
}

void withSandbox
