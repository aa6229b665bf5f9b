//! The pages' static files, compiled into the binary: the stylesheet and
//! the icon. Nothing is fetched from anywhere else.

/// The stylesheet every page links.
pub const CSS: &str = include_str!("assets/qoltanba.css");
/// The page icon.
pub const ICON: &str = include_str!("assets/icon.svg");

/// A static file by name: its media type and bytes.
pub fn asset(name: &str) -> Option<(&'static str, &'static [u8])> {
    match name {
        "qoltanba.css" => Some(("text/css; charset=utf-8", CSS.as_bytes())),
        "icon.svg" => Some(("image/svg+xml", ICON.as_bytes())),
        _ => None,
    }
}
