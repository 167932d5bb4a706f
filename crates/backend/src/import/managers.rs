//! Who manages whom, as an import or an API request sets it: the `managed_by` column
//! holds the customer number of another contact of the same company. The rules are
//! checked on the relation as it will stand after the import (the register's
//! relations with the file's laid over them): nobody manages themselves, the manager
//! exists in this company (in the register or among the file's valid rows), and no
//! chain of managers comes back to where it started. A row that breaks a rule is
//! rejected like any other invalid row, with the reason on the `managed_by` column.

use super::rows::{Plan, Record};
use datacheck_core::wire::RowProblem;
use std::collections::{HashMap, HashSet};

/// The relation as the register holds it now: customer number → its manager's number
/// (every contact of the company, with or without a manager).
pub type Register = HashMap<String, Option<String>>;

/// Why one of `records` (by index) cannot have the manager it names.
pub fn problems(records: &[&Record], register: &Register) -> Vec<(usize, String)> {
    let mut after: HashMap<&str, Option<&str>> = register
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_deref()))
        .collect();
    for r in records {
        let manager = r.manager.as_ref().and_then(|m| m.as_deref());
        after.insert(r.customer_no.as_str(), manager);
    }
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let Some(Some(manager)) = &r.manager else {
            continue;
        };
        if *manager == r.customer_no {
            out.push((i, "A contact cannot be their own data manager.".to_string()));
            continue;
        }
        if !after.contains_key(manager.as_str()) {
            out.push((
                i,
                format!(
                    "No contact with customer number {manager} in this company, in the register or in this file: a data manager is a contact of the same company."
                ),
            ));
            continue;
        }
        // Follow the chain of managers; coming back here is a cycle.
        let mut chain = vec![r.customer_no.as_str()];
        let mut seen: HashSet<&str> = HashSet::from([r.customer_no.as_str()]);
        let mut at = Some(manager.as_str());
        while let Some(m) = at {
            chain.push(m);
            if m == r.customer_no {
                out.push((
                    i,
                    format!(
                        "Data managers would go round in a circle: {}.",
                        chain.join(" → ")
                    ),
                ));
                break;
            }
            if !seen.insert(m) {
                // A circle further up that does not pass here: reported on its own rows.
                break;
            }
            at = after.get(m).copied().flatten();
        }
    }
    out
}

