//! `/api/v1/contacts`: read and upsert contacts of the register, one or a batch.

use super::error::Failure;
use super::{ApiError, ApiProblem, Client, rfc3339};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use backend::AppState;
use backend::api_keys::ApiClient;
use backend::import::api::ApiRecord;
use datacheck_core::error::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Contacts per batch request.
pub const BATCH_MAX: usize = 1_000;

/// The fields of a contact a DMS may send. Every field is optional: a field left out
/// keeps its value; `null` or `""` clears it.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[allow(dead_code)]
pub struct ContactInput {
    /// `person` or `organisation`.
    kind: Option<String>,
    salutation: Option<String>,
    first_name: Option<String>,
    last_name_prefix: Option<String>,
    last_name: Option<String>,
    organisation_name: Option<String>,
    email: Option<String>,
    /// Stored in E.164; numbers without a country code are Dutch.
    phone: Option<String>,
    mobile: Option<String>,
    street: Option<String>,
    house_number: Option<String>,
    house_number_addition: Option<String>,
    /// Dutch codes as `1234 AB`; other countries as given.
    postal_code: Option<String>,
    city: Option<String>,
    /// ISO 3166-1 alpha-2, like `NL`.
    country: Option<String>,
    /// `nl` or `en`.
    language: Option<String>,
    /// Custom attributes by key, in the attribute's type (dates as `2026-11-23`).
    attributes: Option<BTreeMap<String, Option<String>>>,
    /// The customer number of this contact's data manager: another contact of the same
    /// company (in the register, or in the same batch), who checks this one's data.
    /// Nobody manages themselves, and managers never go round in a circle.
    managed_by: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct BatchInputContact {
    customer_no: String,
    #[serde(flatten)]
    fields: ContactInput,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct BatchInput {
    /// At most 1,000 contacts.
    contacts: Vec<BatchInputContact>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct PutResult {
    /// `created`, `updated` or `unchanged`.
    pub result: String,
    pub contact: ContactOutput,
}

#[derive(Serialize, Deserialize, ToSchema, Debug, PartialEq, Eq)]
pub struct BatchResult {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ContactOutput {
    pub company_id: i64,
    pub customer_no: String,
    pub kind: String,
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub organisation_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub house_number_addition: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: String,
    pub language: String,
    pub attributes: BTreeMap<String, String>,
    pub contact_persons: Vec<ContactPersonOutput>,
    /// The customer number of the contact's data manager.
    pub managed_by: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ContactPersonOutput {
    pub id: i64,
    pub first_name: Option<String>,
    pub last_name_prefix: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Option<String>,
    /// `none`, `own` or `all` tickets.
    pub notify_scope: String,
    /// `every_change` or `closing`.
    pub notify_when: String,
    pub left_at: Option<String>,
}

async fn load(
    state: &AppState,
    client: &ApiClient,
    company: i64,
    customer_no: &str,
) -> Result<Option<ContactOutput>, AppError> {
    let Some(record) =
        backend::contacts::record(state, &client.scope, company, customer_no).await?
    else {
        return Ok(None);
    };
    let k = record.contact;
    let persons = record.persons;
    let attributes = record
        .attributes
        .into_iter()
        .map(|a| (a.field_key, a.value))
        .collect();
    Ok(Some(ContactOutput {
        company_id: k.company_id,
        customer_no: k.customer_no,
        kind: k.kind.as_str().into(),
        salutation: k.salutation,
        first_name: k.first_name,
        last_name_prefix: k.last_name_prefix,
        last_name: k.last_name,
        organisation_name: k.organisation_name,
        email: k.email,
        phone: k.phone,
        mobile: k.mobile,
        street: k.street,
        house_number: k.house_number,
        house_number_addition: k.house_number_addition,
        postal_code: k.postal_code,
        city: k.city,
        country: k.country,
        language: k.language,
        attributes,
        contact_persons: persons
            .into_iter()
            .map(|p| ContactPersonOutput {
                id: p.id,
                first_name: p.first_name,
                last_name_prefix: p.last_name_prefix,
                last_name: p.last_name,
                email: p.email,
                phone: p.phone,
                role: p.role,
                notify_scope: p.notify_scope,
                notify_when: p.notify_when,
                left_at: p.left_at.map(rfc3339),
            })
            .collect(),
        managed_by: record.managed_by,
        created_at: rfc3339(k.created_at),
        updated_at: rfc3339(k.updated_at),
    }))
}

/// A JSON value as the text the domain parsers read; objects and arrays are refused.
fn cell(v: &serde_json::Value) -> Result<Option<String>, &'static str> {
    match v {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => Ok(Some(s.clone()).filter(|s| !s.trim().is_empty())),
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        serde_json::Value::Bool(b) => Ok(Some(if *b { "yes" } else { "no" }.into())),
        _ => Err("Send text, a number, true/false or null."),
    }
}

/// The body of one contact as field values; `customer_no` stays in the map for the
/// caller to take out.
fn record_of(
    customer_no: String,
    body: &serde_json::Map<String, serde_json::Value>,
    index: usize,
) -> Result<ApiRecord, Vec<ApiProblem>> {
    let mut problems = Vec::new();
    let mut values = BTreeMap::new();
    let mut bad = |field: &str, message: &str| {
        problems.push(ApiProblem {
            index,
            customer_no: customer_no.clone(),
            field: field.into(),
            message: message.into(),
        })
    };
    for (key, v) in body {
        match key.as_str() {
            "customer_no" => {}
            "attributes" => match v {
                serde_json::Value::Object(attrs) => {
                    for (k, v) in attrs {
                        match cell(v) {
                            Ok(c) => {
                                values.insert(k.clone(), c);
                            }
                            Err(m) => bad(k, m),
                        }
                    }
                }
                serde_json::Value::Null => {}
                _ => bad(
                    "attributes",
                    "Send the attributes as an object of key and value.",
                ),
            },
            _ => match cell(v) {
                Ok(c) => {
                    values.insert(key.clone(), c);
                }
                Err(m) => bad(key, m),
            },
        }
    }
    if problems.is_empty() {
        Ok(ApiRecord {
            customer_no,
            values,
        })
    } else {
        Err(problems)
    }
}

/// One contact by company and customer number.
#[utoipa::path(
    get,
    path = "/api/v1/contacts/{company}/{customer_no}",
    params(super::ContactPath),
    responses(
        (status = 200, description = "The contact", body = ContactOutput),
        (status = 401, description = "No valid key", body = ApiError),
        (status = 404, description = "No such company or contact for this key", body = ApiError),
    )
)]
pub async fn get_contact(
    State(state): State<AppState>,
    Client(client): Client,
    Path(super::ContactPath {
        company,
        customer_no,
    }): Path<super::ContactPath>,
) -> Result<Json<ContactOutput>, Failure> {
    match load(&state, &client, company, &customer_no).await? {
        Some(c) => Ok(Json(c)),
        None => Err(AppError::NotFound.into()),
    }
}

/// Creates or updates one contact. Idempotent: sending the same body twice changes
/// nothing the second time (`unchanged`).
#[utoipa::path(
    put,
    path = "/api/v1/contacts/{company}/{customer_no}",
    params(super::ContactPath),
    request_body = ContactInput,
    responses(
        (status = 201, description = "Created", body = PutResult),
        (status = 200, description = "Updated or unchanged", body = PutResult),
        (status = 401, description = "No valid key", body = ApiError),
        (status = 404, description = "No such company for this key", body = ApiError),
        (status = 422, description = "Invalid values; nothing changed", body = ApiError),
    )
)]
pub async fn put_contact(
    State(state): State<AppState>,
    Client(client): Client,
    Path(super::ContactPath {
        company,
        customer_no,
    }): Path<super::ContactPath>,
    body: Result<
        Json<serde_json::Map<String, serde_json::Value>>,
        axum::extract::rejection::JsonRejection,
    >,
) -> Result<Response, Failure> {
    let Ok(Json(body)) = body else {
        return Err(Failure::invalid(
            "Send one contact as a JSON object.",
            vec![],
        ));
    };
    if let Some(other) = body
        .get("customer_no")
        .and_then(|v| v.as_str())
        .filter(|n| *n != customer_no)
    {
        let p = ApiProblem {
            index: 0,
            customer_no: customer_no.clone(),
            field: "customer_no".into(),
            message: format!("The body says {other}, the address says {customer_no}."),
        };
        return Err(Failure::invalid(
            "The customer number in the body differs from the address.",
            vec![p],
        ));
    }
    let record = match record_of(customer_no.clone(), &body, 0) {
        Ok(r) => r,
        Err(p) => {
            return Err(Failure::invalid(
                "Some values are not valid; nothing was changed.",
                p,
            ));
        }
    };
    let outcome = backend::import::api::upsert(&state.pool, &client, company, vec![record]).await?;
    let stored = datacheck_core::domain::CustomerNo::parse(&customer_no)
        .map(|c| c.as_str().to_string())
        .unwrap_or(customer_no);
    match load(&state, &client, company, &stored).await? {
        Some(contact) => {
            let (status, result) = if outcome.created > 0 {
                (StatusCode::CREATED, "created")
            } else if outcome.updated > 0 {
                (StatusCode::OK, "updated")
            } else {
                (StatusCode::OK, "unchanged")
            };
            Ok((
                status,
                Json(PutResult {
                    result: result.into(),
                    contact,
                }),
            )
                .into_response())
        }
        None => Err(AppError::NotFound.into()),
    }
}

