//! Baseline for `gen/README.md`'s binary-size figure: the same program as `size_all_data`,
//! without the crate. Build both with `--release` and compare their sizes.

use std::hint::black_box;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let n = black_box(arg.len());
    println!("{n} {}", black_box(""));
}
