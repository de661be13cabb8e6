//! The application over HTTP, as browsers and scripts use it: pages, server functions, sessions,
//! and what every response carries.

mod abuse;
mod abuse_answers;
mod abuse_load;
mod accounts;
mod addresses;
mod authorization;
mod calendar;
mod cant_eat;
mod closing;
mod cooks;
mod csrf;
mod deadline_removal;
mod feed_load;
mod households;
mod lambda_client_ip;
mod lot_salt;
mod markup;
mod notifications;
mod offline;
mod outbound;
mod pages;
mod plans;
mod posted_errors;
mod progress;
mod push;
mod recipes;
mod removal_by_name;
mod results;
mod sessions;
mod shopping;
mod stolen_session;
mod week;
mod week_ranking;
