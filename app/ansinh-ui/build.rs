//! Compiles the .slint sources (with element ids for the headless tests).
fn main() {
    let config = slint_build::CompilerConfiguration::new().with_debug_info(true);
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
        panic!("the .slint sources do not compile: {e}");
    }
}
