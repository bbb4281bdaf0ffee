//! The async client: configuration, access-token cache, one request pipeline, the operations.

use crate::error::{Context, Error, Result, from_api_failure};
use crate::models::{BillingKey, Payment, PaymentPage, PaymentStatus, TokenGrant};
use crate::requests::{
    CancelPaymentRequest, IssueBillingKeyRequest, PayAgainRequest, PayOnetimeRequest,
    check_customer_uid, check_imp_uid, check_merchant_uid,
};
use crate::retry::{RequestOptions, RetryPolicy, Verdict, verdict};
use crate::rules;
use crate::secret::{AccessToken, ImpSecret};
use crate::token::{ProvidedToken, TokenProvider};
use crate::transport::Transport;
use http::Method;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tracing::Instrument;
use url::Url;
use zeroize::Zeroizing;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.iamport.kr";
/// Total time allowed for one HTTP exchange.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Refresh a token this long before the API says it expires.
const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// The longest a token is trusted without asking again, whatever its expiry says.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// `findAll` page size used when collecting every attempt of an order.
const FIND_ALL_PAGE_SIZE: u32 = 100;

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    imp_key: Option<String>,
    imp_secret: Option<ImpSecret>,
    token_provider: Option<Arc<dyn TokenProvider>>,
    base_url: String,
    tier: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("imp_key", &self.imp_key)
            .field("imp_secret", &self.imp_secret)
            .field("token_provider", &self.token_provider.is_some())
            .field("base_url", &redact_url(&self.base_url))
            .field("tier", &self.tier)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            imp_key: None,
            imp_secret: None,
            token_provider: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            tier: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: concat!("iamport-subscribe-rust/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
        }
    }
}

impl ClientBuilder {
    /// The REST API key (`imp_key`).
    pub fn imp_key(mut self, imp_key: impl Into<String>) -> Self {
        self.imp_key = Some(imp_key.into());
        self
    }

    /// The REST API secret (`imp_secret`).
    pub fn imp_secret(mut self, imp_secret: impl Into<ImpSecret>) -> Self {
        self.imp_secret = Some(imp_secret.into());
        self
    }

    /// Take access tokens from `provider` instead of fetching them with `imp_key` and
    /// `imp_secret` (give one or the other): for clients that must not hold the secret, such as
    /// an app on a device. See [`crate::token`].
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.token_provider = Some(Arc::new(provider));
        self
    }

    /// Where the API is; default [`DEFAULT_BASE_URL`]. Plain `http://` is refused unless the host
    /// is loopback (a local sandbox).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Act for a sub-merchant: the `Tier` header (3 upper-case letters or digits). The key and
    /// secret are then the agency's.
    pub fn tier(mut self, tier: impl Into<String>) -> Self {
        self.tier = Some(tier.into());
        self
    }

    /// Total time allowed for one HTTP exchange; default 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed to connect; default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Retries of requests that are safe to repeat, and reconciliation of ambiguous charges;
    /// default: 2 retries, 0.5 s doubling to 5 s (see [`crate::retry`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Checks the configuration and creates the client (and its connection pool). A bad setting is
    /// `Error::InvalidRequest` naming it (`imp_key`, `base_url`, `timeout`, `user_agent`,
    /// `max_retries`, ...); nothing is sent.
    pub fn build(self) -> Result<Client> {
        let credentials = match self.token_provider {
            Some(provider) => {
                if self.imp_key.is_some() || self.imp_secret.is_some() {
                    return Err(Error::invalid(
                        "token_provider",
                        "replaces imp_key and imp_secret: give one or the other",
                    ));
                }
                Credentials::Provider(provider)
            }
            None => {
                let imp_key = self
                    .imp_key
                    .filter(|k| !k.trim().is_empty())
                    .ok_or_else(|| Error::invalid("imp_key", "is required"))?;
                rules::IMP_KEY.check(&imp_key)?;
                let imp_secret = self
                    .imp_secret
                    .filter(|s| !s.expose_secret().trim().is_empty())
                    .ok_or_else(|| Error::invalid("imp_secret", "is required"))?;
                rules::IMP_SECRET.check(imp_secret.expose_secret())?;
                Credentials::Secret {
                    imp_key,
                    imp_secret,
                }
            }
        };
        let base_url = parse_base_url(&self.base_url)?;
        let tier = match self.tier {
            None => None,
            Some(t) => {
                rules::check_tier(&t)?;
                Some(
                    HeaderValue::from_str(&t)
                        .map_err(|_| Error::invalid("tier", "is not a valid header value"))?,
                )
            }
        };
        rules::check_timeout("timeout", self.timeout)?;
        rules::check_timeout("connect_timeout", self.connect_timeout)?;
        rules::check_user_agent(&self.user_agent)?;
        self.retry.validate()?;
        let routes = Routes {
            pay_again: route_url(&base_url, &["subscribe", "payments", "again"], &[])?,
            pay_onetime: route_url(&base_url, &["subscribe", "payments", "onetime"], &[])?,
        };
        let http =
            Transport::new(&base_url, &self.user_agent, self.connect_timeout).map_err(|e| {
                // Every setting was checked above: what is left is the TLS stack failing to start.
                Error::Network {
                    message: format!("could not create the HTTP client: {e}"),
                    may_have_reached_server: false,
                }
            })?;
        Ok(Client {
            settings: Settings {
                timeout: None,
                retry: self.retry,
            },
            inner: Arc::new(Inner {
                http,
                timeout: self.timeout,
                base_url,
                credentials,
                tier,
                tokens: TokenCache::default(),
                routes,
            }),
        })
    }
}

