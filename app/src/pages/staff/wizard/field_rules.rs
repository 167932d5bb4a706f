//! Step 4: what each customer sees and may edit.

use super::*;

#[component]
pub(super) fn FieldsStep(draft: RunDraft) -> impl IntoView {
    let id = draft.id.0;
    let save = ServerAction::<SaveRunFields>::new();
    on_saved(save, |id| format!("/staff/runs/{id}/edit?step=5"));
    let error = action_error(save);
    view! {
        <section class="card" data-testid="step-fields">
            <h2>"4. Data fields"</h2>
            <p class="muted">"What each recipient sees of their own data. The field catalogue sets the most a customer may do with a field."</p>
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <FormError error=error />
                <FieldError error=error name="rules" />
                <input type="hidden" name="id" value=id.to_string() />
                <div class="table-wrap">
                <table class="data-table rules-table">
                    <thead><tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Hidden"</th>
                        <th scope="col">"Read-only"</th>
                        <th scope="col">"Editable"</th>
                    </tr></thead>
                    <tbody>
                        {draft.fields.into_iter().map(|f| {
                            let name = format!("rules[{}]", f.key);
                            view! {
                                <tr data-field=f.key.clone()>
                                    <th scope="row">
                                        {f.label.clone()}
                                        {(!f.builtin).then(|| view! { <span class="badge badge-muted">"custom"</span> })}
                                        <FieldError error=error name=name.clone() />
                                    </th>
                                    {[FieldRule::Hidden, FieldRule::ReadOnly, FieldRule::Editable].into_iter().map(|r| {
                                        let allowed = r <= f.max;
                                        view! {
                                            <td data-label=r.label()>
                                                <input type="radio" name=name.clone() value=r.as_str() checked=f.rule == r
                                                    disabled=!allowed
                                                    aria-label=format!("{}: {}", f.label, r.label()) />
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
                <fieldset class="choices">
                    <legend>"Sections of the customer page"</legend>
                    <label class="choice"><input type="checkbox" name="show_contact_persons" checked=draft.show_contact_persons />"Contact persons (edit, add, mark as left)"</label>
                    <label class="choice"><input type="checkbox" name="show_notifications" checked=draft.show_notifications />"Notification preferences per contact person"</label>
                    <label class="choice"><input type="checkbox" name="show_subscriptions" checked=draft.show_subscriptions />"Subscriptions and e-marketing consent"</label>
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="button button-primary">"Save and continue"</button>
                </div>
            </ActionForm>
        </section>
    }
}
