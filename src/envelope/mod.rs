//! CMS envelopes.
