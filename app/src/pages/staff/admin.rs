//! Admin pages: staff users, companies, subscription types, the audit log. The server functions check the
//! role again; these pages only decide what to show.

use crate::components::{
    BodyOwner, FieldError, FormError, Loading, NoAccess, PageHeader, action_error,
};
use crate::server_fns::admin::{
    CreateApiKey, CreateCompany, InviteStaffUser, RenameCompany, ResetStaffPassword, RevokeApiKey,
    SetStaffUserDisabled, UpdateStaffUser, list_api_keys, list_audit, list_companies,
    list_staff_users,
};
use crate::server_fns::subscriptions::{
    DeleteSubscriptionType, SaveSubscriptionType, list_subscription_types,
};
use datacheck_core::error::AppError;
use datacheck_core::wire::{
    CompanyRow, StaffRole, StaffUserRow, SubscriptionTypeRow, TemporaryPassword,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Staff users" />
        <UsersAdmin />
    }
}

/// The page body for admins, the no-access panel for a refused (`Forbidden`) load, or
/// the error. Resources are created by the caller, outside any async block, so their
/// ids match between the server render and hydration.
fn admin_view<T: 'static>(
    owner: BodyOwner,
    loaded: Result<T, AppError>,
    body: impl FnOnce(T) -> AnyView + 'static,
) -> AnyView {
    match loaded {
        Ok(v) => owner.build(move || body(v)).into_any(),
        Err(AppError::Forbidden) => view! { <NoAccess /> }.into_any(),
        Err(e) => {
            view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any()
        }
    }
}

/// Shows a password that exists only in this response.
#[component]
fn TemporaryPasswordNotice(temp: TemporaryPassword) -> impl IntoView {
    view! {
        <div class="alert alert-success temp-password" role="status" data-testid="temporary-password">
            <p>"Temporary password for " <strong>{temp.email}</strong> ":"</p>
            <p><code class="secret">{temp.password}</code></p>
            <p class="muted">"It is shown only now. Pass it on in person or by phone; they choose their own password when they first sign in."</p>
        </div>
    }
}

