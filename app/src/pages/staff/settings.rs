use super::use_me;
use crate::components::{FormError, PageHeader, action_error, icons};
use crate::pages::sign_in::PasswordFields;
use crate::server_fns::auth::ChangePassword;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let me = use_me().0;
    let change = ServerAction::<ChangePassword>::new();
    let error = action_error(change);
    let saved = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <Title text="Settings" />
        <PageHeader title="Settings" description="Your account, and for admins the organisation's staff and companies." />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                me.await.ok().flatten().filter(|m| m.is_admin()).map(|_| view! {
                    <section class="settings-links" aria-label="Administration">
                        <a class="link-card" href="/staff/admin/users">
                            {icons::users()}
                            <span><strong>"Staff users"</strong><span class="muted">"Invite, change roles and companies, disable"</span></span>
                        </a>
                        <a class="link-card" href="/staff/admin/companies">
                            {icons::building()}
                            <span><strong>"Companies"</strong><span class="muted">"Branches and dealerships in this organisation"</span></span>
                        </a>
                        <a class="link-card" href="/staff/admin/api-keys">
                            {icons::lock()}
                            <span><strong>"API keys"</strong><span class="muted">"Keys for your DMS to send contacts and fetch mutations"</span></span>
                        </a>
                        <a class="link-card" href="/staff/admin/subscriptions">
                            {icons::inbox()}
                            <span><strong>"Subscription types"</strong><span class="muted">"What customers can subscribe to, in Dutch and English"</span></span>
                        </a>
                        <a class="link-card" href="/staff/admin/audit">
                            {icons::history()}
                            <span><strong>"Audit log"</strong><span class="muted">"Who changed what, and when"</span></span>
                        </a>
                    </section>
                })
            })}
        </Suspense>
        <section class="card narrow">
            <h2>"Change your password"</h2>
            {move || saved().then(|| view! {
                <div class="alert alert-success" role="status">"Your password is changed. Other sessions were signed out."</div>
            })}
            <FormError error=error />
            <PasswordFields action=change error=error submit_label="Change password" />
        </section>
    }
}
