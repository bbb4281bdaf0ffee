//! The HTTP transport: HTTP/1.1 over hyper-util's connection pool, TLS with rustls (aws-lc-rs)
//! and the platform's certificate verifier (with the `webpki-roots` feature: a fixed root store),
//! the system's proxy settings, a connect timeout and a total timeout per exchange.
//!
//! A client talks to one base URL, so everything that depends only on it — the scheme and
//! authority of every request, whether and how a proxy is used — is decided once, when the client
//! is built. (reqwest, used before, decided it again for every request: it re-parsed each URL
//! twice and matched the proxy rules each time, about a third of the CPU of a charge; see
//! BENCHMARKS.md.)

use crate::error::Error;
use bytes::Bytes;
use http::header::{ACCEPT, HOST, HeaderMap, HeaderValue, PROXY_AUTHORIZATION, USER_AGENT};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::pki_types::ServerName;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use url::Url;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long an idle pooled connection is kept (reqwest's default).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// A pooled HTTP/1.1 client bound to one base URL.
#[derive(Clone)]
pub(crate) struct Transport {
    pool: hyper_util::client::legacy::Client<Connector, Full<Bytes>>,
    scheme: Scheme,
    authority: Authority,
    /// `Host`: the authority (the url crate leaves a default port out, as `Host` wants).
    host: HeaderValue,
    user_agent: HeaderValue,
    /// `Proxy-Authorization` for plain-HTTP requests sent to a proxy (a tunnel carries its own).
    proxy_authorization: Option<HeaderValue>,
}

/// An answer: status, headers, the whole body.
pub(crate) struct Exchange {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Transport {
    /// The transport for `base`, with the system's proxy settings (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, `NO_PROXY`, and the OS settings on macOS and Windows).
    pub(crate) fn new(
        base: &Url,
        user_agent: &str,
        connect_timeout: Duration,
    ) -> Result<Transport, String> {
        Self::with_proxies(base, user_agent, connect_timeout, &Matcher::from_system())
    }

    pub(crate) fn with_proxies(
        base: &Url,
        user_agent: &str,
        connect_timeout: Duration,
        proxies: &Matcher,
    ) -> Result<Transport, String> {
        let scheme = match base.scheme() {
            "https" => Scheme::HTTPS,
            "http" => Scheme::HTTP,
            other => return Err(format!("unsupported scheme {other:?}")),
        };
        let host = base.host_str().ok_or("the base URL has no host")?;
        let authority: Authority = match base.port() {
            Some(port) => format!("{host}:{port}").parse(),
            None => host.parse(),
        }
        .map_err(|e| format!("the base URL's host is not valid in HTTP ({e})"))?;
        let host = HeaderValue::from_str(authority.as_str()).map_err(|e| e.to_string())?;
        let user_agent = HeaderValue::from_str(user_agent)
            .map_err(|_| "the user agent is not a valid header value".to_owned())?;
        let origin = Uri::builder()
            .scheme(scheme.clone())
            .authority(authority.clone())
            .path_and_query("/")
            .build()
            .map_err(|e| e.to_string())?;

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let tls = Arc::new(tls_config()?);
        let (route, proxy_authorization) = match proxies.intercept(&origin) {
            None => (Route::Direct, None),
            Some(proxy) => {
                let auth = proxy.basic_auth().cloned().map(|mut v| {
                    v.set_sensitive(true);
                    v
                });
                let proxy_uri = proxy.uri().clone();
                // (Not the proxy's URL in the message: it may hold a password.)
                match proxy_uri.scheme_str() {
                    Some("http" | "https") => {}
                    other => return Err(format!("unsupported proxy scheme {other:?}")),
                }
                if scheme == Scheme::HTTPS {
                    let mut headers = HeaderMap::new();
                    headers.insert(USER_AGENT, user_agent.clone());
                    let mut tunnel =
                        Tunnel::new(proxy_uri, FirstHop::new(http.clone(), tls.clone()))
                            .with_headers(headers);
                    if let Some(auth) = auth {
                        tunnel = tunnel.with_auth(auth);
                    }
                    (Route::Tunnel(tunnel), None)
                } else {
                    (Route::Forward(proxy_uri), auth)
                }
            }
        };
        let connector = Connector {
            first_hop: FirstHop::new(http, tls.clone()),
            tls: TlsConnector::from(tls),
            route,
            timeout: connect_timeout,
        };
        let pool = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        Ok(Transport {
            pool,
            scheme,
            authority,
            host,
            user_agent,
            proxy_authorization,
        })
    }

    /// A request for `url` (on this transport's base URL) with the headers every request carries.
    pub(crate) fn request(
        &self,
        method: Method,
        url: &Url,
    ) -> Result<http::request::Builder, Error> {
        let path = &url[url::Position::BeforePath..url::Position::AfterQuery];
        let path = PathAndQuery::try_from(path)
            .map_err(|_| Error::invalid("request", "has a path that is not valid in HTTP"))?;
        let uri = Uri::from_parts({
            let mut parts = http::uri::Parts::default();
            parts.scheme = Some(self.scheme.clone());
            parts.authority = Some(self.authority.clone());
            parts.path_and_query = Some(path);
            parts
        })
        .map_err(|_| Error::invalid("request", "has a path that is not valid in HTTP"))?;
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(HOST, self.host.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(auth) = &self.proxy_authorization {
            builder = builder.header(PROXY_AUTHORIZATION, auth.clone());
        }
        Ok(builder)
    }

    /// Sends `request` and reads the whole answer, all within `timeout`.
    pub(crate) async fn send(
        &self,
        request: Request<Full<Bytes>>,
        timeout: Duration,
    ) -> Result<Exchange, Error> {
        let exchange = async {
            let response = self.pool.request(request).await.map_err(request_error)?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                // The server answered, so the request certainly arrived.
                .map_err(|e| network(&e, true))?
                .to_bytes();
            Ok(Exchange {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(result) => result,
            // The request may have been sent already; only a connect timeout says it was not.
            Err(_) => Err(Error::Timeout {
                may_have_reached_server: true,
            }),
        }
    }
}

fn network(e: &dyn std::error::Error, may_have_reached_server: bool) -> Error {
    Error::Network {
        message: crate::client::error_chain(e),
        may_have_reached_server,
    }
}

/// A failure before an answer: nothing can have reached the server if no connection was made.
fn request_error(e: hyper_util::client::legacy::Error) -> Error {
    if !e.is_connect() {
        return network(&e, true);
    }
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        if s.is::<ConnectTimedOut>() {
            return Error::Timeout {
                may_have_reached_server: false,
            };
        }
        source = s.source();
    }
    network(&e, false)
}

/// rustls with the default crypto provider (aws-lc-rs unless the application installed another),
/// HTTP/1.1 only, and the certificate verification of [`verifier`].
fn tls_config() -> Result<rustls::ClientConfig, String> {
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("could not configure TLS: {e}"))?;
    let mut config = verifier(builder, provider)?.with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

type WantsVerifier = rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>;
type WantsClientCert = rustls::ConfigBuilder<rustls::ClientConfig, rustls::client::WantsClientCert>;

/// By default the platform's certificate verifier (the OS trust store).
#[cfg(not(feature = "webpki-roots"))]
fn verifier(
    builder: WantsVerifier,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<WantsClientCert, String> {
    let verifier = rustls_platform_verifier::Verifier::new(provider)
        .map_err(|e| format!("could not load the platform's certificate verifier: {e}"))?;
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier)))
}

/// With the `webpki-roots` feature, rustls's own verifier over a fixed copy of Mozilla's root
/// store compiled in: on Android the platform verifier needs a JNI initialisation with the app's
/// `Context`, which a library cannot do, so every handshake there would fail (see `lib.rs`).
#[cfg(feature = "webpki-roots")]
fn verifier(
    builder: WantsVerifier,
    _provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<WantsClientCert, String> {
    let roots = fixed_roots();
    if roots.is_empty() {
        return Err("no root certificate of the fixed store could be read".to_owned());
    }
    Ok(builder.with_root_certificates(roots))
}

/// The compiled-in root store (certificates that do not parse are left out).
#[cfg(feature = "webpki-roots")]
fn fixed_roots() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned());
    roots
}

#[cfg(all(test, feature = "webpki-roots"))]
mod webpki_roots_tests {
    /// Every root of the compiled-in store is one rustls takes (a root dropped silently would
    /// fail TLS to the sites it anchors), and a TLS configuration builds with them.
    #[test]
    fn every_fixed_root_parses_and_a_tls_config_builds() {
        let store = webpki_root_certs::TLS_SERVER_ROOT_CERTS;
        assert!(store.len() > 100, "{} roots", store.len());
        assert_eq!(super::fixed_roots().len(), store.len());
        assert!(super::tls_config().is_ok());
    }
}

// -- connector --------------------------------------------------------------------------------

/// How connections reach the base URL's host.
#[derive(Clone)]
enum Route {
    Direct,
    /// HTTPS through a proxy: a `CONNECT` tunnel, then TLS with the host inside it.
    Tunnel(Tunnel<FirstHop>),
    /// Plain HTTP through a proxy: the request goes to the proxy in absolute form.
    Forward(Uri),
}

#[derive(Clone)]
struct Connector {
    first_hop: FirstHop,
    tls: TlsConnector,
    route: Route,
    timeout: Duration,
}

/// The connect timeout elapsed (DNS, TCP, proxy and TLS together).
#[derive(Debug)]
struct ConnectTimedOut;

impl std::fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connect timed out")
    }
}

