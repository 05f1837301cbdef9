//! Helpers shared by the reliability tests: provider clients configured from a simulator.

use aithreads::providers::chatkit::{ChatKitClient, ChatKitConfig};
use aithreads::providers::revcent::{RevCentClient, RevCentConfig};
use aithreads::providers::trtc::{TrtcClient, TrtcConfig};
use aithreads::transport::TransportConfig;
use aithreads_sim::Simulator;

/// The region the simulator's environment names.
pub const REGION: &str = "ap-singapore";

/// The three provider clients, configured from the simulator's environment (the way users
/// configure them) with `transport`.
#[derive(Debug, Clone)]
pub struct Clients {
    pub revcent: RevCentClient,
    pub trtc: TrtcClient,
    pub chatkit: ChatKitClient,
}

impl Clients {
    pub fn new(sim: &Simulator, transport: TransportConfig) -> Self {
        let var = |name: &str| sim.client_var(name);
        Self {
            revcent: RevCentClient::new(
                RevCentConfig::from_vars(var)
                    .unwrap()
                    .with_transport(transport.clone()),
            )
            .unwrap(),
            trtc: TrtcClient::new(
                TrtcConfig::from_vars(var)
                    .unwrap()
                    .with_transport(transport.clone()),
            )
            .unwrap(),
            chatkit: ChatKitClient::new(
                ChatKitConfig::from_vars(var)
                    .unwrap()
                    .with_transport(transport),
            )
            .unwrap(),
        }
    }
}