/// `base` with `segments` appended to its path (each percent-encoded, so a `/` or `?` in an id
/// cannot change the route) and `query`.
fn route_url(base: &Url, segments: &[&str], query: &[(&str, &str)]) -> Result<Url> {
    let mut url = base.clone();
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| Error::invalid("base_url", "must be a plain base URL"))?;
        path.pop_if_empty().extend(segments);
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// The URLs every charge goes to, built once per client.
struct Routes {
    pay_again: Url,
    pay_onetime: Url,
}

/// `url` with the user name and password of its authority (`https://user:pass@host/`) replaced
/// by `***`, for display; anything else is kept as written.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..scheme_end], &rest[at..]),
        None => url.to_owned(),
    }
}

fn parse_base_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::invalid("base_url", format!("is not a URL ({e})")))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                None => false,
            };
            if !loopback {
                return Err(Error::invalid(
                    "base_url",
                    "must use https (plain http is allowed only for a loopback host)",
                ));
            }
        }
        other => {
            return Err(Error::invalid(
                "base_url",
                format!("has unsupported scheme {other:?}"),
            ));
        }
    }
    if url.cannot_be_a_base()
        || url.query().is_some()
        || url.fragment().is_some()
        || url.host_str().is_none_or(str::is_empty)
    {
        return Err(Error::invalid("base_url", "must be a plain base URL"));
    }
    Ok(url)
}

/// The Iamport V1 client. Cheap to clone (clones share the connection pool and the token) and
/// safe to use from many tasks at once.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    settings: Settings,
}

/// Per-client (or per-call, through `with_options`) settings.
#[derive(Clone, Debug)]
struct Settings {
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

/// One answer: status, the server's `Retry-After`, body.
struct Answer {
    status: u16,
    retry_after: Option<Duration>,
    bytes: bytes::Bytes,
}

struct Inner {
    http: Transport,
    /// Total time for one exchange, unless a call's options say otherwise.
    timeout: Duration,
    base_url: Url,
    credentials: Credentials,
    tier: Option<HeaderValue>,
    tokens: TokenCache,
    routes: Routes,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url_redacted())
            .field("credentials", &self.inner.credentials)
            .field("tier", &self.inner.tier)
            .field("retry", &self.settings.retry)
            .finish_non_exhaustive()
    }
}

/// Where access tokens come from.
enum Credentials {
    /// `POST /users/getToken` with the REST API key and secret.
    Secret {
        imp_key: String,
        imp_secret: ImpSecret,
    },
    /// The caller's function.
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Secret {
                imp_key,
                imp_secret,
            } => f
                .debug_struct("Secret")
                .field("imp_key", imp_key)
                .field("imp_secret", imp_secret)
                .finish(),
            Credentials::Provider(_) => f.write_str("TokenProvider"),
        }
    }
}

#[derive(Serialize)]
struct TokenRequest<'a> {
    imp_key: &'a str,
    imp_secret: &'a ImpSecret,
}

#[derive(Serialize)]
pub(crate) struct NoBody {}

impl Client {
    /// A builder with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `IAMPORT_IMP_KEY`, `IAMPORT_IMP_SECRET` and (optional) `IAMPORT_BASE_URL`.
    pub fn from_env() -> Result<Client> {
        Self::builder_from_env()?.build()
    }

