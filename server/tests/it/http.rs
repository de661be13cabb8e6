//! The application over HTTP, as browsers and scripts use it: pages, server functions, sessions,
//! and what every response carries.

mod abuse;
mod abuse_answers;
mod abuse_load;
mod accounts;
mod authorization;
mod calendar;
mod closing;
mod csrf;
mod feed_load;
mod households;
mod notifications;
mod offline;
mod pages;
mod plans;
mod results;
mod sessions;
