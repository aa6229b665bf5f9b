//! Enums stored (and shown) by name: `stored_enum!` declares the enum with
//! each variant's name beside it, and derives from that one list every
//! value (`ALL`), the name (`as_str`) and the reverse (`parse`).

/// Declares `pub enum $name` whose variants are stored as the given names,
/// with `ALL`, `as_str` and `parse`.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $text:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $(
                $(#[$variant_meta])*
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The name it is stored and shown as.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value stored as `s`, if any.
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|x| x.as_str() == s)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::store::applications::Status;
    use crate::store::keys::Role;
    use crate::store::qr_sessions::QrPhase;

    #[test]
    fn every_name_parses_back_and_matches_serde() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::json!(s), s.as_str());
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::json!(r), r.as_str());
        }
        for p in QrPhase::ALL {
            assert_eq!(QrPhase::parse(p.as_str()), Some(p));
        }
        assert_eq!(Status::ALL.len(), 6);
        assert_eq!(Role::parse("root"), None);
        assert_eq!(QrPhase::parse(""), None);
    }
}