    /// A builder preset from the environment, for further settings.
    pub fn builder_from_env() -> Result<ClientBuilder> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let key = var("IAMPORT_IMP_KEY")
            .ok_or_else(|| Error::invalid("IAMPORT_IMP_KEY", "is not set"))?;
        let secret = var("IAMPORT_IMP_SECRET")
            .ok_or_else(|| Error::invalid("IAMPORT_IMP_SECRET", "is not set"))?;
        let mut builder = Client::builder().imp_key(key).imp_secret(secret);
        if let Some(url) = var("IAMPORT_BASE_URL") {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// The same client (same connections and token) with per-call settings, e.g.
    /// `client.with_options(RequestOptions { retry: Some(RetryPolicy::none()), ..Default::default() })?`.
    /// A bad setting is `Error::InvalidRequest` naming it, as in [`ClientBuilder::build`].
    pub fn with_options(&self, options: RequestOptions) -> Result<Client> {
        options.validate()?;
        let mut settings = self.settings.clone();
        if options.timeout.is_some() {
            settings.timeout = options.timeout;
        }
        if let Some(retry) = options.retry {
            settings.retry = retry;
        }
        Ok(Client {
            inner: self.inner.clone(),
            settings,
        })
    }

    /// The API this client talks to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// [`Client::base_url`] with a user name and password in it shown as `***`: the form to
    /// display (`Debug`, logs, a binding's `repr`).
    pub fn base_url_redacted(&self) -> String {
        redact_url(self.base_url())
    }

    // -- operations ------------------------------------------------------------------------

    /// Key-in payment with card data (`POST /subscribe/payments/onetime`). With `customer_uid`
    /// the card is also stored as a billing key. A declined card is `Error::CardDeclined`.
    pub async fn pay_onetime(&self, request: &PayOnetimeRequest) -> Result<Payment> {
        request.validate()?;
        self.charge(
            &self.inner.routes.pay_onetime,
            request,
            &request.merchant_uid,
        )
        .await
    }

    /// Issue (or replace) the billing key `customer_uid` (`POST /subscribe/customers/{customer_uid}`).
    pub async fn issue_billing_key(&self, request: &IssueBillingKeyRequest) -> Result<BillingKey> {
        request.validate()?;
        self.call(
            Method::POST,
            &["subscribe", "customers", &request.customer_uid],
            &[],
            Some(request),
        )
        .await
    }

    /// The billing key stored under `customer_uid`.
    pub async fn get_billing_key(&self, customer_uid: &str) -> Result<BillingKey> {
        check_customer_uid(customer_uid)?;
        self.call(
            Method::GET,
            &["subscribe", "customers", customer_uid],
            &[],
            None::<&NoBody>,
        )
        .await
    }

    /// Delete the billing key stored under `customer_uid`; returns what was deleted.
    pub async fn delete_billing_key(
        &self,
        customer_uid: &str,
        reason: Option<&str>,
    ) -> Result<BillingKey> {
        check_customer_uid(customer_uid)?;
        rules::REASON.check_opt(reason)?;
        let query: Vec<(&str, &str)> = reason.map(|r| ("reason", r)).into_iter().collect();
        self.call(
            Method::DELETE,
            &["subscribe", "customers", customer_uid],
            &query,
            None::<&NoBody>,
        )
        .await
    }

    /// Charge the billing key `customer_uid` (`POST /subscribe/payments/again`). A declined card is
    /// `Error::CardDeclined`, never a success.
    pub async fn pay_again(&self, request: &PayAgainRequest) -> Result<Payment> {
        request.validate()?;
        self.charge(&self.inner.routes.pay_again, request, &request.merchant_uid)
            .await
    }

    /// One payment by its `imp_uid` (test-channel payments included).
    pub async fn get_payment(&self, imp_uid: &str) -> Result<Payment> {
        check_imp_uid(imp_uid)?;
        self.call(
            Method::GET,
            &["payments", imp_uid],
            &[("include_sandbox", "true")],
            None::<&NoBody>,
        )
        .await
    }

    /// The most recent payment attempt for `merchant_uid`, optionally only in `status`.
    pub async fn find_payment(
        &self,
        merchant_uid: &str,
        status: Option<&PaymentStatus>,
    ) -> Result<Payment> {
        check_merchant_uid(merchant_uid)?;
        rules::check_payment_status(status)?;
        let mut path = vec!["payments", "find", merchant_uid];
        if let Some(s) = status {
            path.push(s.as_str());
        }
        self.call(Method::GET, &path, &[], None::<&NoBody>).await
    }

    /// Every payment attempt recorded under `merchant_uid` (most recent first), optionally only
    /// those in `status`. Empty when nothing was recorded.
    pub async fn find_all_payments(
        &self,
        merchant_uid: &str,
        status: Option<&PaymentStatus>,
    ) -> Result<Vec<Payment>> {
        check_merchant_uid(merchant_uid)?;
        rules::check_payment_status(status)?;
        let mut path = vec!["payments", "findAll", merchant_uid];
        if let Some(s) = status {
            path.push(s.as_str());
        }
        let limit = FIND_ALL_PAGE_SIZE.to_string();
        let mut all = Vec::new();
        let mut page: u32 = 1;
        loop {
            let page_text = page.to_string();
            let query = [("page", page_text.as_str()), ("limit", limit.as_str())];
            let result: Result<PaymentPage> =
                self.call(Method::GET, &path, &query, None::<&NoBody>).await;
            let batch = match result {
                Ok(batch) => batch,
                // The API answers 404 when the order has no record at all.
                Err(Error::NotFound { .. }) if page == 1 => return Ok(all),
                Err(e) => return Err(e),
            };
            all.extend(batch.list);
            match batch.next {
                Some(next) if next > page => page = next,
                _ => return Ok(all),
            }
        }
    }

    /// Refund a payment fully or partly (`POST /payments/cancel`). Pass `checksum` to make a
    /// repeated partial refund safe.
    pub async fn cancel_payment(&self, request: &CancelPaymentRequest) -> Result<Payment> {
        request.validate()?;
        self.refund(request).await
    }

    /// Fetches (or reuses) an access token: a cheap way to check the credentials.
    pub async fn check_credentials(&self) -> Result<()> {
        self.inner.tokens.get(self).await.map(|_| ())
    }

    /// The API's clock now, read from a token grant asked for now (one `getToken`: a cached
    /// grant's clock would be stale after a sandbox's clock was advanced); the local clock if
    /// the grant gave none.
    pub(crate) async fn server_now(&self) -> Result<i64> {
        self.inner.tokens.renew(self).await?;
        Ok(self.inner.tokens.server_now().unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        }))
    }

    // -- pipeline --------------------------------------------------------------------------

    fn url(&self, segments: &[&str], query: &[(&str, &str)]) -> Result<Url> {
        route_url(&self.inner.base_url, segments, query)
    }

    /// An authenticated call with retries: lookups (GET) are repeated on any transient failure,
    /// other requests only when they provably did not take effect (see [`crate::retry`]).
    pub(crate) async fn call<T, B>(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, &str)],
        body: Option<&B>,
    ) -> Result<T>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
    {
        self.call_with(method, segments, query, body, "request")
            .await
    }

    /// [`Client::call`], naming `body_field` when the body is too large to send.
    pub(crate) async fn call_with<T, B>(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, &str)],
        body: Option<&B>,
        body_field: &str,
    ) -> Result<T>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
    {
        let url = self.url(segments, query)?;
        let body = encode_body(body, body_field)?;
        let repeatable = method == Method::GET;
        let mut retry = 0;
        loop {
            let Attempt {
                result,
                retry_after,
                token_refused,
            } = self.call_once(&method, &url, body.as_ref(), None).await;
            let again = match &result {
                Err(_) if token_refused => true,
                Err(e) => match verdict(e) {
                    Verdict::NotApplied => true,
                    Verdict::Ambiguous => repeatable,
                    Verdict::Final => false,
                },
                Ok(_) => false,
            };
            if !again || retry >= self.settings.retry.max_retries {
                return result;
            }
            self.pause(retry, retry_after, result.as_ref().err(), None)
                .await;
            retry += 1;
        }
    }

    /// Waits before retry number `retry` (0-based) of a request that failed with `cause`. Logged
    /// at INFO with structured fields (`attempt` is the number of the attempt about to be made).
    async fn pause(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        cause: Option<&Error>,
        merchant_uid: Option<&str>,
    ) {
        let wait = self.settings.retry.backoff(retry, retry_after);
        let (attempt, wait_ms) = (retry + 2, wait.as_millis() as u64);
        let error_kind = cause.map_or("", |e| e.kind().as_str());
        match merchant_uid {
            Some(merchant_uid) => {
                tracing::info!(merchant_uid, attempt, wait_ms, error_kind, "iamport retry")
            }
            None => tracing::info!(attempt, wait_ms, error_kind, "iamport retry"),
        }
        tokio::time::sleep(wait).await;
    }

    /// One authenticated exchange: the token is attached, a 401 refreshes it once and retries once.
    async fn call_once<T: DeserializeOwned>(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&Zeroizing<Vec<u8>>>,
        order: Option<&str>,
    ) -> Attempt<T> {
        let mut refreshed = false;
        loop {
            let token = match self.inner.tokens.get(self).await {
                Ok(t) => t,
                Err(e) => return Attempt::of(Err(e), None),
            };
            let Some(auth) = token.authorization.clone() else {
                let e = Error::Api {
                    http_status: 200,
                    code: Some(0),
                    message: "the access token is not a valid header value".to_owned(),
                };
                return Attempt::of(Err(e), None);
            };
            let answer = match self.send(method.clone(), url, Some(auth), body).await {
                Ok(a) => a,
                Err(e) => return Attempt::of(Err(e), None),
            };
            if answer.status == 401 && !refreshed {
                refreshed = true;
                self.inner.tokens.invalidate(token.generation);
                continue;
            }
            return Attempt {
                // Refused for its token even after a refresh: nothing was processed, and the
                // token may have been revoked by a race, so the request may be tried again.
                token_refused: answer.status == 401,
                result: decode(
                    &answer,
                    Decoding {
                        sensitive: false,
                        order,
                    },
                ),
                retry_after: answer.retry_after,
            };
        }
    }

    /// A charge, reconciled by `merchant_uid` whenever its outcome is ambiguous.
    async fn charge<B: Serialize + ?Sized>(
        &self,
        url: &Url,
        request: &B,
        merchant_uid: &str,
    ) -> Result<Payment> {
        let body = encode_body(Some(request), "request")?;
        // The server's clock when this call began: failed attempts recorded before are not ours.
        self.inner.tokens.get(self).await?;
        let began = self.inner.tokens.server_now();
        let unknown = || {
            tracing::warn!(merchant_uid, "iamport charge outcome unknown");
            Error::OutcomeUnknown {
                merchant_uid: merchant_uid.to_owned(),
            }
        };
        let mut retry = 0;
        let mut maybe_applied = false;
        loop {
            let Attempt {
                result,
                retry_after,
                token_refused,
            } = self
                .call_once::<Payment>(&Method::POST, url, body.as_ref(), Some(merchant_uid))
                .await;
            let error = match result {
                Ok(payment) => return declined_or_paid(payment),
                // Refused as a duplicate after an ambiguous attempt: that attempt went through.
                Err(Error::DuplicateOrder { .. }) if maybe_applied => {
                    return match self.charge_outcome(merchant_uid, began).await {
                        Some(Ok(found)) => declined_or_paid(found),
                        _ => Err(unknown()),
                    };
                }
                Err(e) => e,
            };
            let verdict = if token_refused {
                Verdict::NotApplied
            } else {
                verdict(&error)
            };
            match verdict {
                // Definite, unless an earlier attempt may have gone through: then only the ledger
                // can tell.
                Verdict::Final if maybe_applied => {
                    return match self.charge_outcome(merchant_uid, began).await {
                        Some(Ok(found)) => declined_or_paid(found),
                        _ => Err(unknown()),
                    };
                }
                Verdict::Final => return Err(error),
                Verdict::NotApplied if retry >= self.settings.retry.max_retries => {
                    return Err(if maybe_applied { unknown() } else { error });
                }
                Verdict::NotApplied => {}
                Verdict::Ambiguous => {
                    maybe_applied = true;
                    let error_kind = error.kind().as_str();
                    tracing::warn!(
                        merchant_uid,
                        error_kind,
                        error = %error,
                        "iamport charge outcome ambiguous: looking it up"
                    );
                    match self.charge_outcome(merchant_uid, began).await {
                        Some(Ok(found)) => return declined_or_paid(found),
                        // Nothing recorded: re-send while the budget lasts (the duplicate guard
                        // backs a paid attempt that lands late).
                        None if retry < self.settings.retry.max_retries => {}
                        // A failed lookup (itself retried) proves nothing: re-sending could
                        // record a second decline, which no guard stops.
                        _ => return Err(unknown()),
                    }
                }
            }
            self.pause(retry, retry_after, Some(&error), Some(merchant_uid))
                .await;
            retry += 1;
        }
    }

    /// What became of a charge: the order's paid (or since refunded) payment, else a failed
    /// attempt made since `began`; `None` when nothing of this call is recorded, `Some(Err)` when
    /// the lookup failed.
    async fn charge_outcome(
        &self,
        merchant_uid: &str,
        began: Option<i64>,
    ) -> Option<Result<Payment>> {
        let attempts = match self.find_all_payments(merchant_uid, None).await {
            Ok(a) => a,
            Err(e) => return Some(Err(e)),
        };
        if let Some(paid) = attempts
            .iter()
            .find(|p| matches!(p.status, PaymentStatus::Paid | PaymentStatus::Cancelled))
        {
            return Some(Ok(paid.clone()));
        }
        // A failed attempt counts only if made during this call (a minute's leeway for the
        // estimate of the server's clock); attempts come most recent first.
        let ours = |p: &&Payment| match (began, p.started_at) {
            (Some(began), Some(started)) => started >= began - 60,
            _ => false,
        };
        attempts
            .iter()
            .filter(|p| p.status == PaymentStatus::Failed)
            .find(ours)
            .cloned()
            .map(Ok)
    }

    /// A refund, reconciled through the payment's balance whenever its outcome is ambiguous.
    async fn refund(&self, request: &CancelPaymentRequest) -> Result<Payment> {
        let url = self.url(&["payments", "cancel"], &[])?;
        let body = encode_body(Some(request), "request")?;
        let order = request
            .merchant_uid
            .clone()
            .or_else(|| request.imp_uid.clone())
            .unwrap_or_default();
        let unknown = || {
            tracing::warn!(merchant_uid = %order, "iamport refund outcome unknown");
            Error::OutcomeUnknown {
                merchant_uid: order.clone(),
            }
        };
        let mut retry = 0;
        let mut maybe_applied = false;
        loop {
            let Attempt {
                result,
                retry_after,
                token_refused,
            } = self
                .call_once::<Payment>(&Method::POST, &url, body.as_ref(), None)
                .await;
            let error = match result {
                Ok(payment) => return Ok(payment),
                Err(e) => e,
            };
            let verdict = if token_refused {
                Verdict::NotApplied
            } else {
                verdict(&error)
            };
            // A definite refusal of the first attempt is the answer. After an ambiguous attempt
            // ("already cancelled", checksum mismatch) it may mean that attempt went through.
            if verdict == Verdict::Final && !maybe_applied {
                return Err(error);
            }
            if verdict != Verdict::NotApplied {
                maybe_applied = true;
                let error_kind = error.kind().as_str();
                tracing::warn!(
                    merchant_uid = %order,
                    error_kind,
                    error = %error,
                    "iamport refund outcome ambiguous: looking it up"
                );
                match self.refund_outcome(request).await {
                    RefundOutcome::Done(payment) => return Ok(*payment),
                    RefundOutcome::NotDone if verdict == Verdict::Final => return Err(error),
                    RefundOutcome::NotDone => {}
                    RefundOutcome::Unknown => return Err(unknown()),
                }
            }
            if retry >= self.settings.retry.max_retries {
                return Err(if maybe_applied { unknown() } else { error });
            }
            self.pause(retry, retry_after, Some(&error), Some(&order))
                .await;
            retry += 1;
        }
    }

    async fn refund_outcome(&self, request: &CancelPaymentRequest) -> RefundOutcome {
        let payment = match (&request.imp_uid, &request.merchant_uid) {
            (Some(imp_uid), _) => self.get_payment(imp_uid).await,
            (None, Some(merchant_uid)) => self
                .find_all_payments(merchant_uid, None)
                .await
                .and_then(|all| {
                    all.into_iter()
                        .find(|p| {
                            matches!(p.status, PaymentStatus::Paid | PaymentStatus::Cancelled)
                        })
                        .ok_or_else(|| Error::NotFound {
                            message: "no paid payment for this merchant_uid".to_owned(),
                        })
                }),
            (None, None) => return RefundOutcome::Unknown,
        };
        let Ok(payment) = payment else {
            return RefundOutcome::Unknown;
        };
        match (request.amount, request.checksum) {
            // A full refund is done once the payment is cancelled.
            (None, _) if payment.status == PaymentStatus::Cancelled => {
                RefundOutcome::Done(Box::new(payment))
            }
            (None, _) => RefundOutcome::NotDone,
            // A partial refund is recognised by the balance it leaves behind.
            (Some(amount), Some(checksum)) => {
                let left = payment.cancellable_amount().as_decimal();
                if left == checksum.as_decimal() - amount.as_decimal() {
                    RefundOutcome::Done(Box::new(payment))
                } else if left == checksum.as_decimal() {
                    RefundOutcome::NotDone
                } else {
                    RefundOutcome::Unknown
                }
            }
            // Without a checksum one partial refund cannot be told from another.
            (Some(_), None) => RefundOutcome::Unknown,
        }
    }

    /// A new token from the provider, or from `POST /users/getToken`.
    async fn fetch_token(&self) -> Result<TokenGrant> {
        match &self.inner.credentials {
            Credentials::Secret {
                imp_key,
                imp_secret,
            } => self.get_token(imp_key, imp_secret).await,
            Credentials::Provider(provider) => {
                let provided =
                    provider
                        .access_token()
                        .await
                        .map_err(|e| Error::Authentication {
                            message: format!("the token provider failed: {e}"),
                        })?;
                grant_from_provider(provided)
            }
        }
    }

    /// `POST /users/getToken`, repeated on transient failures (asking again is always safe: the
    /// API hands out the same token while it is valid).
    async fn get_token(&self, imp_key: &str, imp_secret: &ImpSecret) -> Result<TokenGrant> {
        let url = self.url(&["users", "getToken"], &[])?;
        let body = encode_body(
            Some(&TokenRequest {
                imp_key,
                imp_secret,
            }),
            "request",
        )?;
        let mut retry = 0;
        loop {
            let (result, retry_after) =
                match self.send(Method::POST, &url, None, body.as_ref()).await {
                    Ok(answer) => (
                        decode(
                            &answer,
                            Decoding {
                                sensitive: true,
                                order: None,
                            },
                        ),
                        answer.retry_after,
                    ),
                    Err(e) => (Err(e), None),
                };
            match &result {
                Err(e)
                    if verdict(e) != Verdict::Final && retry < self.settings.retry.max_retries =>
                {
                    self.pause(retry, retry_after, Some(e), None).await;
                    retry += 1;
                }
                _ => return result,
            }
        }
    }

    /// One HTTP exchange, traced without its body.
    async fn send(
        &self,
        method: Method,
        url: &Url,
        auth: Option<HeaderValue>,
        body: Option<&Zeroizing<Vec<u8>>>,
    ) -> Result<Answer> {
        let span = tracing::debug_span!(
            "iamport.request",
            method = %method,
            path = %url.path(),
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let mut request = self.inner.http.request(method, url)?;
        if let Some(auth) = auth {
            request = request.header(AUTHORIZATION, auth);
        }
        if let Some(tier) = &self.inner.tier {
            request = request.header("Tier", tier.clone());
        }
        let body = match body {
            Some(body) => {
                request =
                    request.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                bytes::Bytes::copy_from_slice(body)
            }
            None => bytes::Bytes::new(),
        };
        let request = request
            .body(http_body_util::Full::new(body))
            .map_err(|e| Error::invalid("request", format!("could not be built: {e}")))?;
        let timeout = self.settings.timeout.unwrap_or(self.inner.timeout);
        let result = async {
            let answer = self.inner.http.send(request, timeout).await?;
            let retry_after = answer
                .headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            Ok(Answer {
                status: answer.status.as_u16(),
                retry_after,
                bytes: answer.body,
            })
        }
        .instrument(span.clone())
        .await;
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        span.record("latency_ms", latency_ms);
        match &result {
            Ok(Answer { status, .. }) => {
                span.record("status", status);
                tracing::debug!(parent: &span, status, latency_ms, "iamport answered");
            }
            Err(e) => {
                tracing::debug!(parent: &span, error = %e, latency_ms, "iamport request failed")
            }
        }
        result
    }
}