impl std::error::Error for ConnectTimedOut {}

impl tower_service::Service<Uri> for Connector {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            tokio::time::timeout(this.timeout, this.connect(dst))
                .await
                .map_err(|_| Box::new(ConnectTimedOut) as BoxError)?
        })
    }
}

impl Connector {
    async fn connect(mut self, dst: Uri) -> Result<Conn, BoxError> {
        match self.route {
            Route::Direct => self.first_hop.connect(dst).await,
            Route::Forward(proxy) => {
                let mut conn = self.first_hop.connect(proxy).await?;
                conn.proxied = true;
                Ok(conn)
            }
            Route::Tunnel(mut tunnel) => {
                let tunneled = tower_service::Service::call(&mut tunnel, dst.clone()).await?;
                let tls = tls_handshake(&self.tls, &dst, TokioIo::new(tunneled)).await?;
                Ok(Conn {
                    io: Io::Tunneled(Box::new(TokioIo::new(tls))),
                    proxied: false,
                })
            }
        }
    }
}

async fn tls_handshake<T>(tls: &TlsConnector, dst: &Uri, io: T) -> Result<TlsStream<T>, BoxError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let host = dst.host().ok_or("no host in the URL")?;
    // An IPv6 literal comes in brackets.
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let name = ServerName::try_from(host.to_owned())?;
    Ok(tls.connect(name, io).await?)
}

