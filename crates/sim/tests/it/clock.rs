//! The simulator's clock option: `Date` headers and the TC3 timestamp check run on a
//! shifted clock, as a server whose clock differs from the client's.

use std::time::SystemTime;

use aithreads_sim::{SimConfig, Simulator};
use aithreads_tencent_trtc::{DescribeAiConversationRequest, TrtcClient, TrtcConfig};

async fn server_date(sim: &Simulator) -> SystemTime {
    let response = reqwest::get(format!("{}/healthz", sim.base_url()))
        .await
        .unwrap();
    let date = response.headers()["date"].to_str().unwrap().to_owned();
    httpdate::parse_http_date(&date).unwrap()
}

fn seconds_between(a: SystemTime, b: SystemTime) -> i64 {
    match a.duration_since(b) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(behind) => -(behind.duration().as_secs() as i64),
    }
}

fn trtc(sim: &Simulator) -> TrtcClient {
    TrtcClient::new(TrtcConfig::from_vars(|name| sim.client_var(name)).unwrap()).unwrap()
}

#[tokio::test]
async fn a_skewed_clock_shifts_the_date_header_and_expires_tc3_signatures() {
    let sim = Simulator::start(SimConfig::default().with_clock_skew(600))
        .await
        .unwrap();
    let skew = seconds_between(server_date(&sim).await, SystemTime::now());
    assert!((598..=601).contains(&skew), "Date is {skew} s ahead");
    let mut request = DescribeAiConversationRequest::default();
    request.task_id = Some("doctor-probe".into());
    let error = trtc(&sim)
        .describe_ai_conversation(&request)
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some("AuthFailure.SignatureExpire"),
        "{error:?}"
    );

    let sim = Simulator::start(SimConfig::default().with_clock_skew(-120))
        .await
        .unwrap();
    let skew = seconds_between(server_date(&sim).await, SystemTime::now());
    assert!((-122..=-119).contains(&skew), "Date is {skew} s off");
    // Within TC3's five minutes: the signature holds, the task just does not exist.
    let error = trtc(&sim)
        .describe_ai_conversation(&request)
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
async fn without_skew_the_date_is_the_machine_clock() {
    let sim = Simulator::start(SimConfig::default()).await.unwrap();
    let skew = seconds_between(server_date(&sim).await, SystemTime::now());
    assert!((-2..=1).contains(&skew), "Date is {skew} s off");
}
