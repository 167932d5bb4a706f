//! The field catalogue's rules: what an admin may change about a field, and what a
//! change does to the values contacts already hold. A change that would rewrite or
//! clear values is reported first and applied only when confirmed, in one transaction
//! with its audit record.

use crate::Error;
use crate::audit::{self, Actor};
use crate::db;
use datacheck_core::domain::{ChoiceOption, CountryCode, FieldKey, FieldType, normalize};
use datacheck_core::error::AppError;
use datacheck_core::wire::{FieldChangeReport, FieldDef, FieldSaved, UnparsableValue};
use sqlx::PgPool;

/// How many unparsable values the confirmation shows by name.
const EXAMPLES: usize = 20;

pub fn to_model(r: db::field_def::Row) -> FieldDef {
    FieldDef {
        field_type: r.field_type,
        choices: r.choices.0,
        key: r.key,
        builtin: r.builtin,
        label_nl: r.label_nl,
        label_en: r.label_en,
        required: r.required,
        customer_visible: r.customer_visible,
        customer_editable: r.customer_editable,
        position: r.position,
        values: r.values,
    }
}

pub async fn catalogue(pool: &PgPool) -> Result<Vec<FieldDef>, Error> {
    Ok(db::field_def::list(pool)
        .await?
        .into_iter()
        .map(to_model)
        .collect())
}

/// The form of the field editor, as typed.
#[derive(Clone, Debug, Default)]
pub struct FieldForm {
    pub key: String,
    pub is_new: bool,
    pub field_type: String,
    pub label_nl: String,
    pub label_en: String,
    /// One option per line: `Dutch label | English label` (the English part optional).
    pub choices: String,
    pub required: bool,
    pub customer_visible: bool,
    pub customer_editable: bool,
}

/// Options from the editor's text area. Blank lines are skipped; duplicates refused.
pub fn parse_choices(raw: &str) -> Result<Vec<ChoiceOption>, Error> {
    let mut out: Vec<ChoiceOption> = Vec::new();
    for line in raw.lines() {
        if normalize(line).is_empty() {
            continue;
        }
        let (nl, en) = match line.split_once('|') {
            Some((nl, en)) => (normalize(nl), normalize(en)),
            None => (normalize(line), String::new()),
        };
        if nl.is_empty() {
            return Err(AppError::invalid(
                "choices",
                format!("“{}”: write the Dutch label before the |.", line.trim()),
            )
            .into());
        }
        let en = if en.is_empty() { nl.clone() } else { en };
        if nl.chars().count() > 80 || en.chars().count() > 80 {
            return Err(
                AppError::invalid("choices", "An option has at most 80 characters.").into(),
            );
        }
        if out.iter().any(|o| o.nl.to_lowercase() == nl.to_lowercase()) {
            return Err(AppError::invalid("choices", format!("“{nl}” is listed twice.")).into());
        }
        out.push(ChoiceOption { nl, en });
    }
    if out.len() > 100 {
        return Err(AppError::invalid("choices", "A choice has at most 100 options.").into());
    }
    Ok(out)
}

fn label(raw: &str, field: &str, language: &str) -> Result<String, Error> {
    let s = normalize(raw);
    if s.is_empty() {
        return Err(AppError::invalid(field, format!("Enter the {language} label.")).into());
    }
    if s.chars().count() > 80 {
        return Err(AppError::invalid(field, "A label has at most 80 characters.").into());
    }
    Ok(s)
}

struct Valid {
    key: String,
    field_type: FieldType,
    label_nl: String,
    label_en: String,
    choices: Vec<ChoiceOption>,
    required: bool,
    customer_visible: bool,
    customer_editable: bool,
}

