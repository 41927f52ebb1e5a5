//! The population register (motcua-sim) as a server of its own that a test can stop and
//! start again, for outages.

/// A register that can be stopped and started again on the same address.
pub struct StoppableRegister {
    pub address: std::net::SocketAddr,
    running: Option<motcua_sim::RunningSim>,
}

impl StoppableRegister {
    pub async fn start() -> StoppableRegister {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let running = motcua_sim::serve(listener, motcua_sim::SimConfig::dev_default())
            .await
            .unwrap();
        StoppableRegister {
            address,
            running: Some(running),
        }
    }

    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await.unwrap();
        }
    }

    pub async fn restart(&mut self) {
        let listener = tokio::net::TcpListener::bind(self.address).await.unwrap();
        self.running = Some(
            motcua_sim::serve(listener, motcua_sim::SimConfig::dev_default())
                .await
                .unwrap(),
        );
    }
}

impl StoppableRegister {
    /// `(REGISTRY_URL, REGISTRY_TOKEN)` for an engine that reads this register.
    pub fn registry(&self) -> (String, String) {
        (
            format!("http://{}", self.address),
            motcua_sim::SimConfig::dev_default().register_token,
        )
    }

    /// `(REGISTRY_URL, REGISTRY_TOKEN)` for an engine that reads this register through LGSP.
    pub fn lgsp_registry(&self) -> (String, String) {
        (
            format!("http://{}{}", self.address, motcua_sim::register::LGSP_PATH),
            motcua_sim::SimConfig::dev_default().register_token,
        )
    }
}
