//! Sending a request the test expects the simulator to answer (any status): a request that
//! gets no answer at all fails the test there.

pub trait Sent {
    async fn sent(self) -> reqwest::Response;
}

impl Sent for reqwest::RequestBuilder {
    async fn sent(self) -> reqwest::Response {
        self.send().await.unwrap()
    }
}
