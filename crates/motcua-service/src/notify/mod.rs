//! Telling citizens what happens to their dossiers (issue 30): on receipt (with the return
//! date), a supplement asked (items and date), the supplement received, an apology (the new
//! date), a refusal, the result ready, and what other use cases raise (payment asked, paid).
//!
//! Data-driven: a use case raises an event *kind* ([`motcua_core::notification`]); the
//! agency's `events.json` maps kinds to templates ([`templates`]); for each channel the
//! citizen chose (their [`Contact`]) and the template has a text for, one outbox message is
//! written (target `email` or `sms`, kind the template's name), in the transaction of the
//! change: a change rolled back tells nobody, a change committed is never forgotten. The
//! deliverers ([`deliver`]) render the text when they send, from the dossier and the event.
//! Each message's state (pending, delivered and when, dead) is the citizen's to see
//! (`GET /v1/dossiers/{id}/notifications`), and staff's.

pub mod deliver;
pub mod templates;

use crate::checks::citizen_only;
use crate::lookup::find_visible;
use crate::store::contacts::Contact;
use crate::store::outbox::{Message, NewMessage, Selection, DELIVERED};
use crate::store::Session;
use crate::{FieldProblem, Said, ServiceError, Services};
use chrono::{DateTime, Utc};
use motcua_core::dossier::Dossier;
use motcua_core::notification::{valid_email, vietnamese_mobile, Channel};
use motcua_core::principal::Principal;
use serde::Serialize;
use templates::Templates;
use uuid::Uuid;

/// What the engine can send, and the templates.
#[derive(Debug, Default)]
pub struct Notifications {
    pub templates: Templates,
    /// The channels configured (an SMTP server, an SMS gateway): a citizen may choose only
    /// these, and nothing is written for another.
    pub channels: Vec<Channel>,
    /// The engine's public URL, for the links in messages.
    pub public_url: String,
}

impl Notifications {
    pub fn none() -> Self {
        Notifications::default()
    }

    fn configured(&self, channel: Channel) -> bool {
        self.channels.contains(&channel)
    }
}

/// Writes, in `tx`, the messages telling the citizen of `dossier` of event `kinds` (the
/// dossier's event `event_id`): one per kind the agency maps to a template, and channel the
/// citizen chose that is configured and that the template has a text for.
pub async fn tell_citizen(
    tx: &mut dyn Session,
    services: &Services,
    dossier: &Dossier,
    event_id: i64,
    kinds: &[&str],
) -> Result<(), ServiceError> {
    let notifications = &services.notifications;
    let templates: Vec<&str> = kinds
        .iter()
        .filter_map(|kind| notifications.templates.template_of(kind))
        .collect();
    if templates.is_empty() || notifications.channels.is_empty() {
        return Ok(());
    }
    let Some(contact) = tx.contact(&dossier.citizen_pin).await? else {
        return Ok(());
    };
    let mut messages = Vec::new();
    for template in templates {
        for channel in Channel::ALL {
            if contact.channels.iter().any(|c| c == channel.as_str())
                && notifications.configured(channel)
                && notifications.templates.has(template, channel)
            {
                messages.push(NewMessage {
                    target: channel.as_str(),
                    kind: template,
                    dossier_id: Some(dossier.id),
                    event_id: Some(event_id),
                });
            }
        }
    }
    tx.enqueue(&messages).await?;
    Ok(())
}

/// The logged-in citizen's contact (empty when they gave none).
pub async fn contact(services: &Services, principal: &Principal) -> Result<Contact, ServiceError> {
    let pin = citizen_only(principal, "a contact for notifications is a citizen's")?;
    let mut db = services.store.session().await?;
    Ok(db.contact(pin.as_str()).await?.unwrap_or_default())
}

