//! The product as a test uses it: a person signs in, creates and sends a data check,
//! a customer opens their link and answers, staff review what came back. Each step is
//! a typed method, so a test reads as what people do; the requests under it are the
//! ones the browser sends (the server function's own path and form encoding), and the
//! answers are the wire types the pages read.
//!
//! Tests about the wire itself (malformed forms, forged origins) keep `call`.

use super::*;
use datacheck_core::error::AppError;
use datacheck_core::wire::{RunId, RunTemplates};
use leptos::server_fn::ServerFn;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The real router on the test's database, with two companies, an admin and a staff
/// user scoped to company A (`fixture`).
pub struct TestApp {
    pub pool: PgPool,
    pub router: Router,
    pub companies: Fixture,
}

impl TestApp {
    pub async fn start(pool: PgPool) -> TestApp {
        let companies = fixture(&pool).await;
        let router = app(pool.clone());
        TestApp {
            pool,
            router,
            companies,
        }
    }

    /// A run sent by the admin to `n` fresh contacts of company A (`prepare_run`); its
    /// mails are queued, not sent.
    pub async fn with_sent_run(pool: PgPool, n: i32, name: &str) -> (TestApp, StaffSession, RunId) {
        let app = TestApp::start(pool).await;
        app.with_contacts(n, 0).await;
        let admin = app.admin().await;
        let run = admin
            .prepare_run(app.companies.company_a, name, Recipients::All)
            .await;
        admin.send_run(run, n.into()).await;
        (app, admin, run)
    }

    /// `n` contacts with an address in company A (`c1@example.nl`, …), and `without`
    /// contacts without one.
    pub async fn with_contacts(&self, n: i32, without: i32) -> &TestApp {
        seed_contacts(&self.pool, self.companies.company_a, n, without).await;
        self
    }

    /// Signs in as `email` with the fixture's password, through the sign-in form's
    /// server function.
    pub async fn sign_in(&self, email: &str) -> StaffSession {
        let cookie = sign_in(&self.router, email, PASSWORD)
            .await
            .unwrap_or_else(|e| panic!("{email} cannot sign in: {e}"));
        StaffSession {
            router: self.router.clone(),
            cookie,
        }
    }

    pub async fn admin(&self) -> StaffSession {
        self.sign_in("admin@test.nl").await
    }

    /// A browser without a session.
    pub fn signed_out(&self) -> StaffSession {
        StaffSession {
            router: self.router.clone(),
            cookie: String::new(),
        }
    }

    /// The staff user who sees company A only.
    pub async fn scoped_staff(&self) -> StaffSession {
        self.sign_in("staff@test.nl").await
    }

    /// A customer opens their link (the server-rendered page a phone gets).
    pub async fn open_link(&self, path: &str) -> Page {
        Page::read(get(&self.router, path, None).await).await
    }

    /// A customer posts the form of their page.
    pub async fn post_answer(&self, path: &str, pairs: &[(&str, &str)]) -> Page {
        Page::read(post_form(&self.router, path, pairs).await).await
    }
}

/// A page as the browser received it.
pub struct Page {
    pub status: http::StatusCode,
    pub headers: http::HeaderMap,
    pub html: String,
}

impl Page {
    async fn read(res: Response<Body>) -> Page {
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            html: body_text(res).await,
        }
    }

    /// The hidden submission key of the page's form.
    pub fn form_key(&self) -> String {
        form_key(&self.html)
    }
}

/// A staff user's browser: their session cookie (none when signed out).
pub struct StaffSession {
    pub router: Router,
    pub cookie: String,
}

/// Who the recipients of a run are, as the wizard's recipient step saves them.
pub enum Recipients<'a> {
    /// Everyone in the company with an address.
    All,
    /// These customer numbers.
    List(&'a str),
}

impl StaffSession {
    /// The browser that holds session `cookie` (as `sign_in` answers it).
    pub fn with_cookie(router: &Router, cookie: &str) -> StaffSession {
        StaffSession {
            router: router.clone(),
            cookie: cookie.to_string(),
        }
    }

    /// Calls a server function as the hydrated page does: its path, its arguments
    /// form-encoded, JSON back. Answers the error and the status it came with.
    pub async fn try_call<F>(&self, args: F) -> Result<F::Output, (http::StatusCode, AppError)>
    where
        F: ServerFn + Serialize,
        F::Output: DeserializeOwned,
    {
        let body = serde_qs::to_string(&args).expect("arguments that encode");
        let mut req = Request::post(F::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if !self.cookie.is_empty() {
            req = req.header(header::COOKIE, &self.cookie);
        }
        let req = req.body(Body::from(body)).unwrap();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let text = body_text(res).await;
        if status.is_success() {
            Ok(
                serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e} in {text}", F::PATH)),
            )
        } else {
            let err = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: {status}, {e} in {text}", F::PATH));
            Err((status, err))
        }
    }

