//! Runs every language-neutral scenario in `tests/scenarios/` against the sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_passes() {
    let scenarios = common::scenarios();
    // The seed flows for both PGs plus the error cases; guards against a runner that finds no file.
    assert!(
        scenarios.len() >= 15,
        "found only {} scenario files",
        scenarios.len()
    );
    for (name, scenario) in &scenarios {
        assert_eq!(
            scenario["name"].as_str(),
            Some(name.as_str()),
            "file name and scenario name differ"
        );
        common::run_scenario(name, scenario).await;
    }
}