/// Checkboxes named `company_ids[i]`, which the server reads as a list.
#[component]
fn CompanyChoices(
    companies: Vec<CompanyRow>,
    #[prop(optional)] checked: Vec<i64>,
    id_prefix: String,
) -> impl IntoView {
    view! {
        <fieldset class="choices">
            <legend>"Companies (for the staff role)"</legend>
            {companies.into_iter().enumerate().map(|(i, c)| {
                let id = format!("{id_prefix}-company-{}", c.id);
                let is_checked = checked.contains(&c.id.0);
                view! {
                    <label class="choice" for=id.clone()>
                        <input type="checkbox" id=id.clone() name=format!("company_ids[{i}]") value=c.id.0.to_string() checked=is_checked />
                        {c.name}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn UsersAdmin() -> impl IntoView {
    let invite = ServerAction::<InviteStaffUser>::new();
    let update = ServerAction::<UpdateStaffUser>::new();
    let disable = ServerAction::<SetStaffUserDisabled>::new();
    let reset = ServerAction::<ResetStaffPassword>::new();
    let users = Resource::new(
        move || {
            (
                invite.version().get(),
                update.version().get(),
                disable.version().get(),
                reset.version().get(),
            )
        },
        |_| list_staff_users(),
    );
    let companies = Resource::new(|| (), |_| list_companies());
    let invite_error = action_error(invite);
    let row_error = Signal::derive(move || {
        update
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| disable.value().get().and_then(|r| r.err()))
            .or_else(|| reset.value().get().and_then(|r| r.err()))
    });
    let editing = RwSignal::new(None::<i64>);
    let confirming = RwSignal::new(None::<(i64, &'static str)>);
    // After a successful invitation the form starts empty for the next one.
    let invite_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(invite.value().get(), Some(Ok(_)))
            && let Some(form) = invite_form.get()
        {
            form.reset();
        }
    });

    let owner = BodyOwner::new();
    view! {
        <PageHeader title="Staff users" description="Who can sign in, with which role, for which companies." />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let loaded = match (users.await, companies.await) {
                    (Ok(u), Ok(c)) => Ok((u, c)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                admin_view(owner, loaded, move |(rows, companies)| { let invite_companies = companies.clone(); view! {
                    <section class="card">
                        <h2>"Invite a staff user"</h2>
                        {move || invite.value().get().and_then(|r| r.ok()).map(|t| view! { <TemporaryPasswordNotice temp=t /> })}
                        <FormError error=invite_error />
                        <ActionForm action=invite node_ref=invite_form attr:class="form form-grid" attr:novalidate=true>
                            <div class="field">
                                <label for="invite-name">"Name"</label>
                                <input id="invite-name" name="display_name" required=true autocomplete="off" />
                                <FieldError error=invite_error name="display_name" />
                            </div>
                            <div class="field">
                                <label for="invite-email">"E-mail address"</label>
                                <input id="invite-email" name="email" type="email" required=true autocomplete="off" />
                                <FieldError error=invite_error name="email" />
                            </div>
                            <div class="field">
                                <label for="invite-role">"Role"</label>
                                <select id="invite-role" name="role">
                                    <option value="staff" selected=true>"Staff: works in the chosen companies"</option>
                                    <option value="admin">"Admin: all companies, manages users"</option>
                                </select>
                                <FieldError error=invite_error name="role" />
                            </div>
                            <CompanyChoices companies=invite_companies id_prefix="invite".into() />
                            <div class="form-actions">
                                <button type="submit" class="button button-primary" disabled=move || invite.pending().get()>"Invite"</button>
                            </div>
                        </ActionForm>
                    </section>

                    <section class="card">
                        <h2>"Staff users"</h2>
                        {move || reset.value().get().and_then(|r| r.ok()).map(|t| view! { <TemporaryPasswordNotice temp=t /> })}
                        <FormError error=row_error />
                        <div class="table-wrap">
                        <table class="data-table stack" data-testid="staff-users">
                            <thead><tr>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Role"</th>
                                <th scope="col">"Companies"</th>
                                <th scope="col">"Last sign-in"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                            {rows.into_iter().map(|u| user_row(u, companies.clone(), editing, confirming, update, disable, reset)).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    </section>
                }.into_any() })
            })}
        </Transition>
    }
}

fn user_row(
    u: StaffUserRow,
    companies: Vec<CompanyRow>,
    editing: RwSignal<Option<i64>>,
    confirming: RwSignal<Option<(i64, &'static str)>>,
    update: ServerAction<UpdateStaffUser>,
    disable: ServerAction<SetStaffUserDisabled>,
    reset: ServerAction<ResetStaffPassword>,
) -> AnyView {
    let id = u.id.0;
    let name = u.display_name.clone();
    let status = if u.disabled {
        view! { <span class="badge badge-muted">"Disabled"</span> }.into_any()
    } else if u.must_change_password {
        view! { <span class="badge badge-warning">"Invited"</span> }.into_any()
    } else {
        view! { <span class="badge badge-success">"Active"</span> }.into_any()
    };
    let company_text = if u.role == StaffRole::Admin {
        "All companies".to_string()
    } else if u.companies.is_empty() {
        "None".to_string()
    } else {
        u.companies
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let checked: Vec<i64> = u.companies.iter().map(|c| c.id.0).collect();
    let role = u.role;
    let disabled = u.disabled;
    view! {
        <tr class:row-disabled=disabled>
            <td><strong>{u.display_name.clone()}</strong><br /><span class="muted">{u.email.clone()}</span></td>
            <td data-label="Role">{u.role.label()}</td>
            <td data-label="Companies">{company_text}</td>
            <td data-label="Last sign-in">{u.last_sign_in.clone()}</td>
            <td data-label="Status">{status}</td>
            <td class="actions">
                <button type="button" class="button button-small"
                    on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })>"Edit"</button>
                <button type="button" class="button button-small"
                    on:click=move |_| confirming.set(Some((id, "reset")))>"Reset password"</button>
                <button type="button" class="button button-small" class:button-danger=!disabled
                    on:click=move |_| confirming.set(Some((id, if disabled { "enable" } else { "disable" })))>
                    {if disabled { "Enable" } else { "Disable" }}
                </button>
            </td>
        </tr>
        {move || (confirming.get().map(|c| c.0) == Some(id)).then(|| {
            let what = confirming.get().map(|c| c.1).unwrap_or_default();
            let question = match what {
                "reset" => format!("Reset the password of {name}? Their sessions end and they get a new temporary password."),
                "disable" => format!("Disable {name}? They are signed out at once and cannot sign in."),
                _ => format!("Enable {name} again?"),
            };
            view! {
                <tr class="confirm-row"><td colspan="6">
                    <div class="confirm" role="alertdialog" aria-label="Confirm">
                        <span>{question}</span>
                        <button type="button" class="button button-small button-primary" on:click=move |_| {
                            match what {
                                "reset" => { reset.dispatch(ResetStaffPassword { id }); }
                                "disable" => { disable.dispatch(SetStaffUserDisabled { id, disabled: true }); }
                                _ => { disable.dispatch(SetStaffUserDisabled { id, disabled: false }); }
                            }
                            confirming.set(None);
                        }>"Yes, continue"</button>
                        <button type="button" class="button button-small" on:click=move |_| confirming.set(None)>"Cancel"</button>
                    </div>
                </td></tr>
            }
        })}
        {move || (editing.get() == Some(id)).then(|| {
            let companies = companies.clone();
            let checked = checked.clone();
            view! {
                <tr class="edit-row"><td colspan="6">
                    <ActionForm action=update attr:class="form form-grid" on:submit=move |_| editing.set(None)>
                        <input type="hidden" name="id" value=id.to_string() />
                        <div class="field">
                            <label for=format!("role-{id}")>"Role"</label>
                            <select id=format!("role-{id}") name="role">
                                <option value="staff" selected=role == StaffRole::Staff>"Staff"</option>
                                <option value="admin" selected=role == StaffRole::Admin>"Admin"</option>
                            </select>
                        </div>
                        <CompanyChoices companies=companies checked=checked id_prefix=format!("edit-{id}") />
                        <div class="form-actions">
                            <button type="submit" class="button button-primary button-small">"Save"</button>
                            <button type="button" class="button button-small" on:click=move |_| editing.set(None)>"Cancel"</button>
                        </div>
                    </ActionForm>
                </td></tr>
            }
        })}
    }
    .into_any()
}

#[component]
pub fn CompaniesPage() -> impl IntoView {
    view! {
        <Title text="Companies" />
        <CompaniesAdmin />
    }
}

#[component]
fn CompaniesAdmin() -> impl IntoView {
    let create = ServerAction::<CreateCompany>::new();
    let rename = ServerAction::<RenameCompany>::new();
    let companies = Resource::new(
        move || (create.version().get(), rename.version().get()),
        |_| list_companies(),
    );
    let create_error = action_error(create);
    let rename_error = action_error(rename);
    let renaming = RwSignal::new(None::<i64>);
    // After a company is added the form starts empty for the next one.
    let create_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_)))
            && let Some(form) = create_form.get()
        {
            form.reset();
        }
    });
    let owner = BodyOwner::new();
    view! {
        <PageHeader title="Companies" description="Every contact, data check and mutation belongs to one company. Staff users see only their companies." />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                admin_view(owner, companies.await, move |rows| view! {
                    <section class="card">
                        <h2>"Add a company"</h2>
                        <FormError error=create_error />
                        <ActionForm action=create node_ref=create_form attr:class="form form-inline" attr:novalidate=true>
                            <div class="field">
                                <label for="company-name">"Name"</label>
                                <input id="company-name" name="name" required=true autocomplete="off" />
                                <FieldError error=create_error name="name" />
                            </div>
                            <button type="submit" class="button button-primary">"Add company"</button>
                        </ActionForm>
                    </section>
                    <section class="card">
                        <FormError error=rename_error />
                        <FieldError error=rename_error name="name" />
                        <div class="table-wrap">
                        <table class="data-table stack" data-testid="companies">
                            <thead><tr>
                                <th scope="col">"Company"</th>
                                <th scope="col" class="num">"Contacts"</th>
                                <th scope="col" class="num">"Staff users"</th>
                                <th scope="col">"Added on"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                            {rows.into_iter().map(|c| company_row(c, renaming, rename)).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    </section>
                }.into_any())
            })}
        </Transition>
    }
}

