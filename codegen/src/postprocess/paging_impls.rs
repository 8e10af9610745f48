//! `paging-impls`: list builders implement the run-time paging trait, so `psa_clients` can stream them.
//!
//! `NumberedPages` for ConnectWise builders (`page`/`pageSize` query parameters, JSON array response; the
//! total through the list's `…/count` sibling) and BMS builders (`PageNumber`/`PageSize` query parameters or,
//! for `POST …/search`, the same fields of the body DTO; the envelope's `Result` and `TotalRecords`). Autotask
//! pages by query body, through `AutotaskEntity` ([`super::autotask_entities`]).

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::{parse_quote, Item, ItemStruct, Type};

use super::syntax::{
    field, first_generic, has_field, module_items, module_items_mut, named_fields, peel,
    send_response_type, type_structs, vec_inner,
};
use crate::vendor::Vendor;

/// Adds the impls to the file's `builder` module; returns how many list builders got one.
pub fn apply(file: &mut syn::File, vendor: Vendor) -> usize {
    let paging = paging_impls(file, vendor);
    let paged = paging.len();
    if let Some(builder) = module_items_mut(file, "builder") {
        builder.extend(paging);
    }
    paged
}

/// `NumberedPages` impls for the list builders of a ConnectWise or BMS file.
fn paging_impls(file: &syn::File, vendor: Vendor) -> Vec<Item> {
    let (page_field, style) = match vendor {
        Vendor::ConnectWise => ("page", quote!(ConnectWise)),
        Vendor::Bms => ("page_number", quote!(Bms)),
        Vendor::Autotask => return Vec::new(),
    };
    let builder = module_items(file, "builder");
    let envelopes = bms_envelopes(file);
    let mut out = Vec::new();
    let search_bodies = if vendor == Vendor::Bms {
        paged_bodies(file)
    } else {
        BTreeSet::new()
    };
    for item in builder {
        let Item::Struct(s) = item else { continue };
        let set_page = syn::Ident::new(page_field, proc_macro2::Span::call_site());
        let with_page = if has_field(s, page_field) && has_field(s, "page_size") {
            quote! { self.#set_page(page).page_size(page_size) }
        } else if body_type_name(s).is_some_and(|b| search_bodies.contains(&b)) {
            // BMS search operations (`POST …/search`) page through fields of their body DTO.
            quote! {{
                let mut call = self;
                call.body = call.body.map(|mut body| {
                    body.page_number = ::psa_clients_runtime::paging::PageField::from_page(page);
                    body.page_size = ::psa_clients_runtime::paging::PageField::from_page(page_size);
                    body
                });
                call
            }}
        } else {
            continue;
        };
        let Some(response) = send_response_type(builder, &s.ident) else {
            continue;
        };
        let name = &s.ident;
        let (item_ty, split) = match vendor {
            Vendor::ConnectWise => {
                let Some(inner) = vec_inner(&response) else {
                    continue;
                };
                (inner.clone(), quote! { (response.into_inner(), None) })
            }
            _ => {
                let Type::Path(p) = peel(&response) else {
                    continue;
                };
                let Some(last) = p.path.segments.last() else {
                    continue;
                };
                let Some((inner, has_total)) = envelopes.get(&last.ident.to_string()) else {
                    continue;
                };
                let total = if *has_total {
                    quote! { body.total_records.and_then(|t| u64::try_from(t).ok()) }
                } else {
                    quote! { None }
                };
                let inner: Type = syn::parse_str(&format!("types::{inner}"))
                    .unwrap_or_else(|_| inner_type_fallback());
                (
                    inner,
                    quote! {{ let body = response.into_inner(); let total = #total; (body.result.unwrap_or_default(), total) }},
                )
            }
        };
        let count_total = match vendor {
            Vendor::ConnectWise => count_sibling(builder, s).map(|(count, filters)| {
                quote! {
                    fn count_total(self) -> ::std::option::Option<::psa_clients_runtime::paging::TotalFuture<'a>> {
                        let mut count = #count::new(self.client);
                        #(count.#filters = self.#filters;)*
                        ::std::option::Option::Some(::std::boxed::Box::pin(async move {
                            let counted = count.send().await?.into_inner();
                            Ok(counted.count.and_then(|n| u64::try_from(n).ok()))
                        }))
                    }
                }
            }),
            _ => None,
        };
        out.push(parse_quote! {
            impl<'a> ::psa_clients_runtime::paging::NumberedPages<'a> for #name<'a> {
                type Item = #item_ty;
                const STYLE: ::psa_clients_runtime::paging::PageStyle =
                    ::psa_clients_runtime::paging::PageStyle::#style;
                fn with_page(self, page: u32, page_size: u32) -> Self {
                    #with_page
                }
                fn fetch_page(self) -> ::psa_clients_runtime::paging::PageFuture<'a, Self::Item> {
                    ::std::boxed::Box::pin(async move {
                        let response = self.send().await?;
                        let headers = response.headers().clone();
                        let (items, total) = #split;
                        Ok((items, ::psa_clients_runtime::paging::PageInfo { headers, total }))
                    })
                }
                #count_total
            }
        });
    }
    out
}

