//! The Okdesk simulator: an independent axum implementation of the documented Okdesk REST API.
