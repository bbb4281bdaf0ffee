// Types of the package's API (index.js). The request and result shapes are generated from the
// Rust source into native.d.ts; this file adds what the JS layer adds: `Card`, the error classes,
// and the promise-returning `Client` and `Sandbox`.

import type * as native from './native'

export type {
  Payment,
  PaymentCancel,
  VbankDeposit,
  Promotion,
  BillingKey,
  Buyer,
  CardDetails,
  PayAgainRequest,
  CancelPaymentRequest,
  RequestOptions,
  SandboxOptions,
  Schedule,
  ScheduleEntry,
  UnscheduleOptions,
  ListSchedulesOptions,
  ListPaymentsOptions,
  FoundBillingKeys,
  FoundPayments,
  VerifiedWebhook,
  WebhookDelivery,
  Exchange,
  LogRecord,
} from './native'

/** `ready`, `paid`, `failed`, `cancelled`, or a status this version does not know. */
export type PaymentStatus = native.Payment['status']

/** `scheduled`, `executed`, `revoked`, or a status this version does not know. */
export type ScheduleStatus = native.Schedule['scheduleStatus']

/** The stable `code` of each error class. */
export type ErrorCode = native.NativeError['code']

/** Settings of a `Client`. */
export interface ClientOptions extends native.ClientOptions {
  /** The REST API key (`imp_key`). */
  impKey: string
  /** The REST API secret (`imp_secret`). */
  impSecret: string
}

/** What a token provider returns: an access token and when it expires. */
export interface ProvidedToken {
  /** The access token (`access_token` of `POST /users/getToken`). */
  accessToken: string
  /** When it expires: unix seconds (`expired_at` of `POST /users/getToken`) or a Date. */
  expiredAt: number | Date
  /**
   * The issuer's clock when it handed the token out (`now` of `POST /users/getToken`), if known:
   * the lifetime is then `expiredAt - now`, whatever this machine's clock says.
   */
  now?: number | Date | null
}

/**
 * Supplies access tokens instead of a key and secret: typically a request to the merchant's own
 * backend, which holds the secret. Called when the client has no token, a minute before it
 * expires and once more after a 401; concurrent calls share one. Whatever it throws rejects the
 * call with `AuthenticationError` (anything token-shaped in the text masked).
 */
export type TokenProvider = () => ProvidedToken | Promise<ProvidedToken>

/** Settings of a `Client` that takes its access tokens from a provider. */
export interface TokenProviderClientOptions extends Omit<native.ClientOptions, 'impKey' | 'impSecret'> {
  tokenProvider: TokenProvider
}

/** Settings of `Client.fromEnv`, besides what the environment gives. */
export type ClientEnvOptions = Omit<native.ClientOptions, 'impKey' | 'impSecret' | 'baseUrl'>

/** `payOnetime`: a key-in payment; with `customerUid` the card is also stored as a billing key. */
export interface PayOnetimeRequest extends Omit<native.PayOnetimeRequest, 'card'> {
  card: Card
}

/** `issueBillingKey`: issue (or replace) the billing key `customerUid`. */
export interface IssueBillingKeyRequest extends Omit<native.IssueBillingKeyRequest, 'card'> {
  card: Card
}

/** `schedule`: future charges of the billing key `customerUid`; with `card`, the key is issued first. */
export interface ScheduleRequest extends Omit<native.ScheduleRequest, 'card'> {
  /** Only when `customerUid` has no billing key yet. */
  card?: Card
}

/** What a `Card` shows of itself: masks of the values it holds. */
export interface MaskedCard {
  cardNumber: string
  expiry: string
  birth?: string
  pwd2digit?: string
  cvc?: string
}

/**
 * Card data for `payOnetime` and `issueBillingKey`. The values stay in private fields;
 * `console.log`, `util.inspect`, `JSON.stringify` and `String()` show only masks.
 *
 * @throws {InvalidRequestError} when a value is not a string (the field is named).
 */
export declare class Card {
  constructor(details: native.CardDetails)
  /** The last four digits of the card number, for receipts. */
  readonly last4: string
  toJSON(): MaskedCard
  toString(): string
}

/**
 * The Iamport (PortOne V1) client. Every method returns a promise and runs its network calls off
 * the event loop; a failure rejects with an `IamportError` subclass.
 */
