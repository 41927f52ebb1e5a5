//! The outbox's deliverers of citizens' notifications: each message is rendered when it is
//! sent, from its template, the dossier, the event it tells of and the citizen's contact as
//! they are then, and handed to the SMTP server or the SMS gateway.
//!
//! A message whose citizen no longer gives the address, or whose template is gone, is
//! refused (dead, for an operator to see). The SMTP server and the gateway get the same
//! `Message-ID` / `Idempotency-Key` at every attempt, so that a re-send after a crash between
//! their answer and our commit can be recognised.

use super::templates::Templates;
use crate::outbox::delivery::{Deliverer, Outcome};
use crate::store::outbox::Message;
use crate::store::Session;
use crate::time::in_vietnam;
use crate::Services;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_core::notification::Channel;
use motcua_notify::{Email, Mailer, SendError, Sms, SmsGateway};
use serde_json::{json, Value};
use std::sync::Arc;

pub struct EmailDeliverer {
    mailer: Arc<dyn Mailer>,
    /// The domain of `Message-ID`s.
    domain: String,
}

impl EmailDeliverer {
    pub fn new(mailer: Arc<dyn Mailer>, domain: String) -> Self {
        EmailDeliverer { mailer, domain }
    }
}

pub struct SmsDeliverer {
    gateway: Arc<dyn SmsGateway>,
}

impl SmsDeliverer {
    pub fn new(gateway: Arc<dyn SmsGateway>) -> Self {
        SmsDeliverer { gateway }
    }
}

fn outcome(sent: Result<(), SendError>) -> Outcome {
    match sent {
        Ok(()) => Outcome::Delivered,
        Err(SendError::Refused(why)) => Outcome::Refused(why),
        Err(SendError::Unavailable(why)) => Outcome::Unavailable(why),
    }
}

#[async_trait]
impl Deliverer for EmailDeliverer {
    fn target(&self) -> &'static str {
        Channel::Email.as_str()
    }

    async fn deliver(
        &self,
        services: &Services,
        session: &mut dyn Session,
        message: &Message,
    ) -> Outcome {
        let (address, values) = match read(services, session, message, Channel::Email).await {
            Ok(read) => read,
            Err(outcome) => return outcome,
        };
        let text = match templates(services).render(&message.kind, Channel::Email, &values) {
            Ok(text) => text,
            Err(why) => return Outcome::Refused(why),
        };
        let email = Email {
            to: address,
            subject: text.subject.unwrap_or_default(),
            body: text.body,
            message_id: format!("<{}@{}>", message.delivery_key, self.domain),
        };
        outcome(self.mailer.send(&email).await)
    }
}

#[async_trait]
impl Deliverer for SmsDeliverer {
    fn target(&self) -> &'static str {
        Channel::Sms.as_str()
    }

    async fn deliver(
        &self,
        services: &Services,
        session: &mut dyn Session,
        message: &Message,
    ) -> Outcome {
        let (address, values) = match read(services, session, message, Channel::Sms).await {
            Ok(read) => read,
            Err(outcome) => return outcome,
        };
        let text = match templates(services).render(&message.kind, Channel::Sms, &values) {
            Ok(text) => text,
            Err(why) => return Outcome::Refused(why),
        };
        let sms = Sms {
            to: address,
            text: text.body,
            reference: message.delivery_key.to_string(),
        };
        outcome(self.gateway.send(&sms).await)
    }
}

fn templates(services: &Services) -> &Templates {
    &services.notifications.templates
}

/// `dd/mm/yyyy` in Vietnam.
fn date(t: DateTime<Utc>) -> String {
    in_vietnam(t).format("%d/%m/%Y").to_string()
}

fn date_in(detail: &Value, key: &str) -> Option<String> {
    detail
        .get(key)
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| date(t.with_timezone(&Utc)))
}

/// The citizen's address on `channel` now, and the template's values.
async fn read(
    services: &Services,
    session: &mut dyn Session,
    message: &Message,
    channel: Channel,
) -> Result<(String, Value), Outcome> {
    let unavailable = |e: crate::store::StoreError| Outcome::Unavailable(e.to_string());
    let id = message
        .dossier_id
        .ok_or_else(|| Outcome::Refused("a notification names no dossier".into()))?;
    let dossier = session
        .dossier(id)
        .await
        .map_err(unavailable)?
        .ok_or_else(|| Outcome::Refused(format!("dossier {id} does not exist")))?;
    let contact = session
        .contact(&dossier.citizen_pin)
        .await
        .map_err(unavailable)?
        .unwrap_or_default();
    let address = match channel {
        Channel::Email => contact.email,
        Channel::Sms => contact.phone,
    }
    .ok_or_else(|| {
        Outcome::Refused(format!(
            "the citizen no longer gives an address for {}",
            channel.as_str()
        ))
    })?;
    let procedure = services
        .catalog
        .version(&dossier.procedure_code, dossier.procedure_version)
        .cloned()
        .ok_or_else(|| Outcome::Refused("the dossier's procedure is not loaded".into()))?;
    let event = match message.event_id {
        Some(event_id) => session
            .events_of(id)
            .await
            .map_err(unavailable)?
            .into_iter()
            .find(|e| e.id == event_id),
        None => None,
    };
    let detail = event
        .as_ref()
        .map(|e| e.detail.clone())
        .unwrap_or(Value::Null);
    let agency = procedure
        .spec()
        .agencies
        .iter()
        .find(|a| Some(&a.id) == dossier.agency_id.as_ref())
        .or_else(|| procedure.spec().agencies.first())
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let due_date = date_in(&detail, "due_at").or_else(|| dossier.clock.due_at.map(date));
    let values = json!({
        "code": dossier.code.clone().unwrap_or_default(),
        "procedure": procedure.spec().name.vi,
        "agency": agency,
        "due_date": due_date,
        "new_due_date": date_in(&detail, "due_at"),
        "previous_due_date": date_in(&detail, "previous_due_at"),
        "items": detail.get("items").cloned().unwrap_or(json!([])),
        "reason": event.as_ref().and_then(|e| e.comment.clone()),
        "amount": detail.get("amount").cloned().or_else(|| {
            detail
                .get("amount_vnd")
                .and_then(serde_json::Value::as_u64)
                .map(|vnd| json!(motcua_core::fees::money(vnd)))
        }),
        "portal_url": format!(
            "{}/portal/ho-so/{}",
            services.notifications.public_url.trim_end_matches('/'),
            dossier.id
        ),
    });
    Ok((address, values))
}
