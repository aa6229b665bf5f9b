//! Writing verdicts as JSON: objects built by moving values in (`obj!`),
//! parts serialised once and reused (`Memo`), and indented output for
//! people (`pretty`).

use serde::Serialize;

/// A JSON object from `"key": value` pairs that moves each value in:
/// `json!` copies every member through `Serialize`, a deep copy of a
/// subtree, which on the verification path costs more than it shows.
macro_rules! obj {
    ($($k:literal : $v:expr),* $(,)?) => {{
        let mut m = serde_json::Map::new();
        $( m.insert($k.to_string(), serde_json::Value::from($v)); )*
        serde_json::Value::Object(m)
    }};
}
pub(crate) use obj;

/// Indented JSON for people, laid out through a `Value` so that the parts
/// kept as compact JSON ([`Memo`]) are indented too.
pub fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default()
}

/// A part of a verdict that is written as JSON more than once (a verdict
/// lists its worst signer's checks and then each signer's again; a
/// certificate's description goes into every verdict it signs): the JSON is
/// made the first time and reused.
pub struct Memo<T> {
    value: T,
    json: std::sync::OnceLock<Box<serde_json::value::RawValue>>,
}

impl<T> Memo<T> {
    /// Wraps `value`.
    pub fn new(value: T) -> Self {
        Memo {
            value,
            json: std::sync::OnceLock::new(),
        }
    }
}

impl<T> std::ops::Deref for Memo<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Clone> Clone for Memo<T> {
    fn clone(&self) -> Self {
        Memo {
            value: self.value.clone(),
            json: self.json.clone(),
        }
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Memo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: Default> Default for Memo<T> {
    fn default() -> Self {
        Memo::new(T::default())
    }
}

impl<T: Serialize> Serialize for Memo<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = match self.json.get() {
            Some(raw) => raw,
            None => match serde_json::value::to_raw_value(&self.value) {
                Ok(raw) => self.json.get_or_init(|| raw),
                Err(_) => return self.value.serialize(s),
            },
        };
        raw.serialize(s)
    }
}
