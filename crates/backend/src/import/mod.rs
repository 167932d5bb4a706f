//! CSV import of contacts into the register: upload, column mapping, a full check
//! (a dry run of the very write the import does, rolled back), then the import itself
//! in one transaction, with progress staff can watch. Nothing is half-imported: either
//! every valid row is written, or none is.
//!
//! Must not: touch contacts of other companies, or keep the file after the import ends.

pub mod api;
pub mod columns;
pub mod managers;
pub mod rows;
pub mod table;

use crate::Error;
use crate::audit::{self, Actor};
use crate::auth::Staff;
use crate::db::contact_import::{self as store, Columns};
use crate::scope::CompanyScope;
use crate::{AppState, fields, local_time};
use datacheck_core::error::AppError;
use datacheck_core::wire::ImportStatus;
use datacheck_core::wire::{
    CompanyId, CompanyRef, FieldDef, ImportListRow, ImportReport, ImportSummary, ImportTarget,
    ImportView,
};
use rows::Plan;
use sqlx::PgPool;
use std::collections::HashSet;
use table::Table;

/// Rows per statement: big enough that 50,000 rows take a handful of round trips,
/// small enough that progress moves.
const CHUNK: usize = 2_500;
/// Problems listed by name on the page; the rest are counted.
const PROBLEMS_SHOWN: usize = 500;
/// Rows of the file shown under the mapping.
const PREVIEW_ROWS: usize = 5;

