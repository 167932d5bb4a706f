//! The field editor: the catalogue of built-in fields and custom attributes, in the
//! order customers see them. Admins change it; other staff read it.

use crate::components::{
    BodyOwner, FieldError, FormError, Loading, PageHeader, action_error, icons,
};
use crate::pages::staff::use_me;
use crate::server_fns::fields::{DeleteField, MoveField, SaveField, list_fields};
use datacheck_core::domain::FieldType;
use datacheck_core::wire::{FieldChangeReport, FieldDef, FieldSaved};
use leptos::prelude::*;
use leptos_meta::Title;

/// The actions of the page, shared by every row.
#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveField>,
    delete: ServerAction<DeleteField>,
    moving: ServerAction<MoveField>,
    editing: RwSignal<Option<String>>,
    /// Which form was submitted last ("new" or a field key): its errors show there.
    submitted: RwSignal<Option<String>>,
}

#[component]
pub fn FieldsPage() -> impl IntoView {
    let actions = Actions {
        save: ServerAction::<SaveField>::new(),
        delete: ServerAction::<DeleteField>::new(),
        moving: ServerAction::<MoveField>::new(),
        editing: RwSignal::new(None),
        submitted: RwSignal::new(None),
    };
    // The catalogue reloads after a change succeeded, not after every submission: an
    // error or a confirmation question must leave the open form as the admin typed it.
    let changed = RwSignal::new(0usize);
    let bump = move || {
        actions.editing.set(None);
        changed.update(|n| *n += 1);
    };
    Effect::new(move |_| {
        if let Some(Ok(FieldSaved::Saved { .. })) = actions.save.value().get() {
            bump();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(None)) = actions.delete.value().get() {
            bump();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = actions.moving.value().get() {
            bump();
        }
    });
    let fields = Resource::new(move || changed.get(), |_| list_fields());
    let me = use_me();
    let delete_error = action_error(actions.delete);
    let move_error = action_error(actions.moving);
    let body = BodyOwner::new();

    view! {
        <Title text="Fields" />
        <PageHeader title="Fields" description="The field catalogue: the built-in contact fields and your own attributes, in the order customers see them." />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let is_admin = me.0.await.ok().flatten().is_some_and(|m| m.is_admin());
                is_admin.then(|| view! {
                    <section class="card">
                        <h2>"Add a custom attribute"</h2>
                        <p class="muted">"An attribute is a value you keep per contact beyond the built-in fields, like a lease contract number or the fuel type of a car."</p>
                        <FieldEditor field=None actions />
                    </section>
                })
            })}
        </Suspense>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let is_admin = me.0.await.ok().flatten().is_some_and(|m| m.is_admin());
                match fields.await {
                    Ok(rows) => {
                        let last = rows.len().saturating_sub(1);
                        body.build(move || view! {
                            <section class="card">
                                <h2>"Catalogue"</h2>
                                <FormError error=delete_error />
                                <FormError error=move_error />
                                <div class="table-wrap">
                                <table class="data-table stack" data-testid="fields">
                                    <thead><tr>
                                        {is_admin.then(|| view! { <th scope="col"><span class="visually-hidden">"Order"</span></th> })}
                                        <th scope="col">"Field"</th>
                                        <th scope="col">"Key"</th>
                                        <th scope="col">"Type"</th>
                                        <th scope="col">"Customers"</th>
                                        <th scope="col" class="num">"Values"</th>
                                        {is_admin.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().enumerate().map(|(i, f)| field_row(f, i == 0, i == last, is_admin, actions)).collect_view()}
                                    </tbody>
                                </table>
                                </div>
                            </section>
                        }).into_any()
                    }
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn customer_access(f: &FieldDef) -> &'static str {
    match (f.customer_visible, f.customer_editable) {
        (true, true) => "Can edit",
        (true, false) => "Can see",
        _ => "Hidden",
    }
}