export declare class Client {
  /**
   * With `impKey` and `impSecret` (a server), or with a `tokenProvider` (anywhere the secret must
   * not be).
   * @throws {InvalidRequestError} for a missing key or secret, a bad URL, tier or timeout.
   */
  constructor(options: ClientOptions | TokenProviderClientOptions)
  /** A client from `IAMPORT_IMP_KEY`, `IAMPORT_IMP_SECRET` and (optional) `IAMPORT_BASE_URL`. */
  static fromEnv(options?: ClientEnvOptions): Client
  /** The API this client talks to; a user name and password in it are shown as `***`. */
  readonly baseUrl: string
  /**
   * The same client (same connections and access token) with the settings given replaced, e.g.
   * `client.withOptions({ maxRetries: 0 }).payAgain(...)`.
   *
   * @throws {InvalidRequestError} for a bad value (the field is named) or an unknown key.
   */
  withOptions(options: native.RequestOptions): Client
  /** Key-in payment with card data. A declined card rejects with `CardDeclinedError`. */
  payOnetime(request: PayOnetimeRequest): Promise<native.Payment>
  /** Issue (or replace) the billing key `customerUid`. */
  issueBillingKey(request: IssueBillingKeyRequest): Promise<native.BillingKey>
  /** The billing key stored under `customerUid`. */
  getBillingKey(customerUid: string): Promise<native.BillingKey>
  /** Delete the billing key stored under `customerUid`; resolves with what was deleted. */
  deleteBillingKey(customerUid: string, reason?: string): Promise<native.BillingKey>
  /** Charge the billing key `customerUid`. A declined card rejects with `CardDeclinedError`. */
  payAgain(request: native.PayAgainRequest): Promise<native.Payment>
  /** One payment by its `impUid` (test-channel payments included). */
  getPayment(impUid: string): Promise<native.Payment>
  /** The most recent payment attempt for `merchantUid`, optionally only in `status`. */
  findPayment(merchantUid: string, status?: PaymentStatus): Promise<native.Payment>
  /** Every attempt recorded under `merchantUid`, most recent first; empty when none. */
  findAllPayments(merchantUid: string, status?: PaymentStatus): Promise<native.Payment[]>
  /** Refund a payment fully or partly; pass `checksum` to make a repeated refund safe. */
  cancelPayment(request: native.CancelPaymentRequest): Promise<native.Payment>
  /** Fetches (or reuses) an access token: a cheap way to check the credentials. */
  checkCredentials(): Promise<void>
  /**
   * Schedule future charges of the billing key `customerUid` (issuing it first from `card`).
   * Resolves with the schedules made; each charge's outcome arrives later, by webhook.
   */
  schedule(request: ScheduleRequest): Promise<native.Schedule[]>
  /**
   * Revoke the listed scheduled charges (only those of `customerUid`, if given). An empty list
   * is refused (`INVALID_REQUEST` on `merchantUids`): use `unscheduleAll`.
   */
  unschedule(merchantUids: readonly string[], options?: native.UnscheduleOptions): Promise<native.Schedule[]>
  /** Revoke every pending scheduled charge of `customerUid`. */
  unscheduleAll(customerUid: string): Promise<native.Schedule[]>
  /** One scheduled charge. */
  getSchedule(merchantUid: string): Promise<native.Schedule>
  /** Move a pending scheduled charge to another time (a `Date` or unix seconds). */
  updateSchedule(merchantUid: string, scheduleAt: Date | number): Promise<native.Schedule>
  /** Schedule a failed or revoked charge again, at `scheduleAt`. */
  reschedule(merchantUid: string, scheduleAt: Date | number): Promise<native.Schedule>
  /** Charge a failed or revoked scheduled charge now. A decline rejects with `CardDeclinedError`. */
  retrySchedule(merchantUid: string): Promise<native.Payment>
  /**
   * Every scheduled charge in `[from, to)`: pages of 1000 fetched one at a time, when the
   * previous page has been read (`for await (const s of client.listSchedules({ from, to }))`).
   */
  listSchedules(options: native.ListSchedulesOptions): AsyncGenerator<native.Schedule, void, undefined>
  /** Every scheduled charge of `customerUid` in `[from, to)`, pages fetched as they are read. */
  listSchedulesByCustomer(
    customerUid: string,
    options: native.ListSchedulesOptions,
  ): AsyncGenerator<native.Schedule, void, undefined>
  /**
   * Every payment in `status` (default: every status) found in `[from, to]` (both inclusive; each
   * payment by the time of its status), in the order of `sorting` (default `-started`). `to`
   * defaults to now by the API's clock, `from` to 90 days before `to`. Any range: a range longer
   * than the API's 90-day window is read window by window, newest first for a descending
   * sorting. Pages of 1000 are fetched one at a time, when the previous page has been read
   * (`for await (const p of client.listPayments({ status: 'paid', from, to }))`). Bad options
   * reject the first `next()` with `InvalidRequestError`, before anything is sent.
   */
  listPayments(options?: native.ListPaymentsOptions): AsyncGenerator<native.Payment, void, undefined>
  /** Every payment made with the billing key `customerUid`, newest first, pages fetched as they are read. */
  listCustomerPayments(customerUid: string): AsyncGenerator<native.Payment, void, undefined>
  /** Several billing keys at once; ids without a key are listed in `missing`. */
  getBillingKeys(customerUids: readonly string[]): Promise<native.FoundBillingKeys>
  /** Several payments by `impUid` at once (at most 100); unknown ids are listed in `missing`. */
  getPayments(impUids: readonly string[]): Promise<native.FoundPayments>
  /**
   * Verify a webhook: parse the body (JSON or form, per `contentType`), fetch the payment by its
   * `imp_uid` and check its `merchant_uid`. Act on `payment` (the API's truth); deduplicate
   * deliveries on (`payment.impUid`, `reportedStatus`). A body that does not parse or lacks a
   * field rejects with `InvalidRequestError` naming it (`body`, `imp_uid`, `merchant_uid`,
   * `status`, `content_type`), as does a `merchant_uid` that differs from the payment's; an
   * unknown `imp_uid` with `NotFoundError`.
   */
  verifyWebhook(body: string | Uint8Array, contentType: string): Promise<native.VerifiedWebhook>
  toJSON(): { baseUrl: string }
}