/// ConnectWise lists have a `…/count` sibling (`GetServiceTickets` → `GetServiceTicketsCount`) answering
/// `types::Count` and taking the same filters: its builder name and the filter fields both share with the same
/// type (not paging, ordering or field selection).
fn count_sibling(builder: &[Item], list: &ItemStruct) -> Option<(syn::Ident, Vec<syn::Ident>)> {
    let wanted = format!("{}Count", list.ident);
    let count = builder.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == wanted => Some(s),
        _ => None,
    })?;
    let answers_count = send_response_type(builder, &count.ident)
        .is_some_and(|ty| quote!(#ty).to_string().replace(' ', "") == "types::Count");
    if !answers_count {
        return None;
    }
    let not_filters = [
        "client",
        "page",
        "page_size",
        "page_id",
        "order_by",
        "fields",
    ];
    let type_of = |s: &ItemStruct, name: &syn::Ident| {
        s.fields
            .iter()
            .find(|f| f.ident.as_ref() == Some(name))
            .map(|f| {
                let ty = &f.ty;
                quote!(#ty).to_string()
            })
    };
    let filters = named_fields(list)
        .filter(|name| !not_filters.contains(&name.to_string().as_str()))
        .filter(|name| {
            type_of(count, name).is_some() && type_of(count, name) == type_of(list, name)
        })
        .cloned()
        .collect();
    Some((count.ident.clone(), filters))
}

/// Request DTOs with `page_number` and `page_size` fields (BMS search bodies, from `PageNumber`/`PageSize`).
///
/// Their types are not read: the document declares them `int32` or `int64`, required or not, and the generated
/// code sets them through `psa_clients_runtime::paging::PageField`, implemented for each, so a type it does not
/// cover fails to compile rather than being skipped.
fn paged_bodies(file: &syn::File) -> BTreeSet<String> {
    type_structs(file)
        .filter(|s| has_field(s, "page_number") && has_field(s, "page_size"))
        .map(|s| s.ident.to_string())
        .collect()
}

/// `X` of a builder's `body: Result<types::X, String>` field.
fn body_type_name(s: &ItemStruct) -> Option<String> {
    let Type::Path(p) = first_generic(&field(s, "body")?.ty)? else {
        return None;
    };
    p.path.segments.last().map(|seg| seg.ident.to_string())
}

fn inner_type_fallback() -> Type {
    parse_quote!(())
}

/// BMS envelope type name → (record type name, has `total_records`), for envelopes whose `result` is a list.
fn bms_envelopes(file: &syn::File) -> BTreeMap<String, (String, bool)> {
    let mut out = BTreeMap::new();
    for s in type_structs(file) {
        let Some(result) = field(s, "result") else {
            continue;
        };
        let Some(inner) = first_generic(&result.ty).and_then(vec_inner) else {
            continue;
        };
        let Type::Path(p) = peel(inner) else { continue };
        let Some(last) = p.path.segments.last() else {
            continue;
        };
        out.insert(
            s.ident.to_string(),
            (last.ident.to_string(), has_field(s, "total_records")),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connectwise_lists_count_through_their_count_sibling_with_the_same_filters() {
        let list: ItemStruct = parse_quote! {
            pub struct GetServiceTickets<'a> {
                client: &'a super::Client, conditions: Result<Option<C>, String>, order_by: Result<Option<O>, String>,
                page: Result<Option<i32>, String>, custom_field_conditions: Result<Option<F>, String>
            }
        };
        let builder: Vec<Item> = vec![
            parse_quote! {
                pub struct GetServiceTicketsCount<'a> {
                    client: &'a super::Client, conditions: Result<Option<C>, String>, order_by: Result<Option<O>, String>,
                    page: Result<Option<i32>, String>, custom_field_conditions: Result<Option<Other>, String>
                }
            },
            parse_quote! {
                impl<'a> GetServiceTicketsCount<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Count>, Error<()>> { todo!() }
                }
            },
        ];
        let (count, filters) = count_sibling(&builder, &list).expect("sibling");
        assert_eq!(count, "GetServiceTicketsCount");
        // Shared filters of the same type only: not paging or ordering, not what the count lacks.
        assert_eq!(filters, vec!["conditions"]);
        assert!(count_sibling(&builder[..0], &list).is_none());
        // A `…Count` builder that does not answer `Count` is not a count.
        let not_count: Vec<Item> = vec![
            builder[0].clone(),
            parse_quote! {
                impl<'a> GetServiceTicketsCount<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Calendar>, Error<()>> { todo!() }
                }
            },
        ];
        assert!(count_sibling(&not_count, &list).is_none());
    }

    #[test]
    fn connectwise_list_builders_get_numbered_pages() {
        let mut file: syn::File = parse_quote! {
            pub mod builder {
                pub struct GetServiceTickets<'a> { client: &'a super::Client, page: Result<Option<i32>, String>, page_size: Result<Option<i32>, String> }
                impl<'a> GetServiceTickets<'a> {
                    pub async fn send(self) -> Result<ResponseValue<::std::vec::Vec<types::Ticket>>, Error<()>> {
                        let info = OperationInfo { operation_id: "get_service_tickets" };
                        todo!()
                    }
                }
                pub struct GetOne<'a> { client: &'a super::Client, id: Result<i32, String> }
            }
        };
        assert_eq!(apply(&mut file, Vendor::ConnectWise), 1);
        // No `GetServiceTicketsCount` builder here: no count.
        assert!(!quote!(#file).to_string().contains("count_total"));
        let text = quote!(#file).to_string();
        assert!(
            text.contains("NumberedPages < 'a > for GetServiceTickets < 'a >"),
            "{text}"
        );
        assert!(!text.contains("type Item = :: std :: vec :: Vec < types :: Ticket >"));
        assert!(text.contains("type Item = types :: Ticket"), "{text}");
        assert!(
            text.contains("self . page (page) . page_size (page_size)"),
            "{text}"
        );
    }

    #[test]
    fn bms_search_builders_page_through_their_body() {
        let mut file: syn::File = parse_quote! {
            pub mod types {
                pub struct GetTicketsInputDto { pub page_number: ::std::option::Option<i32>, pub page_size: i32 }
                pub struct TicketListDtoListResponse {
                    pub result: ::std::option::Option<::std::vec::Vec<TicketListDto>>,
                    pub total_records: ::std::option::Option<i32>,
                }
            }
            pub mod builder {
                pub struct SearchTickets<'a> { client: &'a super::Client, body: Result<types::GetTicketsInputDto, String> }
                impl<'a> SearchTickets<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::TicketListDtoListResponse>, Error<()>> {
                        let info = OperationInfo { operation_id: "get_service_tickets" };
                        todo!()
                    }
                }
            }
        };
        assert_eq!(apply(&mut file, Vendor::Bms), 1);
        let text = quote!(#file).to_string();
        // Whatever the fields' types (here `Option<i32>` and `i32`): the run-time trait converts.
        assert!(
            text.contains(
                "body . page_number = :: psa_clients_runtime :: paging :: PageField :: from_page (page)"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "body . page_size = :: psa_clients_runtime :: paging :: PageField :: from_page (page_size)"
            ),
            "{text}"
        );
        assert!(
            text.contains("type Item = types :: TicketListDto"),
            "{text}"
        );
    }
}
