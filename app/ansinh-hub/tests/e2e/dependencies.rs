//! The collection server's edges in the workspace, read from the manifests themselves: it
//! speaks the protocol (`ansinh-wire`), stores through `ansinh-storage` and checks records with
//! the domain crates, and never links the device's side (its outbox, receipts, data directory
//! or uploader). Its end-to-end tests may use those, as dev-dependencies.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

type R<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// The workspace crates the hub may depend on directly.
const ALLOWED: [&str; 5] =
    ["ansinh-core", "ansinh-enrollment", "ansinh-geo", "ansinh-storage", "ansinh-wire"];

/// The device's side: never in the hub's build, directly or through another crate.
const DEVICE_SIDE: [&str; 4] =
    ["ansinh-outbox", "ansinh-receipt", "ansinh-device", "ansinh-uploader"];

fn app_dir() -> PathBuf {
    // app/ansinh-hub → app/
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(PathBuf::new, Path::to_path_buf)
}

/// The workspace crates `krate`'s manifest names as normal or build dependencies, on every
/// target (`[dependencies]`, `[build-dependencies]`, `[target.*.dependencies]`, ...).
fn workspace_deps(krate: &str) -> R<BTreeSet<String>> {
    let path = app_dir().join(krate).join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: toml::Table = text.parse()?;
    let mut tables: Vec<&toml::Value> =
        ["dependencies", "build-dependencies"].iter().filter_map(|k| manifest.get(*k)).collect();
    if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
        for target in targets.values() {
            tables.extend(
                ["dependencies", "build-dependencies"].iter().filter_map(|k| target.get(*k)),
            );
        }
    }
    let mut deps = BTreeSet::new();
    for table in tables {
        let table =
            table.as_table().ok_or_else(|| format!("{krate}: a dependency list is not a table"))?;
        deps.extend(table.keys().filter(|name| name.starts_with("ansinh-")).cloned());
    }
    Ok(deps)
}

#[test]
fn the_hub_depends_only_on_the_allowed_workspace_crates() -> R {
    let direct = workspace_deps("ansinh-hub")?;
    let allowed: BTreeSet<String> = ALLOWED.iter().map(|s| (*s).to_string()).collect();
    assert_eq!(direct, allowed, "the hub's workspace dependencies (app/ansinh-hub/Cargo.toml)");
    Ok(())
}

#[test]
fn nothing_the_hub_links_reaches_the_device_side() -> R {
    let mut seen = BTreeSet::new();
    let mut todo = vec!["ansinh-hub".to_string()];
    while let Some(krate) = todo.pop() {
        for dep in workspace_deps(&krate)? {
            assert!(!DEVICE_SIDE.contains(&dep.as_str()), "{krate} depends on {dep}");
            if seen.insert(dep.clone()) {
                todo.push(dep);
            }
        }
    }
    // The walk did read the manifests: the protocol crate is among what the hub links.
    assert!(seen.contains("ansinh-wire"), "{seen:?}");
    Ok(())
}
