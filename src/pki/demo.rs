//! The demo PKI (placeholder until the generator lands).
