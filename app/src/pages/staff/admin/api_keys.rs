//! DMS API keys: create (shown once), list, revoke.

use super::*;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <Title text="API keys" />
        <ApiKeysAdmin />
    }
}

#[component]
pub(super) fn ApiKeysAdmin() -> impl IntoView {
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
