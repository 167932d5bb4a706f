//! The audit log, newest first.

use super::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <AuditLog />
    }
}

#[component]
pub(super) fn AuditLog() -> impl IntoView {
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