/// A provider's token as a grant, checked: usable in a header and not yet expired.
fn grant_from_provider(provided: ProvidedToken) -> Result<TokenGrant> {
    let refuse = |what: &str| Error::Authentication {
        message: format!("the token provider returned {what}"),
    };
    let token = provided.access_token.expose_secret();
    if token.trim().is_empty() {
        return Err(refuse("an empty access token"));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(refuse(
            "an access token with characters a header cannot carry",
        ));
    }
    let now = provided.now.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    });
    if provided.expired_at > rules::MAX_TIMESTAMP {
        return Err(refuse(
            "an expiry after the year 9999: unix time is in seconds, not milliseconds",
        ));
    }
    if provided.expired_at <= now {
        return Err(refuse("an access token that has already expired"));
    }
    Ok(TokenGrant {
        access_token: provided.access_token,
        now,
        expired_at: provided.expired_at,
    })
}

/// The JSON body, refused as `InvalidRequest` naming `field` when larger than
/// [`rules::MAX_BODY_BYTES`].
fn encode_body<B: Serialize + ?Sized>(
    body: Option<&B>,
    field: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>> {
    let Some(body) = body else { return Ok(None) };
    let bytes = serde_json::to_vec(body)
        .map(Zeroizing::new)
        // Serialisation of our own request types fails only for a bad amount; say which.
        .map_err(|e| Error::invalid(field, format!("could not be encoded: {e}")))?;
    if bytes.len() > rules::MAX_BODY_BYTES {
        return Err(Error::invalid(
            field,
            format!(
                "makes a request of {} bytes; at most {} bytes are sent at once (split it over \
                 several calls)",
                bytes.len(),
                rules::MAX_BODY_BYTES
            ),
        ));
    }
    Ok(Some(bytes))
}

pub(crate) fn declined_or_paid(payment: Payment) -> Result<Payment> {
    if payment.status == PaymentStatus::Failed {
        return Err(Error::CardDeclined {
            fail_reason: payment.fail_reason.clone(),
            payment: Box::new(payment),
        });
    }
    Ok(payment)
}

#[derive(Deserialize)]
struct Envelope<'a> {
    code: Option<i64>,
    message: Option<String>,
    #[serde(borrow)]
    response: Option<&'a RawValue>,
}

