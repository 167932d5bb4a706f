//! The contact register for staff: the filtered table and one contact's page. Both are
//! read-only: the register changes through the DMS (CSV import, API), never by hand.

use super::consent::ConsentCards;
use crate::components::data_table::{
    CompanyFilter, FilterBar, Pager, SortHeader, company_param, count,
};
use crate::components::{EmptyState, Loading, PageHeader, icons};
use crate::server_fns::contacts::{get_contact, list_contacts};
use datacheck_core::error::AppError;
use datacheck_core::wire::{
    ContactDetail, ContactId, ContactKind, ContactListRow, ContactQuery, ContactRef,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;

fn query_from(q: &ParamsMap) -> Result<ContactQuery, AppError> {
    let text = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
    let company = company_param(q)?;
    Ok(ContactQuery {
        company,
        kind: text("kind"),
        city: text("city"),
        has_email: text("has_email"),
        q: text("q"),
        sort: text("sort"),
        after: text("after"),
        before: text("before"),
    })
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let query = use_query_map();
    // The page comes back with the query string it answers, which the table carries
    // as `data-query`: while a new page loads, the old rows stay, marked as such.
    let page = Resource::new(
        move || query.with(|q| (q.to_query_string(), query_from(q))),
        |(qs, q)| async move {
            let page = match q {
                Ok(q) => list_contacts(q).await,
                Err(e) => Err(e),
            };
            (qs, page)
        },
    );
    let current = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();

    view! {
        <Title text="Contacts" />
        <PageHeader title="Contacts" description="The contact register: Datacheck's copy of the customers in your DMS.">
            <a class="button button-primary" href="/staff/contacts/import">{icons::upload()}"Import CSV"</a>
        </PageHeader>
        <section class="card">
            <FilterBar sorts=&[("name", "Name"), ("customer_no", "Customer no."), ("city", "City"), ("updated", "Last update")]>
                <div class="field field-grow">
                    <label for="f-q">"Search"</label>
                    <input id="f-q" name="q" type="search" placeholder="Name, customer number or e-mail"
                        value=move || current("q") />
                </div>
                <CompanyFilter />
                <div class="field">
                    <label for="f-kind">"Kind"</label>
                    <select id="f-kind" name="kind">
                        <option value="">"Persons and organisations"</option>
                        <option value="person" selected=move || current("kind") == "person">"Persons"</option>
                        <option value="organisation" selected=move || current("kind") == "organisation">"Organisations"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="f-city">"City"</label>
                    <input id="f-city" name="city" value=move || current("city") />
                </div>
                <div class="field">
                    <label for="f-email">"E-mail address"</label>
                    <select id="f-email" name="has_email">
                        <option value="">"With or without"</option>
                        <option value="yes" selected=move || current("has_email") == "yes">"Has one"</option>
                        <option value="no" selected=move || current("has_email") == "no">"Has none"</option>
                    </select>
                </div>
            </FilterBar>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let (qs, page) = page.await;
                    match page {
                        Ok(p) if p.total == 0 => view! {
                            <EmptyState icon=icons::users title="No contacts match"
                                body="Change or clear the filters, or import contacts from your DMS." />
                        }.into_any(),
                        Ok(p) => {
                            let shown = p.rows.len();
                            view! {
                                <p class="table-summary muted" data-testid="contact-counts">
                                    {format!("{} contacts match, {} with an e-mail address", count(p.total), count(p.with_email))}
                                </p>
                                <div class="table-wrap">
                                    <table class="data-table stack" data-testid="contacts" data-query=qs>
                                        <thead><tr>
                                            <SortHeader label="Customer no." key="customer_no" />
                                            <SortHeader label="Name" key="name" default=true />
                                            <th scope="col">"Company"</th>
                                            <SortHeader label="City" key="city" />
                                            <th scope="col">"E-mail address"</th>
                                            <SortHeader label="Updated" key="updated" />
                                        </tr></thead>
                                        <tbody>{p.rows.into_iter().map(contact_row).collect_view()}</tbody>
                                    </table>
                                </div>
                                <Pager shown total=p.total noun="contacts" prev=p.prev next=p.next />
                            }.into_any()
                        }
                        Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn contact_row(r: ContactListRow) -> impl IntoView {
    let href = format!("/staff/contacts/{}", r.id);
    let kind = if r.kind == ContactKind::Organisation {
        "Organisation"
    } else {
        "Person"
    };
    view! {
        <tr>
            <td data-label="Customer no."><code>{r.customer_no}</code></td>
            <td data-label="Name">
                <a href=href>{r.name}</a>
                <span class="badge badge-muted kind-badge">{kind}</span>
            </td>
            <td data-label="Company">{r.company}</td>
            <td data-label="City">{r.city.unwrap_or_default()}</td>
            <td data-label="E-mail address" class="break">
                {r.email.unwrap_or_else(|| "—".into())}
            </td>
            <td data-label="Updated" class="nowrap">{r.updated}</td>
        </tr>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let contact = Resource::new(
        move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())),
        |id| async move {
            match id {
                Some(id) => get_contact(ContactId(id)).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match contact.await {
                    Ok(c) => contact_detail(c).into_any(),
                    Err(AppError::NotFound) => view! {
                        <Title text="Contact not found" />
                        <EmptyState icon=icons::users title="Contact not found"
                            body="This contact does not exist, or it belongs to a company you do not work for.">
                            <a class="button" href="/staff/contacts">"Back to contacts"</a>
                        </EmptyState>
                    }.into_any(),
                    Err(e) => view! { <div class="alert alert-error" role="alert">{e.to_string()}</div> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn contact_detail(c: ContactDetail) -> impl IntoView {
    let kind = if c.kind == ContactKind::Organisation {
        "Organisation"
    } else {
        "Person"
    };
    let (builtin, custom): (Vec<_>, Vec<_>) = c.fields.into_iter().partition(|f| f.builtin);
    let field_rows = |fields: Vec<datacheck_core::wire::ContactFieldValue>| {
        fields
            .into_iter()
            .map(|f| {
                view! {
                    <div class="dl-row" data-field=f.key.clone()>
                        <dt>{f.label}</dt>
                        <dd>
                            {match f.value {
                                Some(v) => view! { <span>{v}</span> }.into_any(),
                                None => view! { <span class="muted">"—"</span> }.into_any(),
                            }}
                            {f.confirmed.map(|at| view! {
                                <span class="confirmed" title="Confirmed by the customer">{icons::check()}{format!("confirmed {at}")}</span>
                            })}
                        </dd>
                    </div>
                }
            })
            .collect_view()
    };
    let has_custom = !custom.is_empty();
    let persons = c.persons;
    let link = |r: ContactRef| {
        view! {
            <a href=format!("/staff/contacts/{}", r.id.0)>{r.name}</a>
            <span class="muted">{format!(" · {}", r.customer_no)}</span>
        }
    };
    let managed_by = c.managed_by.map(|m| {
        view! {
            <p data-testid="managed-by">"Managed by " {link(m)}</p>
        }
    });
    let manages_total = c.manages_total;
    let more = manages_total - c.manages.len() as i64;
    let manages = (manages_total > 0).then(|| {
        view! {
            <p>{format!("Manages ({manages_total})")}</p>
            <ul class="person-list" data-testid="manages">
                {c.manages.into_iter().map(|r| view! { <li>{link(r)}</li> }).collect_view()}
            </ul>
            {(more > 0).then(|| view! { <p class="muted small">{format!("and {more} more")}</p> })}
        }
    });
    let has_relation = managed_by.is_some() || manages.is_some();
    view! {
        <Title text=c.name.clone() />
        <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/staff/contacts">"Contacts"</a></nav>
        <PageHeader title=c.name.clone() description=format!("{kind} · customer no. {} · {}", c.customer_no, c.company.name) />
        <div class="detail-grid">
            <section class="card">
                <h2>"Contact data"</h2>
                <dl class="dl" data-testid="contact-fields">{field_rows(builtin)}</dl>
            </section>
            <div class="detail-side">
                <section class="card">
                    <h2>"Custom attributes"</h2>
                    {if has_custom {
                        view! { <dl class="dl" data-testid="contact-attributes">{field_rows(custom)}</dl> }.into_any()
                    } else {
                        view! { <p class="muted">"No custom attributes are defined. Admins add them under Fields."</p> }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>"Contact persons"</h2>
                    {if persons.is_empty() {
                        view! { <p class="muted">"No contact persons."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="person-list" data-testid="contact-persons">
                                {persons.into_iter().map(|p| { let gone = p.left.is_some(); view! {
                                    <li class:person-left=gone>
                                        <strong>{p.name}</strong>
                                        {p.role.map(|r| view! { <span class="muted">{format!(" · {r}")}</span> })}
                                        {p.left.map(|at| view! { <span class="badge badge-muted">{format!("left {at}")}</span> })}
                                        <div class="muted small">
                                            {[p.email, p.phone].into_iter().flatten().collect::<Vec<_>>().join(" · ")}
                                        </div>
                                        <div class="small">{p.notifications}</div>
                                    </li>
                                }}).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section class="card" data-testid="data-manager">
                    <h2>"Data manager"</h2>
                    {managed_by}
                    {manages}
                    {(!has_relation).then(|| view! {
                        <p class="muted">"Nobody checks this contact's data for them, and they check nobody else's. The DMS sets this (managed_by)."</p>
                    })}
                </section>
                <p class="muted small">{format!("In the register since {}, last updated {}.", c.created, c.updated)}</p>
            </div>
        </div>
        <div class="detail-wide">
            <ConsentCards id=c.id customer_no=c.customer_no.clone() />
        </div>
    }
}
