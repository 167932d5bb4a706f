//! From table rows to contact records: every mapped cell parsed by the domain rules,
//! every problem reported by line and column. A row with any problem is rejected as a
//! whole: half a contact is worse than none, and the report says what to fix in the
//! DMS.

use super::columns::{E_MARKETING, E_MARKETING_BASIS, KIND, MANAGED_BY, PSEUDO};
use super::table::Table;
use crate::Error;
use datacheck_core::domain::{BUILTIN_KEYS, CountryCode, FieldType, builtin_canonical};
use datacheck_core::error::AppError;
use datacheck_core::wire::{ConsentState, FieldDef, LegalBasis, RowProblem};
use std::collections::HashMap;

/// Built-in keys in the order of `db::contact_import::Columns::values`.
pub fn value_keys() -> &'static [&'static str] {
    &BUILTIN_KEYS[1..]
}

/// One valid row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub customer_no: String,
    pub kind: String,
    /// Per `value_keys()`: the new value (`None` clears) — only meaningful for mapped
    /// keys.
    pub values: Vec<Option<String>>,
    /// Per `Plan::attributes`.
    pub attributes: Vec<Option<String>>,
    /// E-marketing consent to record, when the file has it for this row.
    pub consent: Option<(LegalBasis, ConsentState)>,
    /// The data manager's customer number when the file has the column (`Some(None)`
    /// clears it); `managers` checks it against the register.
    pub manager: Option<Option<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Mapped built-in keys (and `kind`), for the upsert's `mapped` list.
    pub mapped: Vec<String>,
    /// Mapped custom attributes, in column order.
    pub attributes: Vec<String>,
    pub records: Vec<Record>,
    pub problems: Vec<RowProblem>,
    pub rejected: usize,
    /// The header of the data manager's column, when one is mapped.
    pub manager_column: Option<String>,
}

/// Checks the mapping itself: the customer number is mapped, nothing twice, every
/// target known. `mapping[i]` is the target of column `i`.
pub fn check_mapping(
    headers: &[String],
    mapping: &[Option<String>],
    catalogue: &[FieldDef],
) -> Result<(), Error> {
    let bad = |m: String| AppError::invalid("mapping", m);
    if mapping.len() != headers.len() {
        return Err(Error::from(bad(
            "Choose a field (or “do not import”) for every column.".into(),
        )));
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (target, header) in mapping
        .iter()
        .zip(headers)
        .filter_map(|(t, h)| Some((t.as_deref()?, h)))
    {
        if !PSEUDO.contains(&target) && !catalogue.iter().any(|f| f.key == target) {
            return Err(Error::from(bad(format!(
                "Column “{header}”: there is no field “{target}”."
            ))));
        }
        if let Some(other) = seen.insert(target, header) {
            return Err(Error::from(bad(format!(
                "Columns “{other}” and “{header}” both go to the same field: choose one."
            ))));
        }
    }
    if !seen.contains_key("customer_no") {
        return Err(Error::from(bad(
            "Choose the column with the customer number: it is how Datacheck knows which contact a row is.".into(),
        )));
    }
    Ok(())
}

/// The state of e-marketing consent as DMS exports write it; `Ok(None)` for empty.
fn parse_consent(raw: &str) -> Result<Option<ConsentState>, ()> {
    match super::columns::squash(raw).as_str() {
        "" => Ok(None),
        "optin" | "ingeschreven" | "toestemming" | "gegeven" | "true" | "1" | "j" | "y" => {
            Ok(Some(ConsentState::Given))
        }
        "optout" | "afgemeld" | "geenmailings" | "nomailings" | "ingetrokken" | "false" | "0"
        | "n" => Ok(Some(ConsentState::Withdrawn)),
        "onbekend" | "unknown" | "geen" => Ok(Some(ConsentState::None)),
        _ => ConsentState::parse(raw).map(Some).ok_or(()),
    }
}

/// A legal basis in English or Dutch; `Ok(None)` for empty.
fn parse_basis(raw: &str) -> Result<Option<LegalBasis>, ()> {
    match super::columns::squash(raw).as_str() {
        "" => Ok(None),
        "toestemming" => Ok(Some(LegalBasis::Consent)),
        "overeenkomst" | "contractueel" => Ok(Some(LegalBasis::Contract)),
        "wettelijkeverplichting" => Ok(Some(LegalBasis::LegalObligation)),
        "gerechtvaardigdbelang" => Ok(Some(LegalBasis::LegitimateInterest)),
        "vitaalbelang" => Ok(Some(LegalBasis::VitalInterest)),
        "algemeenbelang" | "publiekrechtelijketaak" => Ok(Some(LegalBasis::PublicTask)),
        _ => LegalBasis::parse(raw).map(Some).ok_or(()),
    }
}

fn parse_kind(raw: &str) -> Option<&'static str> {
    match super::columns::squash(raw).as_str() {
        "person" | "persoon" | "particulier" | "prive" | "p" | "individual" | "consumer" => {
            Some("person")
        }
        "organisation" | "organization" | "organisatie" | "bedrijf" | "zakelijk" | "company"
        | "business" | "b" | "o" | "org" | "zakelijkeklant" => Some("organisation"),
        _ => None,
    }
}