/// The envelope of a success, read together with its `response` in one pass. `message` is read
/// (not kept) so that this accepts exactly what [`Envelope`] accepts.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct Success<'a, T> {
    code: Option<i64>,
    #[serde(borrow)]
    #[allow(dead_code)]
    message: Option<std::borrow::Cow<'a, str>>,
    response: Option<T>,
}

/// The result of a success answer (2xx, `code: 0`, a `response` of type `T`) in one pass over
/// the body; `None` for anything else, which [`decode`] then reads again to say what is wrong.
fn decode_success<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Option<T> {
    if !(200..300).contains(&status) {
        return None;
    }
    // Checking the UTF-8 of the whole body at once is cheaper than string by string.
    let text = std::str::from_utf8(bytes).ok()?;
    match serde_json::from_str::<Success<T>>(text) {
        Ok(Success {
            code: Some(0),
            response: Some(value),
            ..
        }) => Some(value),
        _ => None,
    }
}

/// How to read an answer: `sensitive` (the token's) answers give no decoding detail; `order` is
/// the `merchant_uid` a charge was for.
#[derive(Clone, Copy)]
struct Decoding<'a> {
    sensitive: bool,
    order: Option<&'a str>,
}

/// Decodes the `{code, message, response}` envelope and maps failures.
fn decode<T: DeserializeOwned>(answer: &Answer, how: Decoding<'_>) -> Result<T> {
    // The common case in one pass; anything else is read again, envelope first, to say why.
    match decode_success(answer.status, &answer.bytes) {
        Some(value) => Ok(value),
        None => decode_envelope(answer, how),
    }
}