    /// Calls a server function that must succeed.
    pub async fn call<F>(&self, args: F) -> F::Output
    where
        F: ServerFn + Serialize,
        F::Output: DeserializeOwned,
    {
        match self.try_call(args).await {
            Ok(out) => out,
            Err((status, err)) => panic!("{}: {status} {err:?}", F::PATH),
        }
    }

    /// Opens a staff page (server-rendered).
    pub async fn open(&self, path: &str) -> Page {
        let cookie = (!self.cookie.is_empty()).then_some(self.cookie.as_str());
        Page::read(get(&self.router, path, cookie).await).await
    }

    /// The wizard's first step: a new draft for `company`, valid five more days.
    pub async fn create_run(&self, company: i64, name: &str) -> RunId {
        use app::server_fns::runs::CreateRun;
        self.call(CreateRun {
            name: name.into(),
            company: company.to_string(),
            valid_to: in_days(5),
            sender_name: String::new(),
            sender_email: String::new(),
            reply_to: String::new(),
        })
        .await
    }

    /// A draft with every wizard step saved: the starter mail, e-mail and phone
    /// editable, city read-only, the rest hidden, contact persons shown.
    pub async fn prepare_run(&self, company: i64, name: &str, who: Recipients<'_>) -> RunId {
        use app::server_fns::runs::{SaveRunEmail, SaveRunFields, SaveRunRecipients};
        let id = self.create_run(company, name).await;
        let (mode, list) = match who {
            Recipients::All => ("filter", ""),
            Recipients::List(numbers) => ("list", numbers),
        };
        self.call(SaveRunRecipients {
            id: id.0,
            mode: mode.into(),
            kind: String::new(),
            city: String::new(),
            q: String::new(),
            confirmed_before: String::new(),
            list: list.into(),
            marketing: None,
        })
        .await;
        let starter = RunTemplates::starter();
        self.call(SaveRunEmail {
            id: id.0,
            nl_subject: starter.nl.subject,
            nl_body: starter.nl.body,
            en_subject: starter.en.subject,
            en_body: starter.en.body,
            nl_reminder_subject: starter.reminder.nl.subject,
            nl_reminder_opening: starter.reminder.nl.opening,
            en_reminder_subject: starter.reminder.en.subject,
            en_reminder_opening: starter.reminder.en.opening,
        })
        .await;
        self.call(SaveRunFields {
            id: id.0,
            rules: [
                ("email".to_string(), "editable".to_string()),
                ("phone".to_string(), "editable".to_string()),
                ("city".to_string(), "read_only".to_string()),
            ]
            .into(),
            show_contact_persons: Some("on".into()),
            show_notifications: None,
            show_subscriptions: None,
        })
        .await;
        id
    }

    /// Sends a prepared run to the `expected` number of recipients the page showed;
    /// answers how many mails were queued.
    pub async fn send_run(&self, run: RunId, expected: i64) -> i64 {
        self.send_run_planning(run, expected, "").await
    }

    /// Sends a prepared run and plans `reminders` (days after sending, as typed).
    pub async fn send_run_planning(&self, run: RunId, expected: i64, reminders: &str) -> i64 {
        self.call(app::server_fns::runs::SendRun {
            id: run.0,
            expected,
            reminders: reminders.into(),
        })
        .await
    }

    pub async fn progress(&self, run: RunId) -> datacheck_core::wire::RunProgress {
        self.call(app::server_fns::runs::LoadRunProgress { id: run.0 })
            .await
    }

    pub async fn run_page(&self, run: RunId) -> datacheck_core::wire::RunView {
        self.call(app::server_fns::runs::LoadRun { id: run.0 })
            .await
    }

    pub async fn cancel_run(&self, run: RunId) {
        self.call(app::server_fns::runs::CancelRun { id: run.0 })
            .await
    }

    /// Sends reminders to those who have not answered, `expected` being the number the
    /// page showed.
    pub async fn remind(
        &self,
        run: RunId,
        expected: i64,
    ) -> Result<i64, (http::StatusCode, AppError)> {
        self.remind_ticked(run, expected, &[]).await
    }

    /// Sends reminders to the ticked `recipients` (run recipient ids).
    pub async fn remind_ticked(
        &self,
        run: RunId,
        expected: i64,
        recipients: &[i64],
    ) -> Result<i64, (http::StatusCode, AppError)> {
        self.try_call(app::server_fns::runs::SendReminders {
            id: run.0,
            expected,
            recipients: recipients.to_vec(),
        })
        .await
    }

    /// Processes, ignores or deletes the mutations `selection` names
    /// (`ids:1,2` or a filter), `expected` being the count the page showed.
    pub async fn review(
        &self,
        action: &str,
        selection: &str,
        expected: i64,
    ) -> Result<i64, (http::StatusCode, AppError)> {
        self.try_call(app::server_fns::mutations::ReviewMutations {
            action: action.into(),
            selection: selection.into(),
            expected,
        })
        .await
    }
}