/// TCP, then TLS for `https` — to the host or to a proxy.
#[derive(Clone)]
struct FirstHop {
    http: HttpConnector,
    tls: TlsConnector,
}

impl FirstHop {
    fn new(http: HttpConnector, tls: Arc<rustls::ClientConfig>) -> Self {
        FirstHop {
            http,
            tls: TlsConnector::from(tls),
        }
    }

    async fn connect(&mut self, dst: Uri) -> Result<Conn, BoxError> {
        let tcp = tower_service::Service::call(&mut self.http, dst.clone()).await?;
        let io = if dst.scheme() == Some(&Scheme::HTTPS) {
            let tls = tls_handshake(&self.tls, &dst, tcp.into_inner()).await?;
            Io::Tls(Box::new(TokioIo::new(tls)))
        } else {
            Io::Plain(tcp)
        };
        Ok(Conn { io, proxied: false })
    }
}

impl tower_service::Service<Uri> for FirstHop {
    type Response = Conn;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Conn, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let mut this = self.clone();
        Box::pin(async move { this.connect(dst).await })
    }
}

/// One connection: plain TCP, TLS over TCP, or TLS inside a proxy tunnel.
pub(crate) struct Conn {
    io: Io,
    /// Connected to a proxy that takes requests in absolute form.
    proxied: bool,
}

enum Io {
    Plain(TokioIo<TcpStream>),
    Tls(Box<TokioIo<TlsStream<TcpStream>>>),
    Tunneled(Box<TokioIo<TlsStream<TokioIo<Conn>>>>),
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new().proxy(self.proxied)
    }
}