fn company_row(
    c: CompanyRow,
    renaming: RwSignal<Option<i64>>,
    rename: ServerAction<RenameCompany>,
) -> impl IntoView {
    let id = c.id.0;
    let name = c.name.clone();
    view! {
        <tr>
            <td>
                {move || if renaming.get() == Some(id) {
                    let name = name.clone();
                    view! {
                        <ActionForm action=rename attr:class="form-inline" on:submit=move |_| renaming.set(None)>
                            <input type="hidden" name="id" value=id.to_string() />
                            <label class="visually-hidden" for=format!("rename-{id}")>"New name"</label>
                            <input id=format!("rename-{id}") name="name" value=name required=true />
                            <button type="submit" class="button button-small button-primary">"Save"</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <strong>{name.clone()}</strong> }.into_any()
                }}
            </td>
            <td class="num" data-label="Contacts">{c.contacts}</td>
            <td class="num" data-label="Staff users">{c.staff_users}</td>
            <td data-label="Added on">{c.created_on.clone()}</td>
            <td class="actions">
                <button type="button" class="button button-small"
                    on:click=move |_| renaming.update(|r| *r = if *r == Some(id) { None } else { Some(id) })>
                    "Rename"
                </button>
            </td>
        </tr>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <AuditLog />
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let events = Resource::new(|| (), |_| list_audit(None));
    let owner = BodyOwner::new();
    view! {
        <PageHeader title="Audit log" description="Every change staff made, newest first. Entries cannot be edited or removed." />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                admin_view(owner, events.await, move |rows| view! {
                    <section class="card">
                        <div class="table-wrap">
                        <table class="data-table stack" data-testid="audit-log">
                            <thead><tr>
                                <th scope="col">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"What"</th>
                                <th scope="col">"Subject"</th>
                                <th scope="col">"Detail"</th>
                            </tr></thead>
                            <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr>
                                    <td class="nowrap" data-label="When">{r.at}</td>
                                    <td data-label="Who">{r.actor}</td>
                                    <td data-label="What"><code>{r.action}</code></td>
                                    <td data-label="Subject">{r.subject}</td>
                                    <td class="detail" data-label="Detail"><code>{r.detail}</code></td>
                                </tr>
                            }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    </section>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <Title text="API keys" />
        <ApiKeysAdmin />
    }
}

#[component]
fn ApiKeysAdmin() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_keys(),
    );
    let companies = Resource::new(|| (), |_| list_companies());
    let create_error = action_error(create);
    let revoke_error = action_error(revoke);
    let confirming = RwSignal::new(None::<i64>);
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_)))
            && let Some(f) = form.get()
        {
            f.reset();
        }
    });
    let owner = BodyOwner::new();
    view! {
        <PageHeader title="API keys" description="Keys your DMS uses to send contacts to Datacheck and fetch mutations, over /api/v1. See /api/v1/openapi.json." />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let loaded = match (keys.await, companies.await) {
                    (Ok(k), Ok(c)) => Ok((k, c)),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                admin_view(owner, loaded, move |(rows, companies)| view! {
                    <section class="card">
                        <h2>"Create a key"</h2>
                        {move || create.value().get().and_then(|r| r.ok()).map(|k| view! {
                            <div class="alert alert-success" role="status" data-testid="new-api-key">
                                <p>"The key “"{k.name}"”:"</p>
                                <p><code class="secret">{k.key}</code></p>
                                <p class="muted">"Copy it into your DMS now: it is shown only this once. Send it as “Authorization: Bearer …”."</p>
                                {k.webhook_secret.map(|s| view! {
                                    <p>"Webhook secret:"</p>
                                    <p><code class="secret" data-testid="webhook-secret">{s}</code></p>
                                    <p class="muted">"Each call carries “X-Datacheck-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of “<t>.<body>” with this secret>”; also shown only once."</p>
                                })}
                            </div>
                        })}
                        <FormError error=create_error />
                        <ActionForm action=create node_ref=form attr:class="form form-grid" attr:novalidate=true>
                            <div class="field">
                                <label for="key-name">"Name"</label>
                                <input id="key-name" name="name" required=true autocomplete="off" placeholder="DMS Amersfoort" />
                                <FieldError error=create_error name="name" />
                            </div>
                            <fieldset class="choices">
                                <legend>"Companies"</legend>
                                <label class="choice"><input type="checkbox" name="all_companies" />"All companies, now and later"</label>
                                {companies.into_iter().enumerate().map(|(i, c)| view! {
                                    <label class="choice">
                                        <input type="checkbox" name=format!("company_ids[{i}]") value=c.id.0.to_string() />
                                        {c.name}
                                    </label>
                                }).collect_view()}
                                <FieldError error=create_error name="company_ids" />
                            </fieldset>
                            <div class="field">
                                <label for="key-webhook">"Webhook URL (optional)"</label>
                                <input id="key-webhook" name="webhook_url" type="url" autocomplete="off" placeholder="https://dms.example.nl/datacheck" aria-describedby="key-webhook-hint" />
                                <p class="hint" id="key-webhook-hint">"Called with a signed POST each time a customer answers, so the DMS need not poll."</p>
                                <FieldError error=create_error name="webhook_url" />
                            </div>
                            <div class="form-actions">
                                <button type="submit" class="button button-primary" disabled=move || create.pending().get()>"Create key"</button>
                            </div>
                        </ActionForm>
                    </section>
                    <section class="card">
                        <h2>"Keys"</h2>
                        <FormError error=revoke_error />
                        {if rows.is_empty() {
                            view! { <p class="muted">"No keys yet."</p> }.into_any()
                        } else {
                            view! {
                                <div class="table-wrap">
                                <table class="data-table stack" data-testid="api-keys">
                                    <thead><tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Key starts with"</th>
                                        <th scope="col">"Companies"</th>
                                        <th scope="col">"Created"</th>
                                        <th scope="col">"Last used"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr></thead>
                                    <tbody>
                                    {rows.into_iter().map(|k| {
                                        let id = k.id;
                                        let name = k.name.clone();
                                        let revoked = k.revoked.is_some();
                                        view! {
                                            <tr class:row-disabled=revoked>
                                                <td data-label="Name"><strong>{k.name.clone()}</strong></td>
                                                <td data-label="Key starts with"><code>{k.prefix}</code></td>
                                                <td data-label="Companies">{k.companies}</td>
                                                <td data-label="Created">{k.created}</td>
                                                <td data-label="Last used">{k.last_used}</td>
                                                <td class="actions">
                                                    {match k.revoked {
                                                        Some(at) => view! { <span class="badge badge-muted">{format!("Revoked {at}")}</span> }.into_any(),
                                                        None => view! {
                                                            <button type="button" class="button button-small button-danger"
                                                                on:click=move |_| confirming.set(Some(id))>"Revoke"</button>
                                                        }.into_any(),
                                                    }}
                                                </td>
                                            </tr>
                                            {move || (confirming.get() == Some(id)).then(|| {
                                                let name = name.clone();
                                                view! {
                                                    <tr class="confirm-row"><td colspan="6">
                                                        <div class="confirm" role="alertdialog" aria-label="Confirm">
                                                            <span>{format!("Revoke “{name}”? The DMS using it is refused from the next request on.")}</span>
                                                            <button type="button" class="button button-small button-danger"
                                                                on:click=move |_| { revoke.dispatch(RevokeApiKey { id }); confirming.set(None); }>"Revoke key"</button>
                                                            <button type="button" class="button button-small" on:click=move |_| confirming.set(None)>"Cancel"</button>
                                                        </div>
                                                    </td></tr>
                                                }
                                            })}
                                        }
                                    }).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            }.into_any()
                        }}
                    </section>
                }.into_any())
            })}
        </Transition>
    }
}

