//! The CMS (PKCS#7) SignedData codec: reading one into the parts
//! verification needs (`parse`) and writing one with any `Signer`
//! (`build`). Below both the request envelopes (`envelope`: condition 2,
//! CAdES levels) and the time-stamps (`tsp`: tokens are SignedData too),
//! so neither has to reach up into the other for the format.

pub mod build;
pub mod parse;
