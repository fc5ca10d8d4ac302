//! Act: the evaluation meeting of a ward and round, the improvement actions with their links and
//! follow-up notes, and the boards that list them (method.md §2 steps 10–11).
//!
//! Who may do what: everyone who may read the ward's results reads its meeting and actions; the
//! ward's team leader and the organisation's quality officer (and coordinator) write them
//! ([`Tenant::acts_on`]); a support-service member reads the actions their service owns and may
//! add follow-up notes and move their status. Everything else answers NotFound.

pub mod actions;
pub mod meetings;

use crate::db::StoreError;
use crate::structure::Ward;
use driehoek_domain::access::Tenant;

/// The ward may be written by this tenant: NotFound when they cannot even read its results,
/// Forbidden when they read but may not write.
pub(crate) fn writable(tenant: &Tenant, ward: &Ward) -> Result<(), StoreError> {
    let path = ward.path();
    if tenant.acts_on(&path) {
        Ok(())
    } else if tenant.reads_results(&path) {
        Err(StoreError::Forbidden)
    } else {
        Err(StoreError::NotFound)
    }
}
