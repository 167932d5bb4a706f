//! Contact upserts from the DMS API, through the same validation and write as the CSV
//! import: a request is a small file whose columns are the keys the DMS sent. Keys the
//! body leaves out keep their value; a `null` or empty value clears one.
//!
//! A batch is all or nothing: one invalid contact and none is written, and the answer
//! lists every problem by position and field.

use super::columns::{KIND, MANAGED_BY};
use super::rows;
use super::table::Table;
use super::{Outcome, settle_managers, write, write_managers};
use crate::api_keys::ApiClient;
use crate::{Error, audit, fields};
use datacheck_core::domain::{CountryCode, builtin_canonical};
use datacheck_core::error::AppError;
use datacheck_core::wire::{CompanyId, RowProblem};
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap};

/// One contact as the DMS sent it.
#[derive(Clone, Debug, Default)]
pub struct ApiRecord {
    pub customer_no: String,
    /// Field key (built-in, `kind` or a custom attribute) → value; `None` clears.
    pub values: BTreeMap<String, Option<String>>,
}

/// Why a request changed nothing.
#[derive(Debug)]
pub enum Refused {
    /// The company is not one this key may use (or does not exist).
    NotFound,
    /// Problems by position in the request (0 for a single contact) and field.
    Invalid(Vec<RowProblem>),
    Failed(Error),
}

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Refused::Failed(e)
    }
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Refused::Failed(e.into())
    }
}

impl From<sqlx::Error> for Refused {
    #[track_caller]
    fn from(e: sqlx::Error) -> Self {
        Refused::Failed(e.into())
    }
}

fn problem(index: usize, customer_no: &str, field: &str, message: impl Into<String>) -> RowProblem {
    RowProblem {
        line: index,
        customer_no: customer_no.to_string(),
        column: field.to_string(),
        value: String::new(),
        message: message.into(),
    }
}

/// Creates or updates the contacts in one transaction. Answers the counts.
pub async fn upsert(
    pool: &PgPool,
    client: &ApiClient,
    company_id: i64,
    records: Vec<ApiRecord>,
) -> Result<Outcome, Refused> {
    // In the key's scope and existing: one query answers both.
    if crate::db::company::name_in_scope(pool, &client.scope, CompanyId(company_id))
        .await?
        .is_none()
    {
        return Err(Refused::NotFound);
    }
    let catalogue = fields::catalogue(pool).await?;
    let mut problems = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        match builtin_canonical("customer_no", &r.customer_no, &CountryCode::netherlands()) {
            Ok(no) => {
                if let Some(first) = seen.insert(no, i) {
                    problems.push(problem(
                        i,
                        &r.customer_no,
                        "customer_no",
                        format!("The same customer number as contact {first} in this request."),
                    ));
                }
            }
            Err(e) => problems.push(problem(i, &r.customer_no, "customer_no", e.0)),
        }
        for key in r.values.keys() {
            let known = key == KIND
                || key == MANAGED_BY
                || (key != "customer_no" && catalogue.iter().any(|f| &f.key == key));
            if !known {
                problems.push(problem(i, &r.customer_no, key, "There is no such field. See the field catalogue in Datacheck or the OpenAPI document."));
            }
        }
    }
    if !problems.is_empty() {
        return Err(Refused::Invalid(problems));
    }
    // Contacts sending the same keys become one "file".
    let mut groups: BTreeMap<Vec<String>, Vec<(usize, &ApiRecord)>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        groups
            .entry(r.values.keys().cloned().collect())
            .or_default()
            .push((i, r));
    }
    let mut plans = Vec::new();
    for (keys, members) in &groups {
        let mut headers = vec!["customer_no".to_string()];
        headers.extend(keys.iter().cloned());
        let table = Table {
            rows: members
                .iter()
                .map(|(i, r)| {
                    let mut cells = vec![r.customer_no.clone()];
                    cells.extend(keys.iter().map(|k| r.values[k].clone().unwrap_or_default()));
                    (*i, cells)
                })
                .collect(),
            headers: headers.clone(),
            delimiter: b',',
            utf8_fields: 0,
            cp1252_fields: 0,
        };
        let mapping: Vec<Option<String>> = headers.iter().cloned().map(Some).collect();
        let plan = rows::plan(&table, &mapping, &catalogue);
        problems.extend(plan.problems.iter().cloned());
        plans.push(plan);
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(Refused::Invalid(problems));
    }
    let mut tx = pool.begin().await?;
    // Data managers are checked across the whole request: its contacts may name each
    // other, and one broken relation refuses the request like any other problem.
    settle_managers(&mut tx, company_id, &mut plans).await?;
    let problems: Vec<RowProblem> = plans.iter().flat_map(|p| p.problems.clone()).collect();
    if !problems.is_empty() {
        return Err(Refused::Invalid(problems));
    }
    let mut total = Outcome::default();
    for plan in &plans {
        let o = write(
            &mut tx,
            company_id,
            plan,
            None,
            &client.actor(),
            "the DMS API",
        )
        .await?;
        total.add(o);
    }
    write_managers(&mut tx, company_id, &plans, &mut total).await?;
    if total.created + total.updated > 0 {
        audit::record(
            &mut *tx,
            &client.actor(),
            audit::Event {
                action: "contacts.upserted",
                subject_type: "contact",
                subject_id: (records.len() == 1).then(|| records[0].customer_no.clone()),
                company_id: Some(CompanyId(company_id)),
                detail: serde_json::json!({
                    "contacts": records.len(), "created": total.created,
                    "updated": total.updated, "unchanged": total.unchanged,
                }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(total)
}