#[component]
pub fn SubscriptionTypesPage() -> impl IntoView {
    view! {
        <Title text="Subscription types" />
        <SubscriptionTypesAdmin />
    }
}

/// The fields of one subscription type, empty for a new one.
fn subscription_type_fields(
    t: Option<SubscriptionTypeRow>,
    error: Signal<Option<AppError>>,
    prefix: &'static str,
) -> impl IntoView {
    let t = t.unwrap_or(SubscriptionTypeRow {
        id: 0,
        key: String::new(),
        name_nl: String::new(),
        name_en: String::new(),
        description_nl: String::new(),
        description_en: String::new(),
        active: true,
        position: 100,
        subscribers: 0,
    });
    let new = t.id == 0;
    let id = |name: &str| format!("{prefix}-{name}");
    view! {
        <input type="hidden" name="id" value=t.id />
        {if new {
            view! {
                <div class="field">
                    <label for=id("key")>"Key"</label>
                    <input id=id("key") name="key" autocomplete="off" placeholder="car_care_tips" aria-describedby=id("key-hint") />
                    <p class="hint" id=id("key-hint")>"Names the type in answers, the history and the API; it cannot change later."</p>
                    <FieldError error name="key" />
                </div>
            }.into_any()
        } else {
            view! { <input type="hidden" name="key" value=t.key.clone() /> }.into_any()
        }}
        <div class="field">
            <label for=id("name_nl")>"Name (Dutch)"</label>
            <input id=id("name_nl") name="name_nl" value=t.name_nl required=true autocomplete="off" />
            <FieldError error name="name_nl" />
        </div>
        <div class="field">
            <label for=id("name_en")>"Name (English)"</label>
            <input id=id("name_en") name="name_en" value=t.name_en required=true autocomplete="off" />
            <FieldError error name="name_en" />
        </div>
        <div class="field">
            <label for=id("description_nl")>"Description (Dutch)"</label>
            <input id=id("description_nl") name="description_nl" value=t.description_nl autocomplete="off" />
            <FieldError error name="description_nl" />
        </div>
        <div class="field">
            <label for=id("description_en")>"Description (English)"</label>
            <input id=id("description_en") name="description_en" value=t.description_en autocomplete="off" />
            <FieldError error name="description_en" />
        </div>
        <div class="field">
            <label for=id("position")>"Order"</label>
            <input id=id("position") name="position" inputmode="numeric" value=t.position.to_string() />
            <FieldError error name="position" />
        </div>
        <label class="choice field-wide">
            <input type="checkbox" name="active" checked=t.active />
            "Active: offered on the customer and preferences pages"
        </label>
    }
}

