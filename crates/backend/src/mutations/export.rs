//! The streamed CSV export of the changes a filter matches.

use super::*;

/// A cell as a spreadsheet may safely read it: a value that starts like a formula
/// (`=`, `@`, or `+`/`-` followed by more than a number) gets a leading apostrophe, so
/// pasting an export never runs what a customer typed. Phone numbers (`+31…`) stay as
/// they are.
pub(super) fn spreadsheet_safe(v: &str) -> std::borrow::Cow<'_, str> {
    let numeric = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '.')
    };
    let risky = match v.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !numeric(&v[1..]),
        _ => false,
    };
    if risky {
        format!("'{v}").into()
    } else {
        v.into()
    }
}

/// The export's name of a changed value: the field key, or the person, notification,
/// subscription or consent it belongs to.
pub(super) fn export_field(r: &db::mutation::ExportRow) -> String {
    let who = match (r.person_id, r.new_person) {
        (Some(id), _) => format!("{id}"),
        (None, Some(n)) => format!("new{n}"),
        (None, None) => "removed".into(),
    };
    match r.section.as_str() {
        "field" => r.field_key.clone(),
        "person" => format!("person[{who}].{}", r.field_key),
        "notification" => format!("person[{who}].{}", r.field_key),
        "subscription" => format!("subscription.{}", r.field_key),
        _ => format!("consent.{}", r.field_key),
    }
}

/// Rows per chunk of the streamed export.
pub(super) const EXPORT_CHUNK: usize = 500;

/// Streams the CSV of every change the filter matches, one row per changed value, in
/// the layout staff paste into a DMS: `customer_no, field, dms_value (when the customer
/// answered), submitted_value, submitted_at` (the organisation's time), then the
/// mutation's id. The rows are read as a cursor and sent in chunks with backpressure,
/// so a million rows never sit in memory. The export is audited before it starts.
pub async fn export(
    state: &AppState,
    scope: &CompanyScope,
    actor: &Actor,
    q: &MutationQuery,
) -> Result<tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>, Error> {
    let c = check(scope, &state.settings.time_zone, q)?;
    audit::record(
        &state.pool,
        actor,
        audit::Event {
            action: "mutation.export",
            subject_type: "mutation",
            subject_id: None,
            company_id: c.filter.company.map(CompanyId),
            detail: serde_json::json!({ "filter": q.filter_pairs() }),
        },
    )
    .await?;
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let pool = state.pool.clone();
    let tz = state.settings.time_zone.clone();
    let scope = scope.clone();
    tokio::spawn(async move {
        use futures_util::TryStreamExt;
        let mut query = db::mutation::export_query(&scope, &c.filter, c.descending);
        let mut rows = query
            .build_query_as::<db::mutation::ExportRow>()
            .fetch(&pool);
        // One writer per chunk: its bytes go out when the chunk is full.
        let writer = || csv::Writer::from_writer(Vec::with_capacity(64 * 1024));
        let mut out = writer();
        let header = [
            "customer_no",
            "field",
            "dms_value",
            "submitted_value",
            "submitted_at",
            "mutation_id",
        ];
        let _ = out.write_record(header);
        let mut n = 0usize;
        // A byte-order mark first: spreadsheet programs then read the file as UTF-8.
        let mut first = Some("\u{feff}".as_bytes().to_vec());
        loop {
            let row = match rows.try_next().await {
                Ok(Some(r)) => r,
                Ok(None) => break,
                Err(e) => {
                    tracing::error!(error = %e, "mutation export failed");
                    let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                    return;
                }
            };
            let at = crate::local_time::zoned(row.created_at, &tz)
                .map(|z| z.strftime("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            let record = [
                spreadsheet_safe(&row.customer_no).into_owned(),
                export_field(&row),
                spreadsheet_safe(row.dms_value.as_deref().unwrap_or("")).into_owned(),
                spreadsheet_safe(row.submitted_value.as_deref().unwrap_or("")).into_owned(),
                at,
                row.mutation_id.to_string(),
            ];
            if out.write_record(&record).is_err() {
                return;
            }
            n += 1;
            if n.is_multiple_of(EXPORT_CHUNK) {
                let full = std::mem::replace(&mut out, writer());
                let mut chunk = first.take().unwrap_or_default();
                chunk.extend(full.into_inner().unwrap_or_default());
                if tx.send(Ok(chunk)).await.is_err() {
                    // The client went away.
                    return;
                }
            }
        }
        let mut chunk = first.take().unwrap_or_default();
        chunk.extend(out.into_inner().unwrap_or_default());
        let _ = tx.send(Ok(chunk)).await;
    });
    Ok(rx)
}