fn field_row(f: FieldDef, first: bool, last: bool, is_admin: bool, a: Actions) -> AnyView {
    let key = f.key.clone();
    let row_key = key.clone();
    let edit_key = key.clone();
    let editing = move || a.editing.with(|e| e.as_deref() == Some(row_key.as_str()));
    let colspan = if is_admin { "7" } else { "5" };
    let values = if f.builtin {
        "—".to_string()
    } else {
        f.values.to_string()
    };
    let access = customer_access(&f);
    let type_label = f.field_type.label();
    let editor_field = f.clone();
    view! {
        <tr data-field=key.clone()>
            {is_admin.then(|| {
                let up = key.clone();
                let down = key.clone();
                view! {
                    <td class="order">
                        <button type="button" class="icon-button-plain" aria-label=format!("Move {} up", f.label_en) disabled=first
                            on:click=move |_| { a.moving.dispatch(MoveField { key: up.clone(), up: true }); }>{icons::arrow_up()}</button>
                        <button type="button" class="icon-button-plain" aria-label=format!("Move {} down", f.label_en) disabled=last
                            on:click=move |_| { a.moving.dispatch(MoveField { key: down.clone(), up: false }); }>{icons::arrow_down()}</button>
                    </td>
                }
            })}
            <td data-label="Field">
                <strong>{f.label_en.clone()}</strong>
                {f.required.then(|| view! { <span class="badge badge-warning">"Required"</span> })}
                <br /><span class="muted" lang="nl">{f.label_nl.clone()}</span>
            </td>
            <td data-label="Key"><code>{key.clone()}</code>{f.builtin.then(|| view! { " " <span class="badge badge-muted">"Built in"</span> })}</td>
            <td data-label="Type">
                {type_label}
                {(!f.choices.is_empty()).then(|| view! {
                    <br /><span class="muted small">{f.choices.iter().map(|c| c.nl.as_str()).collect::<Vec<_>>().join(", ")}</span>
                })}
            </td>
            <td data-label="Customers">{access}</td>
            <td class="num" data-label="Values">{values}</td>
            {is_admin.then(|| view! {
                <td class="actions">
                    <button type="button" class="button button-small"
                        on:click=move |_| a.editing.update(|e| {
                            *e = if e.as_deref() == Some(edit_key.as_str()) { None } else { Some(edit_key.clone()) }
                        })>"Edit"</button>
                </td>
            })}
        </tr>
        {move || editing().then(|| {
            let field = editor_field.clone();
            view! {
                <tr class="edit-row"><td colspan=colspan>
                    <FieldEditor field=Some(field) actions=a />
                </td></tr>
            }
        })}
    }
    .into_any()
}

