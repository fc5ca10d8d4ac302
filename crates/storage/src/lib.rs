//! Driehoek's database. One [`Db`] value works on SQLite (the default, embedded) or PostgreSQL.
//!
//! The same SQL runs on both wherever possible (`$n` placeholders, portable types: TEXT ids and
//! UTC timestamps, BIGINT, BOOLEAN); the few dialect differences live in the migrations. Every
//! repository function that reads or writes tenant data takes the caller's [`Tenant`] and answers
//! `None`/[`StoreError::NotFound`] for anything outside it, so a forgotten check cannot leak.

pub mod accounts;
pub mod act;
pub mod audit;
pub mod bulk;
pub mod coding;
mod db;
pub mod demo;
pub mod exports;
pub mod import;
pub mod listen;
pub mod migrate;
pub mod overview;
pub mod publication;
pub mod quality_picture;
pub mod reports;
pub mod rounds;
pub mod scale;
pub mod second_coding;
pub mod structure;
pub mod tallies;
pub mod testing;
pub mod theme_sets;
pub mod themes;

pub use db::{
    DEFAULT_URL, Db, DbKind, StoreError, Tx, backup_sqlite, in_hours as db_time_in_hours, new_id,
    now,
};
pub use driehoek_domain::access::{Grant, Level, NodePath, Role, Tenant};
