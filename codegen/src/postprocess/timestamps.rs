//! `timestamps`: date-times decode as the vendors actually send them.
//!
//! typify maps `format: date-time` to `chrono::DateTime<Utc>`, which accepts only RFC 3339 with an offset. The
//! .NET back ends of BMS and Autotask also send offset-less timestamps (`2024-03-01T10:00:00`,
//! `2024-03-01T10:00:00.123`), which would fail the whole response. This pass swaps the type for
//! `psa_clients::Timestamp`, which accepts both, keeps whether an offset was sent, and serializes RFC 3339.

use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Type};

/// Replaces every `chrono::DateTime<chrono::offset::Utc>` in the file; returns how many were replaced.
pub fn apply(file: &mut syn::File) -> usize {
    let mut v = Replace { replaced: 0 };
    v.visit_file_mut(file);
    v.replaced
}

struct Replace {
    replaced: usize,
}

impl VisitMut for Replace {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::Path(p) = ty {
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if segments == ["chrono", "DateTime"] {
                *ty = parse_quote!(::psa_clients_runtime::Timestamp);
                self.replaced += 1;
                return;
            }
        }
        visit_mut::visit_type_mut(self, ty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrono_utc_becomes_timestamp() {
        let mut file: syn::File = parse_quote! {
            pub struct A { pub at: Option<::chrono::DateTime<::chrono::offset::Utc>>, pub n: i64 }
        };
        assert_eq!(apply(&mut file), 1);
        let out = prettyplease::unparse(&file);
        assert!(
            out.contains("Option<::psa_clients_runtime::Timestamp>"),
            "{out}"
        );
    }
}