/// The form for a new attribute (`field` is `None`) or for changing one field.
#[component]
fn FieldEditor(field: Option<FieldDef>, actions: Actions) -> impl IntoView {
    let save = actions.save;
    let is_new = field.is_none();
    let builtin = field.as_ref().is_some_and(|f| f.builtin);
    let locked = field.as_ref().is_some_and(FieldDef::locked);
    let key = field.as_ref().map(|f| f.key.clone()).unwrap_or_default();
    let prefix = if is_new {
        "new".to_string()
    } else {
        format!("edit-{key}")
    };
    let id = move |name: &str| format!("{prefix}-{name}");
    let initial_type = field.as_ref().map_or(FieldType::Text, |f| f.field_type);
    let chosen_type = RwSignal::new(initial_type);
    let choices_text = field
        .as_ref()
        .map(|f| {
            f.choices
                .iter()
                .map(|c| {
                    if c.en == c.nl {
                        c.nl.clone()
                    } else {
                        format!("{} | {}", c.nl, c.en)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let (label_nl, label_en) = field
        .as_ref()
        .map(|f| (f.label_nl.clone(), f.label_en.clone()))
        .unwrap_or_default();
    let (required, visible, editable) = field.as_ref().map_or((false, true, true), |f| {
        (f.required, f.customer_visible, f.customer_editable)
    });
    let values = field.as_ref().map_or(0, |f| f.values);

    // Errors belong to the form that was submitted.
    let form_id = if is_new {
        "new".to_string()
    } else {
        key.clone()
    };
    let error = Signal::derive({
        let form_id = form_id.clone();
        move || {
            save.value().get().and_then(|r| r.err()).filter(|_| {
                actions
                    .submitted
                    .with(|s| s.as_deref() == Some(form_id.as_str()))
            })
        }
    });
    let report = Signal::derive({
        let key = key.clone();
        move || match save.value().get() {
            Some(Ok(FieldSaved::NeedsConfirmation(r))) if !is_new && r.key == key => Some(r),
            _ => None,
        }
    });
    let delete_key = key.clone();
    let deleting = actions.delete;
    let delete_count = Signal::derive({
        let key = key.clone();
        move || match deleting.value().get() {
            Some(Ok(Some(n))) if actions.editing.with(|e| e.as_deref() == Some(key.as_str())) => {
                Some(n)
            }
            _ => None,
        }
    });
    let form = NodeRef::<leptos::html::Form>::new();
    // After adding an attribute the form starts empty for the next one.
    Effect::new(move |_| {
        if is_new
            && let Some(Ok(FieldSaved::Saved { .. })) = save.value().get()
            && actions
                .submitted
                .with_untracked(|s| s.as_deref() == Some("new"))
            && let Some(f) = form.get()
        {
            f.reset();
            chosen_type.set(FieldType::Text);
        }
    });

    let test_id = if is_new {
        "new-field-form".to_string()
    } else {
        format!("edit-field-{key}")
    };
    let hidden_key = key.clone();
    view! {
        <ActionForm action=save node_ref=form attr:class="form form-grid field-editor" attr:novalidate=true
            attr:data-testid=test_id
            on:submit=move |_| actions.submitted.set(Some(form_id.clone()))>
            <FormError error />
            <input type="hidden" name="is_new" value=is_new.to_string() />
            {if is_new {
                view! {
                    <div class="field">
                        <label for=id("key")>"Key"</label>
                        <input id=id("key") name="key" required=true autocomplete="off" placeholder="lease_contract"
                            aria-describedby=id("key-hint") />
                        <p class="hint" id=id("key-hint")>"The column name in CSV files and the API: lower-case letters, digits and _."</p>
                        <FieldError error name="key" />
                    </div>
                }.into_any()
            } else {
                view! { <input type="hidden" name="key" value=hidden_key /> }.into_any()
            }}
            {if builtin {
                view! {
                    <div class="field">
                        <span class="label">"Type"</span>
                        <p>{initial_type.label()}" "<span class="muted">"(fixed for built-in fields)"</span></p>
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for=id("type")>"Type"</label>
                        <select id=id("type") name="field_type"
                            on:change=move |ev| {
                                if let Some(t) = FieldType::parse(&event_target_value(&ev)) { chosen_type.set(t) }
                            }>
                            {FieldType::CUSTOM.into_iter().map(|t| view! {
                                <option value=t.as_str() selected=t == initial_type>{t.label()}</option>
                            }).collect_view()}
                        </select>
                        {(values > 0).then(|| view! {
                            <p class="hint">{format!("{values} contacts have a value: changing the type checks each of them first.")}</p>
                        })}
                        <FieldError error name="field_type" />
                    </div>
                }.into_any()
            }}
            <div class="field">
                <label for=id("label_en")>"Label in English"</label>
                <input id=id("label_en") name="label_en" value=label_en required=true />
                <FieldError error name="label_en" />
            </div>
            <div class="field">
                <label for=id("label_nl")>"Label in Dutch"</label>
                <input id=id("label_nl") name="label_nl" value=label_nl required=true lang="nl" />
                <FieldError error name="label_nl" />
            </div>
            <div class="field field-wide" class:hidden=move || chosen_type.get() != FieldType::Choice>
                <label for=id("choices")>"Options"</label>
                <textarea id=id("choices") name="choices" rows="4" aria-describedby=id("choices-hint")>{choices_text}</textarea>
                <p class="hint" id=id("choices-hint")>"One option per line. Add the English label after a bar: “Benzine | Petrol”."</p>
                <FieldError error name="choices" />
            </div>
            <fieldset class="choices">
                <legend>"Rules"</legend>
                <label class="choice"><input type="checkbox" name="required" checked=required />"Required"</label>
                <label class="choice"><input type="checkbox" name="customer_visible" checked=visible />"Visible to customers"</label>
                <label class="choice">
                    <input type="checkbox" name="customer_editable" checked=editable && !locked disabled=locked />
                    "Customers may edit"
                </label>
                <FieldError error name="customer_editable" />
            </fieldset>
            {move || report.get().map(|r| view! { <ChangeReport report=r /> })}
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                    {move || match (is_new, report.get().is_some()) {
                        (true, _) => "Add attribute",
                        (false, true) => "Confirm the change",
                        (false, false) => "Save",
                    }}
                </button>
                {(!is_new).then(|| view! {
                    <button type="button" class="button" on:click=move |_| actions.editing.set(None)>"Cancel"</button>
                })}
                {(!is_new && !builtin).then(|| {
                    let k1 = delete_key.clone();
                    let k2 = delete_key.clone();
                    view! {
                        {move || match delete_count.get() {
                            None => {
                                let k = k1.clone();
                                view! {
                                    <button type="button" class="button button-danger"
                                        on:click=move |_| { deleting.dispatch(DeleteField { key: k.clone(), confirm: None }); }>"Delete attribute"</button>
                                }.into_any()
                            }
                            Some(n) => {
                                let k = k2.clone();
                                view! {
                                    <span class="confirm" role="alertdialog" aria-label="Confirm deletion">
                                        <span>{format!("{n} contacts have a value for this attribute. Delete the attribute and all {n} values?")}</span>
                                        <button type="button" class="button button-danger"
                                            on:click=move |_| { deleting.dispatch(DeleteField { key: k.clone(), confirm: Some("yes".into()) }); }>
                                            {format!("Delete with {n} values")}
                                        </button>
                                    </span>
                                }.into_any()
                            }
                        }}
                    }
                })}
            </div>
        </ActionForm>
    }
}

/// What a type change would do, inside the form: confirming submits it again with
/// `confirm` set.
#[component]
fn ChangeReport(report: FieldChangeReport) -> impl IntoView {
    let FieldChangeReport {
        from,
        to,
        values,
        unparsable,
        examples,
        ..
    } = report;
    let headline = if from == to {
        format!("{unparsable} of {values} values are not among the new options.")
    } else {
        format!(
            "Change the type from {} to {}? {values} contacts have a value.",
            from.label(),
            to.label()
        )
    };
    view! {
        <div class="alert alert-warning field-wide" role="alert" data-testid="change-report">
            <input type="hidden" name="confirm" value="yes" />
            <p><strong>{headline}</strong></p>
            {if unparsable == 0 {
                view! { <p>"Every value fits the new type; they are stored in its form."</p> }.into_any()
            } else {
                view! {
                    <p>{format!("{unparsable} values do not fit and will be cleared:")}</p>
                    <ul class="report-list">
                        {examples.into_iter().map(|e| view! {
                            <li><code>{e.customer_no}</code>" ("{e.company}"): “"{e.value}"” — "{e.message}</li>
                        }).collect_view()}
                    </ul>
                    {(unparsable as usize > 20).then(|| view! { <p class="muted">{format!("…and {} more.", unparsable - 20)}</p> })}
                }.into_any()
            }}
        </div>
    }
}
