//! Step 4, data fields: what each customer sees and may edit, never more than the catalogue allows.

use super::*;

/// The most a customer may do with a field, from the catalogue.
pub fn max_rule(f: &FieldDef) -> FieldRule {
    if !f.customer_visible {
        FieldRule::Hidden
    } else if !f.customer_editable || f.locked() {
        FieldRule::ReadOnly
    } else {
        FieldRule::Editable
    }
}

/// What a new run proposes: what the catalogue allows for every field customers see.
pub fn default_rules(catalogue: &[FieldDef]) -> BTreeMap<String, String> {
    catalogue
        .iter()
        .filter(|f| max_rule(f) != FieldRule::Hidden)
        .map(|f| (f.key.clone(), max_rule(f).as_str().to_string()))
        .collect()
}

/// Checks rules against the catalogue: unknown fields and rules beyond what the
/// catalogue allows are refused, never quietly lowered.
pub fn check_rules(
    catalogue: &[FieldDef],
    rules: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, Error> {
    let mut problems = Vec::new();
    let mut out = BTreeMap::new();
    for (key, raw) in rules {
        let Some(def) = catalogue.iter().find(|f| &f.key == key) else {
            problems.push(FieldMessage {
                field: format!("rules[{key}]"),
                message: format!("There is no field “{key}” in the catalogue."),
            });
            continue;
        };
        let Some(rule) = FieldRule::parse(raw) else {
            problems.push(FieldMessage {
                field: format!("rules[{key}]"),
                message: "Choose hidden, read-only or editable.".into(),
            });
            continue;
        };
        let max = max_rule(def);
        if rule > max {
            problems.push(FieldMessage {
                field: format!("rules[{key}]"),
                message: format!(
                    "{}: the field catalogue allows at most “{}”.",
                    def.label_en,
                    max.label().to_lowercase()
                ),
            });
            continue;
        }
        if rule != FieldRule::Hidden {
            out.insert(key.clone(), rule.as_str().to_string());
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Fields(problems).into());
    }
    if out.is_empty() {
        return Err(AppError::invalid(
            "rules",
            "Show at least one field: a customer page with nothing on it helps nobody.",
        )
        .into());
    }
    Ok(out)
}

pub struct FieldsForm {
    pub rules: BTreeMap<String, String>,
    pub show_contact_persons: bool,
    pub show_notifications: bool,
    pub show_subscriptions: bool,
}

pub async fn save_fields(
    state: &AppState,
    staff: &Staff,
    id: RunId,
    f: &FieldsForm,
) -> Result<(), Error> {
    let run = editable_draft(state, staff, id).await?;
    let catalogue = crate::fields::catalogue(&state.pool).await?;
    let rules = check_rules(&catalogue, &f.rules)?;
    let mut tx = state.pool.begin().await?;
    let saved = db::run::update_fields(
        &mut *tx,
        id.0,
        &db::run::Fields {
            rules: &rules,
            show_contact_persons: f.show_contact_persons,
            show_notifications: f.show_notifications,
            show_subscriptions: f.show_subscriptions,
        },
    )
    .await?;
    if !saved {
        return Err(Error::from(not_draft()));
    }
    audit_step(&mut *tx, &staff.actor(), &run, "data fields").await?;
    tx.commit().await?;
    Ok(())
}