/// Creates or updates up to 1,000 contacts of one company in one transaction: all of
/// them, or (with any problem) none.
#[utoipa::path(
    post,
    path = "/api/v1/contacts/{company}",
    params(("company" = i64, Path, description = "Company id")),
    request_body = BatchInput,
    responses(
        (status = 200, description = "Written", body = BatchResult),
        (status = 401, description = "No valid key", body = ApiError),
        (status = 404, description = "No such company for this key", body = ApiError),
        (status = 422, description = "Invalid contacts; nothing changed", body = ApiError),
    )
)]
pub async fn batch_contacts(
    State(state): State<AppState>,
    Client(client): Client,
    Path(company): Path<i64>,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, Failure> {
    let contacts = match body
        .as_ref()
        .ok()
        .and_then(|Json(b)| b.get("contacts"))
        .and_then(|c| c.as_array())
    {
        Some(c) => c.clone(),
        None => {
            return Err(Failure::invalid("Send {\"contacts\": [ … ]}.", vec![]));
        }
    };
    if contacts.len() > BATCH_MAX {
        return Err(Failure::invalid(
            &format!("Send at most {BATCH_MAX} contacts per request."),
            vec![],
        ));
    }
    let mut records = Vec::with_capacity(contacts.len());
    let mut problems = Vec::new();
    for (i, c) in contacts.iter().enumerate() {
        let Some(obj) = c.as_object() else {
            problems.push(ApiProblem {
                index: i,
                customer_no: String::new(),
                field: String::new(),
                message: "Each contact is a JSON object.".into(),
            });
            continue;
        };
        let no = obj
            .get("customer_no")
            .and_then(|v| cell(v).ok().flatten())
            .unwrap_or_default();
        match record_of(no, obj, i) {
            Ok(r) => records.push(r),
            Err(p) => problems.extend(p),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::invalid(
            "Some values are not valid; nothing was changed.",
            problems,
        ));
    }
    let o = backend::import::api::upsert(&state.pool, &client, company, records).await?;
    Ok(Json(BatchResult {
        created: o.created,
        updated: o.updated,
        unchanged: o.unchanged,
    })
    .into_response())
}