/// Stores an uploaded file for a company in scope, once it reads as CSV.
pub async fn upload(
    pool: &PgPool,
    staff: &Staff,
    company_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, Error> {
    let company = staff
        .scope
        .require(CompanyId(company_id))
        .map_err(|_| AppError::invalid("company", "Choose one of your companies."))?;
    let name = datacheck_core::domain::normalize(file_name);
    let name = if name.is_empty() {
        "upload.csv".to_string()
    } else {
        name.chars().take(200).collect()
    };
    let table = table::read(bytes)?;
    if table.rows.is_empty() {
        return Err(AppError::invalid("file", "The file has a header line but no rows.").into());
    }
    let mut tx = pool.begin().await?;
    let id = store::insert(&mut *tx, company.0, staff.id.0, &name, bytes).await?;
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "import.uploaded",
            subject_type: "contact_import",
            subject_id: Some(id.to_string()),
            company_id: Some(company),
            detail: serde_json::json!({ "file": name, "bytes": bytes.len(), "rows": table.rows.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn targets(catalogue: &[FieldDef]) -> Vec<ImportTarget> {
    let mut out: Vec<ImportTarget> = catalogue
        .iter()
        .map(|f| ImportTarget {
            key: f.key.clone(),
            label: if f.builtin {
                f.label_en.clone()
            } else {
                format!("{} (attribute)", f.label_en)
            },
        })
        .collect();
    out.insert(
        1,
        ImportTarget {
            key: columns::KIND.into(),
            label: "Kind (person or organisation)".into(),
        },
    );
    out.push(ImportTarget {
        key: columns::MANAGED_BY.into(),
        label: "Data manager (customer number)".into(),
    });
    out.push(ImportTarget {
        key: columns::E_MARKETING.into(),
        label: "E-marketing consent (given, none, withdrawn)".into(),
    });
    out.push(ImportTarget {
        key: columns::E_MARKETING_BASIS.into(),
        label: "E-marketing legal basis".into(),
    });
    out
}

fn size_label(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / 1024.0 / 1024.0),
        b if b >= 1024 => format!("{:.0} kB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

fn summary_of(v: &Option<serde_json::Value>) -> Option<ImportSummary> {
    v.as_ref()
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

struct Loaded {
    row: store::Row,
    table: Option<Table>,
    catalogue: Vec<FieldDef>,
}

async fn load(pool: &PgPool, scope: &CompanyScope, id: i64) -> Result<Loaded, Error> {
    let row = store::get(pool, scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let table = match &row.file_bytes {
        Some(b) => Some(table::read(b)?),
        None => None,
    };
    let catalogue = fields::catalogue(pool).await?;
    Ok(Loaded {
        row,
        table,
        catalogue,
    })
}

/// The stored mapping when it fits this file, else the first guess.
fn mapping_of(l: &Loaded, table: &Table) -> Vec<Option<String>> {
    let stored: Option<Vec<Option<String>>> = l
        .row
        .mapping
        .as_ref()
        .and_then(|m| serde_json::from_value(m.clone()).ok());
    match stored {
        Some(m) if m.len() == table.headers.len() => m,
        _ => columns::detect(&table.headers, &l.catalogue),
    }
}

/// The form's mapping (`""` = do not import) as targets.
fn mapping_from_form(form: Vec<String>) -> Vec<Option<String>> {
    form.into_iter()
        .map(|m| Some(m.trim().to_string()).filter(|m| !m.is_empty()))
        .collect()
}

pub async fn view(state: &AppState, scope: &CompanyScope, id: i64) -> Result<ImportView, Error> {
    let l = load(&state.pool, scope, id).await?;
    let tz = &state.settings.time_zone;
    let (headers, mapping, preview, rows, encoding, delimiter) = match &l.table {
        Some(t) => (
            t.headers.clone(),
            mapping_of(&l, t)
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect(),
            t.rows
                .iter()
                .take(PREVIEW_ROWS)
                .map(|(_, r)| r.clone())
                .collect(),
            t.rows.len(),
            t.encoding_label(),
            t.delimiter_label().to_string(),
        ),
        None => (
            vec![],
            vec![],
            vec![],
            l.row.rows_total as usize,
            String::new(),
            String::new(),
        ),
    };
    Ok(ImportView {
        id: l.row.id,
        company: CompanyRef {
            id: CompanyId(l.row.company_id),
            name: l.row.company_name.clone(),
        },
        file_name: l.row.file_name.clone(),
        size: size_label(l.row.file_size),
        status: l.row.status,
        encoding,
        delimiter,
        headers,
        mapping,
        targets: targets(&l.catalogue),
        preview,
        rows,
        rows_done: l.row.rows_done,
        summary: summary_of(&l.row.summary),
        uploaded: local_time::date_time(l.row.created_at, tz),
        uploaded_by: l.row.uploaded_by.clone(),
    })
}

pub async fn recent(state: &AppState, scope: &CompanyScope) -> Result<Vec<ImportListRow>, Error> {
    let tz = &state.settings.time_zone;
    Ok(store::recent(&state.pool, scope, 20)
        .await?
        .into_iter()
        .map(|r| ImportListRow {
            id: r.id,
            file_name: r.file_name,
            company: r.company_name,
            uploaded_by: r.uploaded_by,
            uploaded: local_time::date_time(r.created_at, tz),
            status: r.status,
            summary: summary_of(&r.summary),
        })
        .collect())
}

/// Reads, maps and checks every row; `Err` for a file or mapping that cannot work.
fn prepare(l: &Loaded, mapping: &[Option<String>]) -> Result<Plan, Error> {
    let table = l.table.as_ref().ok_or_else(|| {
        AppError::Conflict("This import has finished; its file is no longer kept.".into())
    })?;
    rows::check_mapping(&table.headers, mapping, &l.catalogue)?;
    Ok(rows::plan(table, mapping, &l.catalogue))
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The contacts created or changed.
    pub written: HashSet<i64>,
}

impl Outcome {
    /// Adds another plan's outcome (a request's groups of contacts).
    pub fn add(&mut self, other: Outcome) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.written.extend(other.written);
    }
}

/// Checks the data managers the plans name against the register as it stands in this
/// transaction, with the company locked so that nobody changes the relation until it
/// commits. Rows that break a rule move to the problems.
pub async fn settle_managers(
    tx: &mut sqlx::PgConnection,
    company_id: i64,
    plans: &mut [Plan],
) -> Result<(), sqlx::Error> {
    if plans.iter().all(|p| p.manager_column.is_none()) {
        return Ok(());
    }
    crate::db::contact::managers::lock(&mut *tx, company_id).await?;
    let register = crate::db::contact::managers::of_company(&mut *tx, company_id).await?;
    managers::settle(plans, &register);
    Ok(())
}

/// Writes the data managers the (settled) plans name, once all their contacts exist.
pub async fn write_managers(
    tx: &mut sqlx::PgConnection,
    company_id: i64,
    plans: &[Plan],
    outcome: &mut Outcome,
) -> Result<(), sqlx::Error> {
    let (numbers, managers): (Vec<String>, Vec<Option<String>>) = plans
        .iter()
        .flat_map(|p| &p.records)
        .filter_map(|r| Some((r.customer_no.clone(), r.manager.clone()?)))
        .unzip();
    if numbers.is_empty() {
        return Ok(());
    }
    for id in crate::db::contact::managers::set(&mut *tx, company_id, &numbers, &managers).await? {
        if outcome.written.insert(id) {
            outcome.updated += 1;
            outcome.unchanged -= 1;
        }
    }
    Ok(())
}

/// Writes a plan's records, chunk by chunk, into the open transaction. `progress`
/// (pool and import id) records how far it got, outside the transaction, so another
/// request can read it.
pub async fn write(
    tx: &mut sqlx::PgConnection,
    company_id: i64,
    plan: &Plan,
    progress: Option<(&PgPool, i64)>,
    by: &Actor,
    file: &str,
) -> Result<Outcome, sqlx::Error> {
    let mut created: HashSet<i64> = HashSet::new();
    let mut changed: HashSet<i64> = HashSet::new();
    let mut attribute_only: Vec<i64> = Vec::new();
    let mut done = 0usize;
    for chunk in plan.records.chunks(CHUNK) {
        let mut cols = Columns::default();
        for r in chunk {
            cols.customer_no.push(r.customer_no.clone());
            cols.kind.push(r.kind.clone());
            for (k, v) in r.values.iter().enumerate() {
                cols.values[k].push(v.clone());
            }
        }
        for u in store::upsert_contacts(&mut *tx, company_id, &cols, &plan.mapped).await? {
            if u.inserted {
                created.insert(u.id);
            } else {
                changed.insert(u.id);
            }
        }
        for (a, key) in plan.attributes.iter().enumerate() {
            let values: Vec<Option<String>> =
                chunk.iter().map(|r| r.attributes[a].clone()).collect();
            for id in store::upsert_attribute(&mut *tx, company_id, key, &cols.customer_no, &values)
                .await?
            {
                if !created.contains(&id) && changed.insert(id) {
                    attribute_only.push(id);
                }
            }
        }
        write_consent(&mut *tx, company_id, chunk, by, file).await?;
        done += chunk.len();
        if let Some((pool, id)) = progress {
            store::progress(pool, id, done as i32).await?;
        }
    }
    if !attribute_only.is_empty() {
        store::touch(&mut *tx, &attribute_only).await?;
    }
    let valid = plan.records.len();
    Ok(Outcome {
        created: created.len(),
        updated: changed.len(),
        unchanged: valid - created.len() - changed.len(),
        written: created.union(&changed).copied().collect(),
    })
}

/// Records the e-marketing consent a file gives, with the file and line as proof.
async fn write_consent(
    tx: &mut sqlx::PgConnection,
    company_id: i64,
    chunk: &[rows::Record],
    by: &Actor,
    file: &str,
) -> Result<(), sqlx::Error> {
    let with: Vec<&rows::Record> = chunk.iter().filter(|r| r.consent.is_some()).collect();
    if with.is_empty() {
        return Ok(());
    }
    let numbers: Vec<String> = with.iter().map(|r| r.customer_no.clone()).collect();
    let ids = crate::db::contact::ids_by_customer_nos(&mut *tx, company_id, &numbers).await?;
    for r in with {
        let (Some((basis, state)), Some(id)) = (r.consent, ids.get(&r.customer_no)) else {
            continue;
        };
        let proof = format!("Imported from {file}, line {}.", r.line);
        crate::consent::set_purpose(
            &mut *tx,
            by,
            &crate::consent::PurposeChange {
                contact_id: *id,
                purpose: crate::consent::E_MARKETING,
                state,
                legal_basis: Some(basis),
                source: crate::consent::Source::Import,
                shown_text: &proof,
                run_recipient_id: None,
            },
        )
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    }
    Ok(())
}

/// The full check: every row validated, and the write done and rolled back, so the
/// counts of new, changed and unchanged contacts are exactly what the import will do
/// (unless the register changes in between).
pub async fn check(
    state: &AppState,
    scope: &CompanyScope,
    id: i64,
    mapping: Vec<String>,
) -> Result<ImportReport, Error> {
    let l = load(&state.pool, scope, id).await?;
    if l.row.status != ImportStatus::Uploaded {
        return Err(AppError::Conflict("This import has already started or ended.".into()).into());
    }
    let mapping = mapping_from_form(mapping);
    let plan = prepare(&l, &mapping)?;
    store::set_mapping(&state.pool, id, &serde_json::json!(mapping)).await?;
    let mut tx = state.pool.begin().await?;
    let mut plans = [plan];
    settle_managers(&mut tx, l.row.company_id, &mut plans).await?;
    let [plan] = plans;
    let mut outcome = write(
        &mut tx,
        l.row.company_id,
        &plan,
        None,
        &Actor::System("import check"),
        &l.row.file_name,
    )
    .await?;
    write_managers(
        &mut tx,
        l.row.company_id,
        std::slice::from_ref(&plan),
        &mut outcome,
    )
    .await?;
    tx.rollback().await?;
    let total_problems = plan.problems.len();
    let mut problems = plan.problems;
    problems.truncate(PROBLEMS_SHOWN);
    Ok(ImportReport {
        rows: plan.records.len() + plan.rejected,
        valid: plan.records.len(),
        rejected: plan.rejected,
        create: outcome.created,
        update: outcome.updated,
        unchanged: outcome.unchanged,
        more_problems: total_problems - problems.len(),
        problems,
    })
}

/// Starts the import, with the mapping of the last check, in the background and
/// returns at once; the page follows its progress. A second start (double click,
/// second tab) is refused.
pub async fn start(state: &AppState, staff: &Staff, id: i64) -> Result<(), Error> {
    let l = load(&state.pool, &staff.scope, id).await?;
    let mapping: Vec<Option<String>> = l
        .row
        .mapping
        .as_ref()
        .and_then(|m| serde_json::from_value(m.clone()).ok())
        .ok_or_else(|| AppError::Conflict("Check the file first, then import.".into()))?;
    let plan = prepare(&l, &mapping)?;
    if plan.records.is_empty() {
        return Err(AppError::invalid(
            "mapping",
            "No row can be imported: fix the problems in the file first.",
        )
        .into());
    }
    if !store::claim(&state.pool, id, plan.records.len() as i32).await? {
        return Err(AppError::Conflict("This import has already started or ended.".into()).into());
    }
    let pool = state.pool.clone();
    let actor = staff.actor();
    let company = l.row.company_id;
    let file = l.row.file_name.clone();
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        if let Err(e) = run(&pool, &actor, id, company, &file, &plan, started).await {
            tracing::error!(import = id, error = %e, "contact import failed");
            let _ = store::finish(&pool, id, "failed", None).await;
        }
    });
    Ok(())
}

/// The import in one transaction: all rows, the audit record and the import's outcome
/// commit together.
pub async fn run(
    pool: &PgPool,
    actor: &Actor,
    id: i64,
    company_id: i64,
    file: &str,
    plan: &Plan,
    started: std::time::Instant,
) -> Result<ImportSummary, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // The register may have changed since the check: the relation is checked again.
    let mut plans = [plan.clone()];
    settle_managers(&mut tx, company_id, &mut plans).await?;
    let plan = &plans[0];
    let mut outcome = write(&mut tx, company_id, plan, Some((pool, id)), actor, file).await?;
    write_managers(&mut tx, company_id, &plans, &mut outcome).await?;
    let summary = ImportSummary {
        created: outcome.created,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        rejected: plan.rejected,
        seconds: (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
    };
    let json = serde_json::to_value(&summary).unwrap_or_default();
    audit::record(
        &mut *tx,
        actor,
        audit::Event {
            action: "contacts.imported",
            subject_type: "contact_import",
            subject_id: Some(id.to_string()),
            company_id: Some(CompanyId(company_id)),
            detail: serde_json::json!({ "file": file, "summary": json, "columns": plan.mapped, "attributes": plan.attributes }),
        },
    )
    .await?;
    store::finish(&mut *tx, id, "done", Some(&json)).await?;
    tx.commit().await?;
    Ok(summary)
}

pub async fn cancel(pool: &PgPool, staff: &Staff, id: i64) -> Result<(), Error> {
    let row = store::get(pool, &staff.scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = pool.begin().await?;
    if !store::cancel(&mut *tx, id).await? {
        return Err(AppError::Conflict("This import has already started or ended.".into()).into());
    }
    audit::record(
        &mut *tx,
        &staff.actor(),
        audit::Event {
            action: "import.cancelled",
            subject_type: "contact_import",
            subject_id: Some(id.to_string()),
            company_id: Some(CompanyId(row.company_id)),
            detail: serde_json::json!({ "file": row.file_name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How far a running import is, for the page to poll.
pub async fn progress(
    pool: &PgPool,
    scope: &CompanyScope,
    id: i64,
) -> Result<datacheck_core::wire::ImportProgress, Error> {
    let row = store::get(pool, scope, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(datacheck_core::wire::ImportProgress {
        status: row.status,
        rows_done: row.rows_done,
        rows_total: row.rows_total,
        summary: summary_of(&row.summary),
    })
}
