//! A CSV import as the import page shows it: the file as read, the column mapping, the
//! validation report, the progress and the outcome.

use super::CompanyRef;
use serde::{Deserialize, Serialize};

/// Where a CSV import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    Uploaded,
    Importing,
    Done,
    Failed,
    Cancelled,
}

crate::closed_set!(ImportStatus {
    Uploaded => "uploaded",
    Importing => "importing",
    Done => "done",
    Failed => "failed",
    Cancelled => "cancelled",
});

/// What a column can be mapped to: a catalogue field, the contact's kind, or nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportTarget {
    pub key: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: i64,
    pub company: CompanyRef,
    pub file_name: String,
    /// "1.2 MB".
    pub size: String,
    /// `uploaded`, `importing`, `done`, `failed` or `cancelled`.
    pub status: ImportStatus,
    /// "UTF-8", "Windows-1252", or "mixed: …".
    pub encoding: String,
    /// "semicolon (;)", "comma (,)" or "tab".
    pub delimiter: String,
    pub headers: Vec<String>,
    /// Per column: the target key, or "" for "do not import".
    pub mapping: Vec<String>,
    pub targets: Vec<ImportTarget>,
    /// The first rows as they are in the file.
    pub preview: Vec<Vec<String>>,
    pub rows: usize,
    pub rows_done: i32,
    pub summary: Option<ImportSummary>,
    pub uploaded: String,
    pub uploaded_by: String,
}

/// The check of every row against the mapping, before anything is written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: usize,
    pub valid: usize,
    pub rejected: usize,
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    /// Every problem, up to a limit, by row and field.
    pub problems: Vec<RowProblem>,
    /// Problems not listed because of the limit.
    pub more_problems: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub customer_no: String,
    /// The column's header, or "" for a problem with the whole row.
    pub column: String,
    pub value: String,
    pub message: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub seconds: f64,
}

/// An earlier import, for the list on the upload page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportListRow {
    pub id: i64,
    pub file_name: String,
    pub company: String,
    pub uploaded_by: String,
    pub uploaded: String,
    pub status: ImportStatus,
    pub summary: Option<ImportSummary>,
}

/// A running import's state, polled by the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportProgress {
    pub status: ImportStatus,
    pub rows_done: i32,
    pub rows_total: i32,
    pub summary: Option<ImportSummary>,
}
