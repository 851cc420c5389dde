//! Group commit of registrations. When many people register for one session at once (a
//! popular training opening), each registration written in its own transaction would wait
//! for the session's lock behind all the others: the last one waits for every commit before
//! it. Instead, registrations for a session join that session's queue; one task per busy
//! session takes everything queued, reads the session and its activity once, checks each
//! registration, and writes them all in one transaction
//! ([`renke_store::activities::register_many`]); whatever arrived meanwhile is the next
//! batch. Each caller gets its own answer, exactly as if it had registered alone: the order
//! of arrival decides who is confirmed and who waits.
//!
//! Capacity stays exact across several app servers: every batch still takes the session's
//! lock in the database.

use super::{audience_roles, form_fields, may_read, registered, session_attendance};
use crate::App;
use crate::Caller;
use crate::error::AppError;
use renke_domain::activity::RegistrationInput;
use renke_store::activities::{self, Registration};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::oneshot;

/// The per-session queues of registrations waiting to be written (one per app server).
#[derive(Clone, Default)]
pub struct Registrar {
    queues: Arc<Mutex<HashMap<i64, Vec<Pending>>>>,
}

/// A registration waiting for its batch.
struct Pending {
    me: Option<Caller>,
    input: RegistrationInput,
    answer: oneshot::Sender<Result<Registration, AppError>>,
}

impl Registrar {
    fn queues(&self) -> MutexGuard<'_, HashMap<i64, Vec<Pending>>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Queues a registration for `session_id` and waits for its batch to be written.
pub async fn register(
    app: &App,
    me: Option<&Caller>,
    session_id: i64,
    input: RegistrationInput,
) -> Result<Registration, AppError> {
    let (answer, answered) = oneshot::channel();
    let pending = Pending {
        me: me.cloned(),
        input,
        answer,
    };
    // A session has a queue exactly while a writer task is draining it: the first
    // registration of a quiet session starts the writer.
    let start_writer = {
        let mut queues = app.registrar.queues();
        match queues.get_mut(&session_id) {
            Some(queue) => {
                queue.push(pending);
                false
            }
            None => {
                queues.insert(session_id, vec![pending]);
                true
            }
        }
    };
    if start_writer {
        tokio::spawn(write_queue(app.clone(), session_id));
    }
    answered
        .await
        .map_err(|_| AppError::Internal(anyhow::anyhow!("registration writer stopped")))?
}

/// Writes batches for `session_id` until its queue is empty, then removes the queue.
async fn write_queue(app: App, session_id: i64) {
    // If writing panics, the queue goes away with it: its callers get an error instead of
    // waiting forever, and the next registration starts a new writer.
    struct Guard<'a>(&'a Registrar, i64);
    impl Drop for Guard<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.queues().remove(&self.1);
            }
        }
    }
    let _guard = Guard(&app.registrar, session_id);
    loop {
        let batch = {
            let mut queues = app.registrar.queues();
            match queues.get_mut(&session_id) {
                Some(queue) if !queue.is_empty() => std::mem::take(queue),
                _ => {
                    queues.remove(&session_id);
                    return;
                }
            }
        };
        write_batch(&app, session_id, batch).await;
    }
}

/// Checks each registration of `batch` against the activity and writes the valid ones in
/// one transaction; every caller is answered.
async fn write_batch(app: &App, session_id: i64, batch: Vec<Pending>) {
    let read = match activities::session(&app.db, session_id).await {
        Ok(s) => activities::get(&app.db, s.activity_id)
            .await
            .map(|a| (s, a)),
        Err(e) => Err(e),
    };
    let (session, activity) = match read {
        Ok(sa) => sa,
        Err(e) => return answer_all(batch, &AppError::from(e)),
    };
    let (fields, roles) = (form_fields(&activity.row), audience_roles(&activity.row));
    let offered = session_attendance(&activity, &session);
    let mut writing = Vec::with_capacity(batch.len());
    let mut people = Vec::with_capacity(batch.len());
    for mut p in batch {
        // A session attended one way only needs no choice: the form may leave it empty.
        if let Some(only) = offered
            && p.input.attendance.trim().is_empty()
        {
            p.input.attendance = only.as_str().to_owned();
        }
        let checked = may_read(p.me.as_ref(), &activity)
            .and_then(|()| p.input.validate(&fields, &roles).map_err(AppError::from))
            .and_then(|mut d| {
                d.follow_session(offered)?;
                Ok(d)
            });
        match checked {
            Ok(draft) => {
                people.push((draft, p.me.as_ref().map(|m| m.id)));
                writing.push(p.answer);
            }
            Err(e) => {
                let _ = p.answer.send(Err(e));
            }
        }
    }
    match activities::register_many(&app.db, session_id, &people, app.clock.now()).await {
        Ok(outcomes) => {
            for ((answer, (draft, _)), outcome) in writing.into_iter().zip(&people).zip(outcomes) {
                let _ = answer.send(registered(outcome, draft));
            }
        }
        Err(e) => {
            let e = AppError::from(e);
            tracing::error!(error = %e, session_id, "registration batch failed");
            for answer in writing {
                let _ = answer.send(Err(same_error(&e)));
            }
        }
    }
}

fn answer_all(batch: Vec<Pending>, e: &AppError) {
    for p in batch {
        let _ = p.answer.send(Err(same_error(e)));
    }
}

/// The same answer for every caller of a failed batch.
fn same_error(e: &AppError) -> AppError {
    match e {
        AppError::NotFound => AppError::NotFound,
        AppError::Forbidden => AppError::Forbidden,
        AppError::Conflict(code) => AppError::Conflict(code),
        other => AppError::Internal(anyhow::anyhow!("{other}")),
    }
}