fn validate(form: &FieldForm, existing: Option<&FieldDef>) -> Result<Valid, Error> {
    let key = FieldKey::parse(&form.key).map_err(|e| AppError::invalid("key", e.0))?;
    let field_type = match existing {
        // A built-in field's type belongs to its column.
        Some(f) if f.builtin => f.field_type,
        _ => FieldType::parse(&form.field_type)
            .filter(|t| FieldType::CUSTOM.contains(t))
            .ok_or_else(|| AppError::invalid("field_type", "Choose a type."))?,
    };
    let choices = if field_type == FieldType::Choice {
        let c = parse_choices(&form.choices)?;
        if c.len() < 2 {
            return Err(AppError::invalid(
                "choices",
                "A choice needs at least two options, one per line.",
            )
            .into());
        }
        c
    } else {
        Vec::new()
    };
    let locked = existing.is_some_and(FieldDef::locked);
    if locked && form.customer_editable {
        return Err(AppError::invalid(
            "customer_editable",
            "The customer number is the DMS's key: customers cannot edit it.",
        )
        .into());
    }
    if form.customer_editable && !form.customer_visible {
        return Err(AppError::invalid(
            "customer_editable",
            "Customers can only edit a field they can see: tick “visible to customers” too.",
        )
        .into());
    }
    Ok(Valid {
        key: key.as_str().to_string(),
        field_type,
        label_nl: label(&form.label_nl, "label_nl", "Dutch")?,
        label_en: label(&form.label_en, "label_en", "English")?,
        choices,
        required: form.required,
        customer_visible: form.customer_visible,
        customer_editable: form.customer_editable,
    })
}

/// What the new type and options make of each existing value: its new stored form, or
/// `None` with the reason when it no longer fits.
struct Reparse {
    contact_ids: Vec<i64>,
    values: Vec<Option<String>>,
    changed: usize,
    report: FieldChangeReport,
}

async fn reparse(
    tx: &mut sqlx::PgConnection,
    old: &FieldDef,
    new: &Valid,
) -> Result<Reparse, Error> {
    let rows = db::field_def::values_of(&mut *tx, &old.key).await?;
    let mut out = Reparse {
        contact_ids: Vec::with_capacity(rows.len()),
        values: Vec::with_capacity(rows.len()),
        changed: 0,
        report: FieldChangeReport {
            key: old.key.clone(),
            from: old.field_type,
            to: new.field_type,
            values: rows.len() as i64,
            unparsable: 0,
            examples: Vec::new(),
        },
    };
    for r in rows {
        let country = CountryCode::parse(&r.country).unwrap_or_else(|_| CountryCode::netherlands());
        let parsed = new.field_type.canonical(&r.value, &new.choices, &country);
        let next = match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                out.report.unparsable += 1;
                if out.report.examples.len() < EXAMPLES {
                    out.report.examples.push(UnparsableValue {
                        customer_no: r.customer_no,
                        company: r.company_name,
                        value: r.value.clone(),
                        message: e.0,
                    });
                }
                None
            }
        };
        if next.as_deref() != Some(r.value.as_str()) {
            out.changed += 1;
        }
        out.contact_ids.push(r.contact_id);
        out.values.push(next);
    }
    Ok(out)
}