/// [`decode`] in two steps: the envelope (its `response` kept as raw JSON), then the response.
fn decode_envelope<T: DeserializeOwned>(answer: &Answer, how: Decoding<'_>) -> Result<T> {
    let status = answer.status;
    let context = Context {
        order: how.order,
        retry_after: answer.retry_after,
    };
    let ok_status = (200..300).contains(&status);
    let envelope: Envelope<'_> = match serde_json::from_slice(&answer.bytes) {
        Ok(env) => env,
        Err(_) if ok_status => {
            return Err(Error::Api {
                http_status: status,
                code: None,
                message: "the answer is not the API's JSON envelope".to_owned(),
            });
        }
        Err(_) => {
            return Err(from_api_failure(
                status,
                None,
                format!("HTTP {status}"),
                context,
            ));
        }
    };
    let Some(code) = envelope.code else {
        return Err(Error::Api {
            http_status: status,
            code: None,
            message: "the answer has no `code`".to_owned(),
        });
    };
    if code != 0 || !ok_status {
        let message = envelope.message.unwrap_or_else(|| format!("HTTP {status}"));
        return Err(from_api_failure(status, Some(code), message, context));
    }
    let raw = envelope
        .response
        .filter(|r| r.get() != "null")
        .ok_or_else(|| Error::Api {
            http_status: status,
            code: Some(0),
            message: "the answer has no `response`".to_owned(),
        })?;
    serde_json::from_str(raw.get()).map_err(|e| Error::Api {
        http_status: status,
        code: Some(0),
        message: if how.sensitive {
            "could not decode the token answer".to_owned()
        } else {
            format!("could not decode the response: {e}")
        },
    })
}

pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

// -- token cache ------------------------------------------------------------------------------

/// One access token shared by every clone of a client.
///
/// Reads take a short read lock; a refresh happens under an async mutex, so any number of
/// concurrent callers on a cold or expiring cache cause exactly one `getToken`.
#[derive(Default)]
struct TokenCache {
    current: RwLock<Option<Arc<CachedToken>>>,
    refresh: tokio::sync::Mutex<()>,
    generations: AtomicU64,
    /// The server's clock (`now` of the last grant) and when it was read: an estimate of the
    /// server's time, used to tell this call's charge attempts from older ones.
    server_clock: RwLock<Option<(i64, Instant)>>,
}

struct CachedToken {
    /// `Bearer <token>`, built once per grant and marked sensitive (never printed by `http`);
    /// `None` when the token cannot be a header value.
    authorization: Option<HeaderValue>,
    refresh_at: Instant,
    generation: u64,
}

impl CachedToken {
    fn new(token: &AccessToken, refresh_at: Instant, generation: u64) -> Self {
        let bearer = Zeroizing::new(format!("Bearer {}", token.expose_secret()));
        let authorization = HeaderValue::from_str(&bearer).ok().map(|mut value| {
            value.set_sensitive(true);
            value
        });
        CachedToken {
            authorization,
            refresh_at,
            generation,
        }
    }
}

impl TokenCache {
    fn fresh(&self) -> Option<Arc<CachedToken>> {
        let guard = self.current.read().unwrap_or_else(PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|t| Instant::now() < t.refresh_at)
            .cloned()
    }

    async fn get(&self, client: &Client) -> Result<Arc<CachedToken>> {
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        let _refreshing = self.refresh.lock().await;
        // Someone else may have refreshed while this caller waited.
        if let Some(token) = self.fresh() {
            return Ok(token);
        }
        self.grant(client).await
    }

    /// Asks for a grant now, whatever the cache holds: the API answers the same token while it
    /// is valid, and its clock's `now`.
    async fn renew(&self, client: &Client) -> Result<Arc<CachedToken>> {
        let _refreshing = self.refresh.lock().await;
        self.grant(client).await
    }

    /// `getToken` and caching its answer; callers hold the `refresh` lock.
    async fn grant(&self, client: &Client) -> Result<Arc<CachedToken>> {
        let asked_at = Instant::now();
        let grant = client.fetch_token().await?;
        *self
            .server_clock
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some((grant.now, Instant::now()));
        // Lifetime from the server's own clock (`expired_at - now`), so local clock skew does not
        // matter; counted from when we asked, to stay on the safe side.
        // (At most a day: a provider may claim any expiry, and an Instant cannot hold every one.)
        let lifetime = Duration::from_secs(
            u64::try_from(grant.expired_at.saturating_sub(grant.now)).unwrap_or(0),
        )
        .min(MAX_TOKEN_LIFETIME);
        let margin = TOKEN_REFRESH_MARGIN.min(lifetime / 2);
        let cached = Arc::new(CachedToken::new(
            &grant.access_token,
            asked_at + (lifetime - margin),
            self.generations.fetch_add(1, Ordering::Relaxed) + 1,
        ));
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(cached.clone());
        Ok(cached)
    }

