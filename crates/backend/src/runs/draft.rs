//! The draft as the wizard shows it.

use super::*;

pub async fn draft(state: &AppState, staff: &Staff, id: RunId) -> Result<RunDraft, Error> {
    let run = db::run::get(&state.pool, &staff.scope, id.0)
        .await?
        .ok_or(AppError::NotFound)?;
    let catalogue = crate::fields::catalogue(&state.pool).await?;
    let fields = catalogue
        .iter()
        .map(|f| FieldRuleRow {
            key: f.key.clone(),
            label: f.label_en.clone(),
            builtin: f.builtin,
            rule: run
                .field_rules
                .0
                .get(&f.key)
                .and_then(|r| FieldRule::parse(r))
                .unwrap_or(FieldRule::Hidden),
            max: max_rule(f),
        })
        .collect();
    Ok(RunDraft {
        id,
        status: run.status,
        steps_done: run.steps_done,
        name: run.name.clone(),
        company: CompanyRef {
            id: CompanyId(run.company_id),
            name: run.company_name.clone(),
        },
        valid_to: run.valid_to.to_string(),
        sender_name: run.sender_name.clone(),
        sender_email: run.sender_email.clone(),
        reply_to: run.reply_to.clone(),
        recipient_mode: run.recipient_mode.clone(),
        filter: run.recipient_filter.0.clone(),
        recipient_list: run.recipient_list.join("\n"),
        templates: run.templates.0.clone(),
        fields,
        show_contact_persons: run.show_contact_persons,
        show_notifications: run.show_notifications,
        show_subscriptions: run.show_subscriptions,
        marketing: run.marketing,
    })
}
