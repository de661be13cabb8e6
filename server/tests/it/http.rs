//! The application over HTTP, as browsers and scripts use it: pages, server functions, sessions,
//! and what every response carries.

mod abuse;
mod accounts;
mod authorization;
mod calendar;
mod closing;
mod csrf;
mod deadline_removal;
mod households;
mod lot_salt;
mod notifications;
mod offline;
mod pages;
mod plans;
mod results;
mod sessions;