pub fn plan(table: &Table, mapping: &[Option<String>], catalogue: &[FieldDef]) -> Plan {
    let col = |key: &str| mapping.iter().position(|m| m.as_deref() == Some(key));
    let customer_col = col("customer_no").unwrap_or(0);
    let kind_col = col(KIND);
    let consent_col = col(E_MARKETING);
    let basis_col = col(E_MARKETING_BASIS);
    let country_col = col("country");
    let manager_col = col(MANAGED_BY);
    let builtin_cols: Vec<Option<usize>> = value_keys().iter().map(|k| col(k)).collect();
    let attribute_cols: Vec<(usize, &FieldDef)> = mapping
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let f = catalogue
                .iter()
                .find(|f| !f.builtin && Some(f.key.as_str()) == m.as_deref())?;
            Some((i, f))
        })
        .collect();
    let mut plan = Plan {
        mapped: value_keys()
            .iter()
            .zip(&builtin_cols)
            .filter(|(_, c)| c.is_some())
            .map(|(k, _)| k.to_string())
            .chain(kind_col.map(|_| KIND.to_string()))
            .collect(),
        attributes: attribute_cols.iter().map(|(_, f)| f.key.clone()).collect(),
        manager_column: manager_col.and_then(|c| table.headers.get(c).cloned()),
        ..Plan::default()
    };
    let has = |key: &str| plan.mapped.iter().any(|m| m == key);
    let names_mapped = has("first_name") || has("last_name");
    let org_mapped = has("organisation_name");
    let idx = |key: &str| {
        value_keys()
            .iter()
            .position(|k| *k == key)
            .expect("built-in key")
    };

    // Customer numbers that occur more than once: every occurrence is refused, since
    // the file does not say which one is right.
    let mut lines_of: HashMap<String, Vec<usize>> = HashMap::new();
    for (line, cells) in &table.rows {
        let raw = cells.get(customer_col).map(String::as_str).unwrap_or("");
        if let Ok(no) = builtin_canonical("customer_no", raw, &CountryCode::netherlands()) {
            lines_of.entry(no).or_default().push(*line);
        }
    }

    for (line, cells) in &table.rows {
        let line = *line;
        let cell = |i: usize| cells.get(i).map(String::as_str).unwrap_or("").trim();
        let mut problems: Vec<RowProblem> = Vec::new();
        let raw_no = cell(customer_col);
        let mut problem = |column: usize, value: &str, message: String, customer_no: &str| {
            problems.push(RowProblem {
                line,
                customer_no: customer_no.to_string(),
                column: table.headers.get(column).cloned().unwrap_or_default(),
                value: value.to_string(),
                message,
            });
        };
        let customer_no = match builtin_canonical(
            "customer_no",
            raw_no,
            &CountryCode::netherlands(),
        ) {
            Ok(no) => {
                if let Some(lines) = lines_of.get(&no).filter(|l| l.len() > 1) {
                    let others: Vec<String> = lines
                        .iter()
                        .filter(|l| **l != line)
                        .map(|l| l.to_string())
                        .collect();
                    problem(
                        customer_col,
                        raw_no,
                        format!(
                            "This customer number is also on line {}: each customer once per file.",
                            others.join(", ")
                        ),
                        raw_no,
                    );
                }
                no
            }
            Err(e) => {
                let message = if raw_no.is_empty() {
                    "The customer number is empty.".to_string()
                } else {
                    e.0
                };
                problem(customer_col, raw_no, message, raw_no);
                raw_no.to_string()
            }
        };
        let country = match country_col.map(cell).filter(|c| !c.is_empty()) {
            Some(raw) => CountryCode::parse(raw).unwrap_or_else(|_| CountryCode::netherlands()),
            None => CountryCode::netherlands(),
        };
        let mut values: Vec<Option<String>> = vec![None; value_keys().len()];
        for (k, (key, c)) in value_keys().iter().zip(&builtin_cols).enumerate() {
            let Some(c) = *c else { continue };
            let raw = cell(c);
            if raw.is_empty() {
                continue;
            }
            match builtin_canonical(key, raw, &country) {
                Ok(v) => values[k] = Some(v),
                Err(e) => problem(c, raw, e.0, &customer_no),
            }
        }
        let has_value = |key: &str| values[idx(key)].is_some();
        let kind = match kind_col {
            Some(c) => match parse_kind(cell(c)) {
                Some(k) => k,
                None => {
                    problem(
                        c,
                        cell(c),
                        "Write person or organisation (persoon, organisatie, bedrijf).".into(),
                        &customer_no,
                    );
                    "person"
                }
            },
            // Without a kind column: an organisation name without a person's name.
            None if has_value("organisation_name")
                && !has_value("first_name")
                && !has_value("last_name") =>
            {
                "organisation"
            }
            None => "person",
        };
        if kind == "person" && names_mapped && !has_value("first_name") && !has_value("last_name") {
            let c = col("last_name")
                .or(col("first_name"))
                .unwrap_or(customer_col);
            problem(
                c,
                "",
                "A person needs a first or a last name.".into(),
                &customer_no,
            );
        }
        if has_value("last_name_prefix") && !has_value("last_name") {
            let c = col("last_name_prefix").unwrap_or(customer_col);
            problem(
                c,
                cell(c),
                "A prefix goes with a last name, and the last name is empty.".into(),
                &customer_no,
            );
        }
        if kind == "organisation" && org_mapped && !has_value("organisation_name") {
            let c = col("organisation_name").unwrap_or(customer_col);
            problem(
                c,
                "",
                "An organisation needs its name.".into(),
                &customer_no,
            );
        }
        let manager = manager_col.map(|c| match cell(c) {
            "" => None,
            raw => match builtin_canonical("customer_no", raw, &CountryCode::netherlands()) {
                Ok(no) => Some(no),
                Err(e) => {
                    problem(c, raw, e.0, &customer_no);
                    None
                }
            },
        });
        let mut attributes = Vec::with_capacity(attribute_cols.len());
        for (c, f) in &attribute_cols {
            let raw = cell(*c);
            if raw.is_empty() {
                attributes.push(None);
                continue;
            }
            let ty: FieldType = f.field_type;
            match ty.canonical(raw, &f.choices, &country) {
                Ok(v) => attributes.push(Some(v)),
                Err(e) => {
                    problem(*c, raw, e.0, &customer_no);
                    attributes.push(None);
                }
            }
        }
        let state = consent_col.map(|c| (c, parse_consent(cell(c))));
        let basis = basis_col.map(|c| (c, parse_basis(cell(c))));
        let state = match state {
            Some((c, Err(()))) => {
                problem(
                    c,
                    cell(c),
                    "Write given, none or withdrawn (ja, nee, opt-in, opt-out).".into(),
                    &customer_no,
                );
                None
            }
            Some((_, Ok(s))) => s,
            None => None,
        };
        let basis = match basis {
            Some((c, Err(()))) => {
                problem(
                    c,
                    cell(c),
                    "Write a legal basis: consent, contract, legal obligation, legitimate interest, vital interest or public task.".into(),
                    &customer_no,
                );
                None
            }
            Some((_, Ok(b))) => b,
            None => None,
        };
        let consent = match (basis, state) {
            (None, None) => None,
            (Some(b), s) => Some((b, s.unwrap_or(ConsentState::None))),
            (None, Some(s)) => Some((LegalBasis::Consent, s)),
        };
        if let Some((b, ConsentState::Given)) = consent
            && b != LegalBasis::Consent
        {
            let c = basis_col.unwrap_or(customer_col);
            problem(
                c,
                cell(c),
                "Only consent can be given; with another legal basis leave the state empty or write withdrawn.".into(),
                &customer_no,
            );
        }
        if problems.is_empty() {
            plan.records.push(Record {
                consent,
                manager,
                line,
                customer_no,
                kind: kind.to_string(),
                values,
                attributes,
            });
        } else {
            plan.rejected += 1;
            plan.problems.extend(problems);
        }
    }
    plan
}
