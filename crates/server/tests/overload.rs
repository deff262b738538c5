//! Overload: beyond the join bound the server sheds with 503 + Retry-After at once, and the
//! people already admitted keep booking; a client that joins too often gets 429 + Retry-After.

mod common;

use common::{person, spawn_app_with, AppOptions};
use fairline_core::error::ApiError;
use futures::future::join_all;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_join_burst_is_shed_with_retry_after_while_admitted_users_book() {
    let mut tuning = common::test_tuning();
    tuning.join_concurrency = 2;
    let app = spawn_app_with(AppOptions {
        tuning,
        ..AppOptions::default()
    })
    .await;
    let mut admitted = Vec::new();
    for n in 0..10 {
        let citizen = person(n);
        let (_, token) = app.admitted(&citizen).await;
        admitted.push((citizen, token));
    }

    let burst = join_all((0..300).map(|n| {
        let app = &app;
        async move { app.join(&person(10_000 + n)).await }
    }));
    let bookings = join_all(admitted.iter().enumerate().map(|(n, (citizen, token))| {
        let app = &app;
        async move {
            app.book(citizen, token, &format!("overload-{n}"))
                .await
                .status()
                .as_u16()
        }
    }));
    let (burst, bookings) = tokio::join!(burst, bookings);

    let mut shed = 0;
    for response in burst {
        match response.status().as_u16() {
            200 => {}
            503 => {
                let retry_after: u32 = response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(retry_after >= 1);
                let error: ApiError = response.json().await.unwrap();
                assert_eq!(error.code.as_str(), "overloaded");
                assert_eq!(error.retry_after_s, Some(retry_after));
                shed += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(
        shed > 0,
        "a burst of 300 joins against a bound of 2 shed nothing"
    );
    assert!(bookings.iter().all(|status| *status == 201), "{bookings:?}");
    let metrics = app.get_text(&app.url("/metrics")).await;
    assert!(metrics.contains("fairline_shed_total"), "{metrics}");
    assert!(
        metrics.contains("fairline_errors_total{code=\"overloaded\"}"),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_client_joining_too_often_gets_429_with_retry_after() {
    let mut tuning = common::test_tuning();
    tuning.join_burst = 3;
    tuning.join_refill_per_s = 0.1;
    let app = spawn_app_with(AppOptions {
        tuning,
        ..AppOptions::default()
    })
    .await;
    for n in 0..3 {
        assert_eq!(app.join(&person(n)).await.status(), 200);
    }
    let limited = app.join(&person(3)).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "10");
    let error: ApiError = limited.json().await.unwrap();
    assert_eq!(error.code.as_str(), "too_many_joins");
}
