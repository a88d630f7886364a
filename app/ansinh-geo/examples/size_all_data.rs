//! Links every table of the crate (and its lookups) into a binary, for the size figure in
//! `gen/README.md`; compare with `size_baseline`.

use std::hint::black_box;

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let n = black_box(ansinh_geo::provinces()).len()
        + black_box(ansinh_geo::communes()).len()
        + black_box(ansinh_geo::ethnic_groups()).len()
        + black_box(ansinh_geo::legacy_provinces()).len()
        + ansinh_geo::communes_in(&arg).len();
    let name = ansinh_geo::commune(&arg)
        .map(|c| c.name)
        .or_else(|| ansinh_geo::search_communes("01", &arg).next().map(|c| c.name))
        .or_else(|| ansinh_geo::ethnic_group_by_name(&arg).map(|e| e.name))
        .or_else(|| ansinh_geo::legacy_province_of_personal_id(&arg).map(|p| p.name))
        .or_else(|| ansinh_geo::legacy_province_by_name(&arg).map(|p| p.current_code))
        .or_else(|| ansinh_geo::legacy_commune("001", &arg, &arg).map(|c| c.name))
        .unwrap_or_default();
    println!("{n} {}", black_box(name));
}
