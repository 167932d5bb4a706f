//! Staff users: invite, change role and companies, disable, reset a password.

use super::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Staff users" />
        <UsersAdmin />
    }
}

#[component]
pub(super) fn UsersAdmin() -> impl IntoView {
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

pub(super) fn user_row(
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
