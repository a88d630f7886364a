//! Compiles the .slint sources (with element ids for the headless tests) and bundles the
//! translations of their `@tr(...)` text from `lang/<code>/LC_MESSAGES/ansinh-ui.po`.
fn main() {
    let config = slint_build::CompilerConfiguration::new()
        .with_debug_info(true)
        .with_bundled_translations("lang")
        // One catalogue entry per Vietnamese text, not one per component that shows it; the
        // few texts translated differently by place say so with `@tr("context" => …)`.
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    if let Err(e) = slint_build::compile_with_config("ui/app.slint", config) {
        panic!("the .slint sources do not compile: {e}");
    }
}