/** Base class of every error the client throws or rejects with. */
export declare class IamportError extends Error {
  constructor(message: string, code: ErrorCode)
  readonly code: ErrorCode
  toJSON(): { name: string; message: string; code: ErrorCode } & Record<string, unknown>
}

/** The request failed validation; nothing was sent. */
export declare class InvalidRequestError extends IamportError {
  constructor(message: string, details?: { field?: string; reason?: string })
  readonly code: 'INVALID_REQUEST'
  /** The bad field, in the package's camelCase (`cardNumber`, `amount`, `timeoutMs`, ...). */
  readonly field: string
  readonly reason: string
}

/** The credentials or the access token were refused. */
export declare class AuthenticationError extends IamportError {
  constructor(message: string)
  readonly code: 'AUTHENTICATION'
}

/** The billing key, customer or payment does not exist. */
export declare class NotFoundError extends IamportError {
  constructor(message: string)
  readonly code: 'NOT_FOUND'
}

/** The card company declined the charge; the API recorded a payment with `status: 'failed'`. */
export declare class CardDeclinedError extends IamportError {
  constructor(message: string, details?: { payment?: native.Payment; failReason?: string | null })
  readonly code: 'CARD_DECLINED'
  readonly payment: native.Payment
  readonly failReason: string | null
}

/** The `merchantUid` already has a paid or cancelled payment: the order was not charged again. */
export declare class DuplicateOrderError extends IamportError {
  constructor(message: string, details?: { merchantUid?: string })
  readonly code: 'DUPLICATE_ORDER'
  /** The order that was already paid or cancelled. */
  readonly merchantUid: string
}

/** Any other failure reported by the API; `message` is the API's text, verbatim. */
export declare class ApiError extends IamportError {
  constructor(
    message: string,
    details?: { apiCode?: number | null; httpStatus?: number },
    code?: 'API_ERROR' | 'ALREADY_CANCELLED' | 'RATE_LIMITED',
  )
  readonly code: 'API_ERROR' | 'ALREADY_CANCELLED' | 'RATE_LIMITED'
  /** The API's `code`; `null` when the answer was not the API's JSON envelope. */
  readonly apiCode: number | null
  readonly httpStatus: number
}

/** The payment was already fully refunded: nothing was refunded now. An `ApiError`. */
export declare class AlreadyCancelledError extends ApiError {
  constructor(message: string, details?: { apiCode?: number | null; httpStatus?: number })
  readonly code: 'ALREADY_CANCELLED'
}

/** HTTP 429, also after the retries: nothing was processed. An `ApiError`. */
export declare class RateLimitedError extends ApiError {
  constructor(
    message: string,
    details?: { apiCode?: number | null; httpStatus?: number; retryAfterMs?: number | null },
  )
  readonly code: 'RATE_LIMITED'
  /** The server's `Retry-After`, in milliseconds; `null` when it sent none. */
  readonly retryAfterMs: number | null
}

/** The request could not be completed on the network. */
export declare class NetworkError extends IamportError {
  constructor(message: string, details?: { mayHaveReachedServer?: boolean })
  readonly code: 'NETWORK'
  readonly mayHaveReachedServer: boolean
}

/** No answer in time. */
export declare class TimeoutError extends IamportError {
  constructor(message: string, details?: { mayHaveReachedServer?: boolean })
  readonly code: 'TIMEOUT'
  readonly mayHaveReachedServer: boolean
}

/** The outcome of a charge could not be established: look the order up before charging again. */
export declare class OutcomeUnknownError extends IamportError {
  constructor(message: string, details?: { merchantUid?: string })
  readonly code: 'OUTCOME_UNKNOWN'
  readonly merchantUid: string
}

