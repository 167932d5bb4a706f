//! Companies: add and rename.

use super::*;

#[component]
pub fn CompaniesPage() -> impl IntoView {
    view! {
        <Title text="Companies" />
        <CompaniesAdmin />
    }
}

#[component]
pub(super) fn CompaniesAdmin() -> impl IntoView {
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

pub(super) fn company_row(
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
