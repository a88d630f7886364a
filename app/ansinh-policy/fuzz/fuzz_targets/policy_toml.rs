//! A policy table's TOML source, as `ansinh --policy FILE` reads it: compiling returns a table
//! or an error, never panics; a table that compiles fits `MAX_ENCODED_BYTES`, opens (and so
//! validates) with `PolicyTable::from_bytes`, and encodes again to the same bytes.
#![no_main]

use ansinh_policy::{MAX_ENCODED_BYTES, PolicyTable, compile_toml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(compiled) = compile_toml(text) else { return };
    assert!(compiled.len() <= MAX_ENCODED_BYTES, "{} bytes", compiled.len());
    let table = PolicyTable::from_bytes(&compiled).expect("a compiled table opens");
    let again = postcard::to_stdvec(&table).expect("an opened table encodes");
    assert_eq!(again, compiled, "the compiled table does not encode to the same bytes");
});