/// Adds or changes a field. A change of type (with values), or of options that some
/// values no longer match, answers `NeedsConfirmation` unless `confirmed`.
pub async fn save(
    pool: &PgPool,
    actor: &Actor,
    form: &FieldForm,
    confirmed: bool,
) -> Result<FieldSaved, Error> {
    let mut tx = pool.begin().await?;
    let existing = if form.is_new {
        None
    } else {
        Some(
            db::field_def::get(&mut *tx, form.key.trim())
                .await?
                .map(to_model)
                .ok_or(AppError::NotFound)?,
        )
    };
    let v = validate(form, existing.as_ref())?;
    let choices_json = serde_json::to_value(&v.choices)
        .map_err(|e| Error::failed("encoding a field's choices", e))?;
    let write = db::field_def::Write {
        key: &v.key,
        field_type: v.field_type.as_str(),
        label_nl: &v.label_nl,
        label_en: &v.label_en,
        choices: &choices_json,
        required: v.required,
        customer_visible: v.customer_visible,
        customer_editable: v.customer_editable,
    };
    let mut detail = serde_json::json!({
        "type": v.field_type.as_str(), "label_en": v.label_en, "required": v.required,
        "customer_visible": v.customer_visible, "customer_editable": v.customer_editable,
    });
    let action = match &existing {
        None => {
            if !db::field_def::insert_custom(&mut *tx, &write).await? {
                return Err(
                    AppError::invalid("key", "A field with this key exists already.").into(),
                );
            }
            "field.created"
        }
        Some(old) => {
            let retyped = old.field_type != v.field_type || old.choices != v.choices;
            if retyped && !old.builtin && old.values > 0 {
                let r = reparse(&mut tx, old, &v).await?;
                let type_changed = old.field_type != v.field_type;
                if !confirmed && (type_changed || r.report.unparsable > 0) {
                    return Ok(FieldSaved::NeedsConfirmation(r.report));
                }
                if r.changed > 0 {
                    db::field_def::rewrite_values(&mut *tx, &v.key, &r.contact_ids, &r.values)
                        .await?;
                }
                detail["old_type"] = old.field_type.as_str().into();
                detail["values_rewritten"] = r.changed.into();
                detail["values_cleared"] = r.report.unparsable.into();
            }
            db::field_def::update(&mut *tx, &write).await?;
            "field.updated"
        }
    };
    audit::record(
        &mut *tx,
        actor,
        audit::Event {
            action,
            subject_type: "field",
            subject_id: Some(v.key.clone()),
            company_id: None,
            detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(FieldSaved::Saved { key: v.key })
}

/// Deletes a custom attribute with its values. With values, only when `confirmed`;
/// otherwise answers how many would go.
pub async fn delete(
    pool: &PgPool,
    actor: &Actor,
    key: &str,
    confirmed: bool,
) -> Result<Option<i64>, Error> {
    let mut tx = pool.begin().await?;
    let f = db::field_def::get(&mut *tx, key)
        .await?
        .map(to_model)
        .ok_or(AppError::NotFound)?;
    if f.builtin {
        return Err(AppError::Invalid {
            field: None,
            message: "Built-in fields cannot be deleted; hide them from customers instead.".into(),
        }
        .into());
    }
    if f.values > 0 && !confirmed {
        return Ok(Some(f.values));
    }
    db::field_def::delete_custom(&mut *tx, key).await?;
    audit::record(
        &mut *tx,
        actor,
        audit::Event {
            action: "field.deleted",
            subject_type: "field",
            subject_id: Some(key.to_string()),
            company_id: None,
            detail: serde_json::json!({ "label_en": f.label_en, "values_deleted": f.values }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(None)
}

pub async fn reorder(pool: &PgPool, actor: &Actor, key: &str, up: bool) -> Result<(), Error> {
    let mut tx = pool.begin().await?;
    if db::field_def::move_field(&mut *tx, key, up).await? {
        audit::record(
            &mut *tx,
            actor,
            audit::Event {
                action: "field.moved",
                subject_type: "field",
                subject_id: Some(key.to_string()),
                company_id: None,
                detail: serde_json::json!({ "direction": if up { "up" } else { "down" } }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_take_optional_english_labels() {
        let c = parse_choices("Benzine | Petrol\n\n Diesel \nElektrisch|Electric").unwrap();
        assert_eq!(
            c,
            vec![
                ChoiceOption {
                    nl: "Benzine".into(),
                    en: "Petrol".into()
                },
                ChoiceOption {
                    nl: "Diesel".into(),
                    en: "Diesel".into()
                },
                ChoiceOption {
                    nl: "Elektrisch".into(),
                    en: "Electric".into()
                },
            ]
        );
        assert!(parse_choices("Diesel\ndiesel").is_err());
        assert!(parse_choices(" | Petrol").is_err());
    }
}
