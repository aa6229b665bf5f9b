//! Records the git revision the binary is built from (`QOLTANBA_GIT_REVISION`,
//! shown in test-vector reports); nothing when git or the repository is absent.
//!
//! Cargo re-runs a build script on every build when a `rerun-if-changed`
//! path does not exist, so only files that exist are named: HEAD, the
//! branch's ref and packed-refs of the real git directory (a worktree's
//! `.git` is a file pointing elsewhere). Without a repository the script
//! depends on itself alone.

use std::path::{Path, PathBuf};

fn git(args: &[&str]) -> Option<String> {
    std::process::Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn watch(p: &Path) {
    if p.exists() {
        println!("cargo:rerun-if-changed={}", p.display());
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let dir = git(&["rev-parse", "--git-dir"]).map(PathBuf::from);
    let common = git(&["rev-parse", "--git-common-dir"]).map(PathBuf::from);
    if let Some(dir) = &dir {
        let head = dir.join("HEAD");
        watch(&head);
        if let Ok(h) = std::fs::read_to_string(&head)
            && let Some(r) = h.trim().strip_prefix("ref: ")
        {
            for base in [Some(dir), common.as_ref()].into_iter().flatten() {
                watch(&base.join(r));
            }
        }
        for base in [Some(dir), common.as_ref()].into_iter().flatten() {
            watch(&base.join("packed-refs"));
        }
    }
    if let Some(rev) = git(&["rev-parse", "HEAD"]) {
        println!("cargo:rustc-env=QOLTANBA_GIT_REVISION={rev}");
    }
}
