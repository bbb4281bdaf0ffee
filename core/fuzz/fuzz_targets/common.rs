//! A client pointed at a closed loopback port, shared by the targets that go through `Client`:
//! validation and parsing run in full, and anything that gets past them fails on the network.

use iamport_subscribe::{Client, RetryPolicy};
use std::sync::OnceLock;
use std::time::Duration;

pub struct Harness {
    pub runtime: tokio::runtime::Runtime,
    pub client: Client,
}

pub fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        // An ephemeral port, released: nothing listens there, a connect is refused at once.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        drop(listener);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let client = Client::builder()
            .imp_key("fuzz-key")
            .imp_secret("fuzz-secret")
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry_policy(RetryPolicy::none())
            .timeout(Duration::from_secs(2))
            .connect_timeout(Duration::from_secs(1))
            .build()
            .expect("client");
        Harness { runtime, client }
    })
}