macro_rules! delegate {
    ($self:ident, $io:ident => $call:expr) => {
        match &mut $self.get_mut().io {
            Io::Plain($io) => {
                let $io = Pin::new($io);
                $call
            }
            Io::Tls($io) => {
                let $io = Pin::new(&mut **$io);
                $call
            }
            Io::Tunneled($io) => {
                let $io = Pin::new(&mut **$io);
                $call
            }
        }
    };
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        delegate!(self, io => io.poll_read(cx, buf))
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, io => io.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, io => io.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        delegate!(self, io => io.poll_shutdown(cx))
    }

    fn is_write_vectored(&self) -> bool {
        match &self.io {
            Io::Plain(io) => io.is_write_vectored(),
            Io::Tls(io) => io.is_write_vectored(),
            Io::Tunneled(io) => io.is_write_vectored(),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        delegate!(self, io => io.poll_write_vectored(cx, bufs))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    const ANSWER: &str = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 41\r\n\r\n{\"code\":0,\"message\":null,\"response\":null}";

    /// A stand-in proxy on 127.0.0.1: takes one connection, records the request head, answers
    /// with `reply` and closes.
    async fn proxy(reply: &'static str) -> (String, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                if socket.read(&mut byte).await.unwrap() == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            socket.write_all(reply.as_bytes()).await.unwrap();
            socket.shutdown().await.ok();
            String::from_utf8(head).unwrap()
        });
        (format!("http://user:pa55@{addr}"), seen)
    }

    fn transport(base: &str, proxies: &Matcher) -> Transport {
        let base = Url::parse(base).unwrap();
        Transport::with_proxies(&base, "test-agent", Duration::from_secs(5), proxies).unwrap()
    }

    /// A failure to connect: nothing can have reached the server.
    fn assert_not_connected(err: &Error) {
        assert!(
            matches!(
                err,
                Error::Network {
                    may_have_reached_server: false,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    async fn get(t: &Transport, url: &str) -> Result<Exchange, Error> {
        let url = Url::parse(url).unwrap();
        let request = t
            .request(Method::GET, &url)
            .unwrap()
            .body(Full::default())
            .unwrap();
        t.send(request, Duration::from_secs(5)).await
    }

    #[tokio::test]
    async fn plain_http_goes_to_the_proxy_in_absolute_form_with_its_credentials() {
        let (proxy_url, seen) = proxy(ANSWER).await;
        let proxies = Matcher::builder().http(proxy_url).build();
        let t = transport("http://127.0.0.1:9/", &proxies);
        let answer = get(&t, "http://127.0.0.1:9/payments/imps_1?a=b")
            .await
            .unwrap();
        assert_eq!(answer.status, StatusCode::OK);
        let head = seen.await.unwrap();
        assert!(
            head.starts_with("GET http://127.0.0.1:9/payments/imps_1?a=b HTTP/1.1\r\n"),
            "{head}"
        );
        // "user:pa55" in Basic form.
        assert!(
            head.contains("proxy-authorization: Basic dXNlcjpwYTU1\r\n"),
            "{head}"
        );
        assert!(head.contains("host: 127.0.0.1:9\r\n"), "{head}");
    }

    #[tokio::test]
    async fn https_goes_through_a_connect_tunnel_and_tls_inside_it() {
        // The proxy accepts the tunnel, then closes it: the TLS handshake with the API fails, a
        // failure to connect (nothing can have reached the API).
        let (proxy_url, seen) = proxy("HTTP/1.1 200 Connection established\r\n\r\n").await;
        let proxies = Matcher::builder().https(proxy_url).build();
        let t = transport("https://api.iamport.kr", &proxies);
        let err = get(&t, "https://api.iamport.kr/users/getToken")
            .await
            .err()
            .unwrap();
        assert_not_connected(&err);
        let head = seen.await.unwrap();
        assert!(
            head.starts_with("CONNECT api.iamport.kr:443 HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(
            head.contains("proxy-authorization: Basic dXNlcjpwYTU1\r\n"),
            "{head}"
        );
    }

    #[tokio::test]
    async fn no_proxy_hosts_are_reached_directly() {
        let (direct_url, seen) = proxy(ANSWER).await;
        let direct = Url::parse(&direct_url).unwrap();
        let base = format!("http://127.0.0.1:{}/", direct.port().unwrap());
        let proxies = Matcher::builder()
            .http("http://127.0.0.1:9")
            .no("127.0.0.1")
            .build();
        let t = transport(&base, &proxies);
        let answer = get(&t, &format!("{base}payments/imps_1")).await.unwrap();
        assert_eq!(answer.status, StatusCode::OK);
        let head = seen.await.unwrap();
        assert!(
            head.starts_with("GET /payments/imps_1 HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(!head.contains("proxy-authorization"), "{head}");
    }

    #[tokio::test]
    async fn a_redirect_is_answered_as_it_is_not_followed() {
        // Where the redirect points: a connection there would wait in its accept queue.
        let elsewhere = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let location = format!("http://{}/stolen", elsewhere.local_addr().unwrap());
        let reply: &'static str = Box::leak(
            format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n")
                .into_boxed_str(),
        );
        let (server_url, seen) = proxy(reply).await;
        let server = Url::parse(&server_url).unwrap();
        let base = format!("http://127.0.0.1:{}/", server.port().unwrap());
        let t = transport(&base, &Matcher::builder().build());
        let answer = get(&t, &format!("{base}users/getToken")).await.unwrap();
        assert_eq!(answer.status, StatusCode::TEMPORARY_REDIRECT);
        assert!(
            seen.await
                .unwrap()
                .starts_with("GET /users/getToken HTTP/1.1\r\n")
        );
        use futures_util::FutureExt;
        assert!(
            elsewhere.accept().now_or_never().is_none(),
            "the redirect's target was contacted"
        );
    }

    #[tokio::test]
    async fn a_server_that_does_not_speak_tls_is_a_failure_to_connect() {
        // It answers plain HTTP at once, whatever it is sent.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            socket.write_all(ANSWER.as_bytes()).await.ok();
        });
        let base = format!("https://localhost:{port}/");
        let t = transport(&base, &Matcher::builder().build());
        let err = get(&t, &format!("{base}users/getToken"))
            .await
            .err()
            .unwrap();
        assert_not_connected(&err);
    }

    /// A self-signed certificate for `localhost` and its throwaway key, made for this test
    /// (`openssl req -x509 -newkey ec ... -subj /CN=localhost`): no platform trusts it.
    const SELF_SIGNED_CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIBljCCATugAwIBAgIUIDPwj8GBKsGTgGRruhQ8ZjTh1zwwCgYIKoZIzj0EAwIw\nFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyOTIwNDYyMloYDzIxMjYxMTA1\nMjA0NjIyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\nPQMBBwNCAASShFmh32aj7lsrdiNWpAdpeuJdBCe/UNjkLs9QiOGFNpNOTFu1IbR/\ntacni+JoA0VtVBY27zCdKdW7YNqGLPIzo2kwZzAdBgNVHQ4EFgQUQM4p0RVRj/L2\n1Y+K2xQrSrG6+Q0wHwYDVR0jBBgwFoAUQM4p0RVRj/L21Y+K2xQrSrG6+Q0wDwYD\nVR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID\nSQAwRgIhANiTb4VOBK8PhgeFeM7piLslHxyWqlzK70v1Y2G0JvH7AiEApC3MZ6ig\nJNQx+E+7yf98rFl/Red5V2LmBB8qx/G5tOs=\n-----END CERTIFICATE-----";
    const SELF_SIGNED_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgzRasfy76VdQbfqzJ\nKFl/T2328tqUYgmr/0/IUImGMh+hRANCAASShFmh32aj7lsrdiNWpAdpeuJdBCe/\nUNjkLs9QiOGFNpNOTFu1IbR/tacni+JoA0VtVBY27zCdKdW7YNqGLPIz\n-----END PRIVATE KEY-----";

    #[tokio::test]
    async fn a_certificate_the_platform_does_not_trust_is_refused() {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs = vec![CertificateDer::from_pem_slice(SELF_SIGNED_CERT.as_bytes()).unwrap()];
        let key = PrivateKeyDer::from_pem_slice(SELF_SIGNED_KEY.as_bytes()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            // The client aborts the handshake: nothing is ever read here.
            acceptor.accept(socket).await.is_ok()
        });
        let base = format!("https://localhost:{port}/");
        let t = transport(&base, &Matcher::builder().build());
        let err = get(&t, &format!("{base}users/getToken"))
            .await
            .err()
            .unwrap();
        match &err {
            Error::Network {
                message,
                may_have_reached_server: false,
            } => assert!(message.contains("certificate"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert!(!served.await.unwrap(), "the handshake must not complete");
    }

    #[tokio::test]
    async fn the_connect_timeout_covers_the_proxy_handshake() {
        // A proxy that takes the connection and never answers the CONNECT.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let held = tokio::spawn(async move { listener.accept().await.unwrap() });
        let proxies = Matcher::builder().https(format!("http://{addr}")).build();
        let base = Url::parse("https://api.iamport.kr").unwrap();
        let t = Transport::with_proxies(&base, "ua", Duration::from_millis(200), &proxies).unwrap();
        let err = get(&t, "https://api.iamport.kr/users/getToken")
            .await
            .err()
            .unwrap();
        assert!(
            matches!(
                err,
                Error::Timeout {
                    may_have_reached_server: false
                }
            ),
            "{err:?}"
        );
        drop(held);
    }
}