/// Rejects the records whose manager breaks a rule, across all `plans` (a request's
/// contacts may name each other), until what is left holds together: a rejected new
/// contact can no longer be anyone's manager.
pub fn settle(plans: &mut [Plan], register: &Register) {
    loop {
        let records: Vec<&Record> = plans.iter().flat_map(|p| &p.records).collect();
        let found = problems(&records, register);
        if found.is_empty() {
            return;
        }
        // Index among all records → (plan, index in the plan).
        let place: Vec<(usize, usize)> = plans
            .iter()
            .enumerate()
            .flat_map(|(p, plan)| (0..plan.records.len()).map(move |r| (p, r)))
            .collect();
        let mut reasons: HashMap<(usize, usize), String> =
            found.into_iter().map(|(i, m)| (place[i], m)).collect();
        for (p, plan) in plans.iter_mut().enumerate() {
            let mut kept = Vec::with_capacity(plan.records.len());
            for (r, record) in std::mem::take(&mut plan.records).into_iter().enumerate() {
                match reasons.remove(&(p, r)) {
                    Some(message) => {
                        plan.rejected += 1;
                        plan.problems.push(RowProblem {
                            line: record.line,
                            customer_no: record.customer_no.clone(),
                            column: plan.manager_column.clone().unwrap_or_default(),
                            value: record.manager.clone().flatten().unwrap_or_default(),
                            message,
                        });
                    }
                    None => kept.push(record),
                }
            }
            plan.records = kept;
            plan.problems.sort_by_key(|p| p.line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(no: &str, manager: Option<&str>) -> Record {
        Record {
            line: no.len(),
            customer_no: no.into(),
            kind: "person".into(),
            values: vec![],
            attributes: vec![],
            consent: None,
            manager: Some(manager.map(str::to_string)),
        }
    }

    fn plan(records: Vec<Record>) -> Plan {
        Plan {
            records,
            manager_column: Some("Beheerder".into()),
            ..Plan::default()
        }
    }

    fn register(pairs: &[(&str, Option<&str>)]) -> Register {
        pairs
            .iter()
            .map(|(k, m)| (k.to_string(), m.map(str::to_string)))
            .collect()
    }

    fn messages(plans: &[Plan]) -> Vec<(String, String)> {
        plans
            .iter()
            .flat_map(|p| &p.problems)
            .map(|p| (p.customer_no.clone(), p.message.clone()))
            .collect()
    }

    #[test]
    fn a_manager_in_the_register_or_in_the_file_is_accepted() {
        let mut plans = vec![plan(vec![
            record("D1", Some("M1")),
            record("D2", Some("M2")),
            record("M2", None),
        ])];
        settle(&mut plans, &register(&[("M1", None)]));
        assert!(messages(&plans).is_empty(), "{:?}", messages(&plans));
        assert_eq!(plans[0].records.len(), 3);
    }

    #[test]
    fn nobody_manages_themselves() {
        let mut plans = vec![plan(vec![record("A1", Some("A1"))])];
        settle(&mut plans, &register(&[]));
        let m = messages(&plans);
        assert_eq!(m.len(), 1);
        assert!(m[0].1.contains("own data manager"), "{m:?}");
        assert_eq!(plans[0].problems[0].column, "Beheerder");
        assert_eq!(plans[0].rejected, 1);
    }

    #[test]
    fn a_manager_of_another_company_is_unknown_here() {
        let mut plans = vec![plan(vec![record("D1", Some("X9"))])];
        settle(&mut plans, &register(&[("D1", None)]));
        let m = messages(&plans);
        assert!(
            m[0].1.contains("No contact with customer number X9"),
            "{m:?}"
        );
    }

    #[test]
    fn a_circle_through_the_register_is_refused() {
        // The register says B is managed by A; the file makes A managed by B.
        let mut plans = vec![plan(vec![record("A", Some("B"))])];
        settle(&mut plans, &register(&[("A", None), ("B", Some("A"))]));
        let m = messages(&plans);
        assert_eq!(m.len(), 1);
        assert!(m[0].1.contains("A → B → A"), "{m:?}");
    }

    #[test]
    fn a_circle_within_the_file_rejects_each_of_its_rows() {
        let mut plans = vec![plan(vec![
            record("A", Some("B")),
            record("B", Some("C")),
            record("C", Some("A")),
            record("D", Some("A")),
        ])];
        settle(&mut plans, &register(&[]));
        let m = messages(&plans);
        let rejected: Vec<&str> = m.iter().map(|(no, _)| no.as_str()).collect();
        assert_eq!(rejected, ["A", "B", "C", "D"]);
        assert!(
            m[..3].iter().all(|(_, msg)| msg.contains("circle")),
            "{m:?}"
        );
        // D's manager A is a rejected new contact: D goes too, on the next round.
        assert!(
            m[3].1.contains("No contact with customer number A"),
            "{m:?}"
        );
        assert!(plans[0].records.is_empty());
    }

    #[test]
    fn clearing_a_manager_breaks_a_circle_instead_of_making_one() {
        let mut plans = vec![plan(vec![record("B", None), record("A", Some("B"))])];
        settle(&mut plans, &register(&[("A", None), ("B", Some("A"))]));
        assert!(messages(&plans).is_empty(), "{:?}", messages(&plans));
    }

    #[test]
    fn contacts_of_one_request_may_name_each_other_across_plans() {
        let mut plans = vec![
            plan(vec![record("D1", Some("M1"))]),
            plan(vec![record("M1", None)]),
        ];
        settle(&mut plans, &register(&[]));
        assert!(messages(&plans).is_empty());
    }
}