/// Sets the logged-in citizen's contact, checked: a valid address, a Vietnamese mobile
/// number, channels among those configured, each with its address.
pub async fn set_contact(
    services: &Services,
    principal: &Principal,
    asked: Contact,
) -> Result<Contact, ServiceError> {
    let pin = citizen_only(principal, "a contact for notifications is a citizen's")?;
    let mut problems = Vec::new();
    let email = asked
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    if let Some(email) = &email {
        if !valid_email(email) {
            problems.push(
                FieldProblem::new("/email", "not an e-mail address").said(Said::new(
                    "Thư điện tử",
                    "Địa chỉ thư điện tử không hợp lệ.",
                )),
            );
        }
    }
    let phone = match asked
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(p) => match vietnamese_mobile(p) {
            Some(p) => Some(p),
            None => {
                problems.push(
                    FieldProblem::new("/phone", "not a Vietnamese mobile number (0… or +84…)")
                        .said(Said::new(
                            "Số điện thoại",
                            "Số điện thoại di động không hợp lệ.",
                        )),
                );
                None
            }
        },
    };
    let mut channels = Vec::new();
    for (i, name) in asked.channels.iter().enumerate() {
        let pointer = format!("/channels/{i}");
        match Channel::from_name(name) {
            None => problems.push(FieldProblem::new(pointer, "not a channel: email or sms")),
            Some(c) if !services.notifications.configured(c) => problems.push(
                FieldProblem::new(pointer, format!("{name} is not offered here")).said(Said::new(
                    "Kênh nhận thông báo",
                    "Kênh này chưa được cung cấp.",
                )),
            ),
            Some(Channel::Email) if email.is_none() => problems.push(
                FieldProblem::new("/email", "required to be told by e-mail")
                    .said(Said::new("Thư điện tử", "Cần địa chỉ thư điện tử.")),
            ),
            Some(Channel::Sms) if phone.is_none() => problems.push(
                FieldProblem::new("/phone", "required to be told by SMS")
                    .said(Said::new("Số điện thoại", "Cần số điện thoại di động.")),
            ),
            Some(c) => {
                if !channels.iter().any(|x: &String| x == c.as_str()) {
                    channels.push(c.as_str().to_owned());
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::validation(
            "the contact was not saved",
            problems,
        ));
    }
    let contact = Contact {
        email,
        phone,
        channels,
    };
    let mut db = services.store.session().await?;
    db.save_contact(pin.as_str(), &contact).await?;
    Ok(contact)
}

/// One message to the citizen, as they and staff see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationView {
    pub id: i64,
    /// `email`, `sms`.
    pub channel: String,
    /// The template: `receipt`, `supplement`, `resubmission`, `apology`, `refusal`,
    /// `result`…
    pub kind: String,
    /// `pending` (waiting, or being retried), `delivered`, `dead` (given up: an operator
    /// looks at it), `dropped`.
    pub state: String,
    pub attempts: i32,
    /// When the change that caused it was committed.
    pub requested_at: DateTime<Utc>,
    /// When the server (SMTP, SMS gateway) took it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    pub items: Vec<NotificationView>,
}

/// The messages to the citizen about dossier `id`, oldest first (those the outbox still
/// keeps: `MOTCUA_OUTBOX_KEEP_DAYS` after delivery).
pub async fn of_dossier(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<NotificationList, ServiceError> {
    let mut db = services.store.session().await?;
    let _dossier = find_visible(&mut *db, principal, id).await?;
    let mut messages: Vec<Message> = Vec::new();
    for channel in Channel::ALL {
        messages.extend(
            db.list_messages(&Selection {
                target: Some(channel.as_str().to_owned()),
                dossier_id: Some(id),
                limit: 500,
                ..Default::default()
            })
            .await?,
        );
    }
    messages.sort_by_key(|m| m.id);
    let staff = principal.is_staff();
    Ok(NotificationList {
        items: messages
            .into_iter()
            .map(|m| NotificationView {
                id: m.id,
                delivered_at: m.settled_at.filter(|_| m.state == DELIVERED),
                channel: m.target,
                kind: m.kind,
                state: m.state,
                attempts: m.attempts,
                requested_at: m.created_at,
                last_error: m.last_error.filter(|_| staff),
            })
            .collect(),
    })
}
