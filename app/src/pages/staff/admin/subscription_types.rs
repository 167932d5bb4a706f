//! Subscription types: what the customer and preferences pages offer.

use super::*;

#[component]
pub fn SubscriptionTypesPage() -> impl IntoView {
    view! {
        <Title text="Subscription types" />
        <SubscriptionTypesAdmin />
    }
}

/// The fields of one subscription type, empty for a new one.
pub(super) fn subscription_type_fields(
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
pub(super) fn SubscriptionTypesAdmin() -> impl IntoView {
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
