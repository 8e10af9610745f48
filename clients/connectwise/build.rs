//! Generates this crate's vendor client from the vendor document (found through `PSA_SPECS_DIR`) into OUT_DIR.
//! All of it is `psa_codegen::buildscript`, the code the psa-codegen CLI and tests run too.

fn main() {
    psa_codegen::buildscript::main();
}