/** What an injected fault does (the sandbox's plan JSON). */
export type Fault =
  /** Processed at once, answered normally `ms` milliseconds later. */
  | { type: 'latency'; ms: number }
  /** Not processed; answered with this 5xx status (default 500). */
  | { type: 'server_error'; status?: number }
  /** Not processed; answered HTTP 429 with `Retry-After` (default 1 s). */
  | { type: 'too_many_requests'; retry_after_secs?: number }
  /** Processed, then answered HTTP 200 with a body that is not JSON. */
  | { type: 'malformed_body' }
  /** Processed, then the connection is closed halfway through the body. */
  | { type: 'truncated_body' }
  /** Not processed; the connection is closed without an answer. */
  | { type: 'drop_before_commit' }
  /** Processed (a charge is committed), then the connection is closed without an answer. */
  | { type: 'drop_after_commit' }
  /** Not processed; the access token is revoked and the request answered HTTP 401. */
  | { type: 'token_expired' }

/** The `type` names of faults, as counted by `faultCounts()`. */
export type FaultType = Fault['type']

/** One rule of a fault plan. */
export interface FaultRule {
  /** A route as counted in `requestCounts()` (`'POST /subscribe/payments/again'`), or `'*'`. */
  route: string
  /** Chance (0 to 1) that a matching request gets the fault. */
  probability: number
  fault: Fault
}

/** The embedded sandbox of the Iamport API, served in-process on 127.0.0.1, for tests. */
export declare class Sandbox {
  private constructor()
  /** Starts a sandbox on 127.0.0.1 and a free port. */
  static start(options?: native.SandboxOptions): Promise<Sandbox>
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  readonly impKey: string
  readonly impSecret: string
  /** A client for this sandbox. */
  client(options?: ClientEnvOptions): Client
  /** API requests so far, keyed by `"METHOD /route/template"`. */
  requestCounts(): Record<string, number>
  /** Number of API requests so far. */
  totalRequests(): number
  /** Every payment record, in creation order, as the API would return it now. */
  ledger(): native.Payment[]
  /** Holds back every API answer `ms` milliseconds from now on. */
  setResponseDelay(ms: number): void
  /**
   * Moves the sandbox clock forward (token expiry and timestamps follow it); resolves once the
   * schedules that became due ran and their webhooks were delivered.
   */
  advanceClock(seconds: number): Promise<void>
  /**
   * Resolves once every webhook queued so far has been delivered, retries included (an approved
   * `payOnetime` / `payAgain` sends one in the background, as the live API does).
   */
  settle(): Promise<void>
  /** The sandbox clock. */
  now(): Date
  /** Where webhooks without a `noticeUrl` go; `null` (the default): they are not sent. */
  setWebhookUrl(url: string | null): void
  /** Every webhook delivery attempt so far, oldest first. */
  webhookDeliveries(): native.WebhookDelivery[]
  /** The body encoding of webhooks queued from now on: `'json'` (the default) or `'form'`. */
  setWebhookFormat(format: 'json' | 'form'): void
  /** Extra delivery attempts of webhooks queued from now on, after a failed one (default 0). */
  setWebhookRetries(retries: number): void
  /** Every schedule, in creation order, as `getSchedule` would answer it now. */
  schedules(): native.Schedule[]
  /** The most recent API answers (at most 20 000), oldest first. */
  exchanges(): native.Exchange[]
  /** The fault plan in force, as `setFaults` took it, or `null`. */
  faultPlan(): { seed: number; rules: FaultRule[] } | null
  /**
   * Replaces the fault plan: each API request is matched against `rules` in order and the first
   * matching rule whose draw hits decides its fault; the draws start from `seed` (default 0).
   *
   * @throws {Error} for a plan the sandbox refuses (unknown route or fault, probability outside
   * 0 to 1, ...); nothing changes then.
   */
  setFaults(rules: readonly FaultRule[], options?: { seed?: number }): void
  /** Removes the fault plan; the fault counts stay readable. */
  clearFaults(): void
  /** Faults injected under the current plan, by type name; types never injected are absent. */
  faultCounts(): Partial<Record<FaultType, number>>
  /** Every issued access token gets HTTP 401 from now on. */
  revokeTokens(): void
  /** Clears payments, billing keys, schedules, tokens, counters and recorded webhook deliveries. */
  reset(): void
  /** Stops the server. */
  close(): Promise<void>
  toJSON(): { url: string; impKey: string }
}

/**
 * Sends the library's log events at `level` (default `'info'`) or above to `logger`: retries are
 * `info` (`fields.attempt`, `fields.waitMs`, `fields.errorKind`, `fields.merchantUid` for a
 * charge), ambiguous or unknown charge and refund outcomes `warn`. `null` stops. No event holds
 * card data or secrets.
 */
export declare function setLogger(
  logger: ((record: native.LogRecord) => void) | null,
  options?: { level?: native.LogRecord['level'] },
): void
