//! Which companies a staff user may see and touch.
//!
//! Every query over company-owned rows takes a `CompanyScope`, and the only way to get one
//! is from an authenticated session (`auth::Staff`), so a query cannot be written without
//! deciding its scope. Out-of-scope ids answer "not found", never "forbidden": a guessed
//! id must not reveal that the row exists.

use datacheck_core::error::AppError;
use datacheck_core::wire::CompanyId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompanyScope(Inner);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Inner {
    All,
    Only(Vec<CompanyId>),
}

impl CompanyScope {
    /// Admins, the CLI and the demo seed: every company.
    pub fn all() -> Self {
        CompanyScope(Inner::All)
    }

    /// A staff user limited to these companies (none at all when the list is empty).
    pub(crate) fn only(ids: Vec<CompanyId>) -> Self {
        CompanyScope(Inner::Only(ids))
    }

    pub fn allows(&self, id: CompanyId) -> bool {
        match &self.0 {
            Inner::All => true,
            Inner::Only(ids) => ids.contains(&id),
        }
    }

    /// The company id when it is in scope; `NotFound` otherwise.
    pub fn require(&self, id: CompanyId) -> Result<CompanyId, AppError> {
        if self.allows(id) {
            Ok(id)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The bind value for `($1::bigint[] IS NULL OR company_id = ANY($1))`: `None` means
    /// every company.
    pub fn sql_filter(&self) -> Option<Vec<i64>> {
        match &self.0 {
            Inner::All => None,
            Inner::Only(ids) => Some(ids.iter().map(|c| c.0).collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_helper_rejects_an_out_of_scope_company() {
        let scope = CompanyScope::only(vec![CompanyId(1), CompanyId(3)]);
        assert_eq!(scope.require(CompanyId(1)), Ok(CompanyId(1)));
        assert_eq!(scope.require(CompanyId(2)), Err(AppError::NotFound));
        assert_eq!(scope.sql_filter(), Some(vec![1, 3]));
    }

    #[test]
    fn empty_scope_allows_nothing_and_all_allows_everything() {
        let none = CompanyScope::only(vec![]);
        assert!(!none.allows(CompanyId(1)));
        assert_eq!(none.sql_filter(), Some(vec![]));
        let all = CompanyScope::all();
        assert!(all.allows(CompanyId(42)));
        assert_eq!(all.sql_filter(), None);
    }
}
