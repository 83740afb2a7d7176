//! Test hooks (not part of the API): damage a store behind its back to check that reads fail with
//! typed errors.

#[cfg(feature = "redb")]
use std::path::Path;

/// Replaces the value of every record of the table `table` in the closed redb store at `path`.
///
/// # Errors
/// Failing to open or write the file.
#[cfg(feature = "redb")]
pub fn redb_overwrite_table(path: &Path, table: &str, value: &[u8]) -> crate::Result<()> {
    crate::redb_store::hooks::overwrite_table(path, table, value)
}

/// Writes `version` as the schema version of the closed redb store at `path`.
///
/// # Errors
/// Failing to open or write the file.
#[cfg(feature = "redb")]
pub fn redb_set_schema_version(path: &Path, version: u32) -> crate::Result<()> {
    crate::redb_store::hooks::set_schema_version(path, version)
}

/// The table names of schema version 2.
pub const TABLES: [&str; 12] = [
    "meta",
    "prefix_ids",
    "id_prefixes",
    "first_seen",
    "kel_index",
    "events",
    "attachments",
    "said_index",
    "said_runs",
    "states",
    "escrows",
    "duplicates",
];