    /// The server's time now, estimated from the last grant.
    fn server_now(&self) -> Option<i64> {
        let clock = *self
            .server_clock
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        clock.map(|(now, at)| now + i64::try_from(at.elapsed().as_secs()).unwrap_or(0))
    }

    /// Drops the token of `generation` after the API refused it (a newer one is kept).
    fn invalidate(&self, generation: u64) {
        let mut guard = self.current.write().unwrap_or_else(PoisonError::into_inner);
        if guard.as_ref().is_some_and(|t| t.generation == generation) {
            *guard = None;
        }
    }
}

/// One authenticated exchange's outcome.
struct Attempt<T> {
    result: Result<T>,
    retry_after: Option<Duration>,
    /// The API refused the access token (even after one refresh).
    token_refused: bool,
}

impl<T> Attempt<T> {
    fn of(result: Result<T>, retry_after: Option<Duration>) -> Self {
        Attempt {
            result,
            retry_after,
            token_refused: false,
        }
    }
}

/// What an ambiguous refund turned out to be.
enum RefundOutcome {
    Done(Box<Payment>),
    NotDone,
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass decoding of a success must give what the two-step decoding gives, for every
    /// answer: the same payment, or the same error.
    #[test]
    fn one_pass_decoding_agrees_with_the_envelope_first_decoding() {
        let paid = r#"{"imp_uid":"imps_1","merchant_uid":"o1","amount":9900,"status":"paid","paid_at":1700000000,"fail_reason":"a \"quoted\" \\ reason \u00e9"}"#;
        let declined =
            r#"{"imp_uid":"imps_2","merchant_uid":"o2","amount":9900,"status":"failed"}"#;
        // `P` stands for the paid payment, `D` for the declined one.
        let answers: &[(u16, &str)] = &[
            (200, r#"{"code":0,"message":null,"response":P}"#),
            (200, r#"{"response":P,"code":0}"#),
            (200, r#"{"code":0,"message":"ok","response":D}"#),
            (200, r#"{"code":0,"message":"\uc131\uacf5","response":P}"#),
            (200, r#"{"code":0,"message":5,"response":P}"#),
            (200, r#"{"code":0,"message":null,"response":P} trailing"#),
            (200, r#"{"code":0,"code":0,"response":P}"#),
            (200, r#"{"code":1,"message":"duplicate","response":P}"#),
            (
                200,
                r#"{"code":1,"message":"no such billing key","response":null}"#,
            ),
            (
                200,
                r#"{"code":-1,"message":"rejected","response":{"other":"shape"}}"#,
            ),
            (200, r#"{"code":0,"message":null,"response":null}"#),
            (200, r#"{"code":0,"message":null}"#),
            (200, r#"{"code":0,"response":{"imp_uid":"x"}}"#),
            (200, r#"{"code":0,"response":[1,2]}"#),
            (200, r#"{"message":null,"response":P}"#),
            (200, r#"{"code":"0","response":P}"#),
            (200, "<html>bad gateway</html>"),
            (200, ""),
            (
                401,
                r#"{"code":-1,"message":"Unauthorized","response":null}"#,
            ),
            (500, r#"{"code":0,"message":null,"response":P}"#),
            (503, "Service Unavailable"),
            (404, r#"{"code":1,"message":"not found","response":null}"#),
        ];
        let mut bodies: Vec<(u16, Vec<u8>)> = answers
            .iter()
            .map(|(status, a)| (*status, a.replace('P', paid).replace('D', declined).into()))
            .collect();
        // Not UTF-8 inside a string, and a lone byte.
        bodies.push((
            200,
            b"{\"code\":0,\"response\":{\"imp_uid\":\"\xff\"}}".to_vec(),
        ));
        bodies.push((200, b"\xff".to_vec()));
        for (status, body) in &bodies {
            let answer = Answer {
                status: *status,
                retry_after: None,
                bytes: bytes::Bytes::copy_from_slice(body),
            };
            let how = Decoding {
                sensitive: false,
                order: Some("o1"),
            };
            assert_eq!(
                format!("{:?}", decode::<Payment>(&answer, how)),
                format!("{:?}", decode_envelope::<Payment>(&answer, how)),
                "HTTP {status}: {}",
                String::from_utf8_lossy(body)
            );
        }
        // The common case takes the one-pass road.
        let first = &bodies[0].1;
        let one_pass = decode_success::<Payment>(200, first).map(|p| p.imp_uid);
        assert_eq!(one_pass.as_deref(), Some("imps_1"));
    }

    #[test]
    fn credentials_in_a_base_url_are_redacted() {
        for (raw, shown) in [
            (
                "https://user:pa55@api.example/v1",
                "https://***@api.example/v1",
            ),
            ("https://user@api.example", "https://***@api.example"),
            ("https://api.example/a@b", "https://api.example/a@b"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
            ("not a url", "not a url"),
        ] {
            assert_eq!(redact_url(raw), shown);
        }
        let client = Client::builder()
            .imp_key("k")
            .imp_secret("s")
            .base_url("https://user:pa55@api.example/")
            .build();
        let shown = client.map(|c| (c.base_url_redacted(), format!("{c:?}")));
        let (redacted, debug) = shown.unwrap_or_default();
        assert_eq!(redacted, "https://***@api.example/");
        assert!(
            !debug.contains("pa55") && debug.contains("***@api.example"),
            "{debug}"
        );
    }
}