#[component]
fn SubscriptionTypesAdmin() -> impl IntoView {
    let create = ServerAction::<SaveSubscriptionType>::new();
    let edit = ServerAction::<SaveSubscriptionType>::new();
    let remove = ServerAction::<DeleteSubscriptionType>::new();
    let types = Resource::new(
        move || {
            (
                create.version().get(),
                edit.version().get(),
                remove.version().get(),
            )
        },
        |_| list_subscription_types(),
    );
    let create_error = action_error(create);
    let edit_error = action_error(edit);
    let remove_error = action_error(remove);
    let editing = RwSignal::new(None::<i64>);
    let removing = RwSignal::new(None::<SubscriptionTypeRow>);
    let owner = BodyOwner::new();
    // A finished save closes its form (or empties the add form); a finished removal
    // its question.
    let add_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_)))
            && let Some(form) = add_form.get()
        {
            form.reset();
        }
    });
    Effect::new(move |_| {
        if edit.value().get().is_some_and(|r| r.is_ok()) {
            editing.set(None);
        }
    });
    Effect::new(move |_| {
        if remove.value().get().is_some_and(|r| r.is_ok()) {
            removing.set(None);
        }
    });
    view! {
        <PageHeader title="Subscription types" description="What customers can subscribe to on the customer page and their preferences page. Inactive types are no longer offered; who subscribed stays." />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                admin_view(owner, types.await, move |rows| view! {
                    <section class="card">
                        <h2>"Subscription types"</h2>
                        <FormError error=remove_error />
                        {move || removing.get().map(|t| {
                            let question = if t.subscribers > 0 {
                                format!("{} contact(s) are subscribed to \"{}\". Removing it ends their subscriptions; their consent history stays. To stop offering it but keep who subscribed, make it inactive instead.", t.subscribers, t.name_en)
                            } else {
                                format!("Remove \"{}\"? No one is subscribed to it.", t.name_en)
                            };
                            let label = if t.subscribers > 0 { format!("Remove, ending {} subscription(s)", t.subscribers) } else { "Remove".to_string() };
                            view! {
                                <div class="confirm-panel" role="alertdialog" aria-labelledby="remove-q" data-testid="subscription-remove-confirm">
                                    <p id="remove-q">{question}</p>
                                    <div class="form-actions">
                                        <button type="button" class="button button-danger" disabled=move || remove.pending().get()
                                            on:click=move |_| { remove.dispatch(DeleteSubscriptionType { id: t.id, expected: t.subscribers }); }>
                                            {label}
                                        </button>
                                        <button type="button" class="button" on:click=move |_| removing.set(None)>"Cancel"</button>
                                    </div>
                                </div>
                            }
                        })}
                        <div class="table-wrap">
                        <table class="data-table stack" data-testid="subscription-types">
                            <thead><tr>
                                <th scope="col" class="num">"Order"</th>
                                <th scope="col">"Name"</th>
                                <th scope="col">"Key"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col" class="num">"Subscribed"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                            {rows.into_iter().map(|t| {
                                let id = t.id;
                                let row = t.clone();
                                let form_row = t.clone();
                                view! {
                                    <tr data-key=t.key.clone()>
                                        <td class="num" data-label="Order">{t.position}</td>
                                        <td data-label="Name">
                                            <strong>{t.name_en.clone()}</strong>
                                            <div class="muted small" lang="nl">{t.name_nl.clone()}</div>
                                        </td>
                                        <td data-label="Key"><code>{t.key.clone()}</code></td>
                                        <td data-label="Status">
                                            {if t.active {
                                                view! { <span class="badge badge-success">"Active"</span> }.into_any()
                                            } else {
                                                view! { <span class="badge badge-muted">"Inactive"</span> }.into_any()
                                            }}
                                        </td>
                                        <td class="num" data-label="Subscribed">{t.subscribers}</td>
                                        <td class="row-actions">
                                            <button type="button" class="button button-small"
                                                on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })>
                                                "Edit"
                                            </button>
                                            <button type="button" class="button button-small button-danger-quiet"
                                                on:click=move |_| removing.set(Some(row.clone()))>
                                                "Remove"
                                            </button>
                                        </td>
                                    </tr>
                                    {move || (editing.get() == Some(id)).then(|| {
                                        let t = form_row.clone();
                                        view! {
                                            <tr class="edit-row"><td colspan="6">
                                                <FormError error=edit_error />
                                                <ActionForm action=edit attr:class="form form-grid" attr:novalidate=true>
                                                    {subscription_type_fields(Some(t), edit_error, "edit")}
                                                    <div class="form-actions">
                                                        <button type="submit" class="button button-primary" disabled=move || edit.pending().get()>"Save"</button>
                                                        <button type="button" class="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                                                    </div>
                                                </ActionForm>
                                            </td></tr>
                                        }
                                    })}
                                }
                            }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    </section>
                    <section class="card">
                        <h2>"Add a subscription type"</h2>
                        <FormError error=create_error />
                        <ActionForm action=create node_ref=add_form attr:class="form form-grid" attr:novalidate=true attr:data-testid="subscription-add">
                            {subscription_type_fields(None, create_error, "new")}
                            <div class="form-actions">
                                <button type="submit" class="button button-primary" disabled=move || create.pending().get()>"Add"</button>
                            </div>
                        </ActionForm>
                    </section>
                }.into_any())
            })}
        </Transition>
    }
}
