//! Property test: an Autotask query body survives JSON → struct → JSON.
#![cfg(feature = "autotask")]

use proptest::prelude::*;
use psa_clients::autotask::filter::{field, udf, Filter, FilterError, FilterValue, Query, Test};

/// True if any value in the filter is a float. serde_json reads floats
/// with a fast parser that may differ from the written value in the last
/// bit unless its `float_roundtrip` feature is on, so exact struct equality
/// is only asserted without them (the JSON round trip holds regardless).
fn has_float(f: &Filter) -> bool {
    let is_float = |v: &FilterValue| matches!(v, FilterValue::Float(_));
    match f {
        Filter::Group { items, .. } => items.iter().any(has_float),
        Filter::Field(ff) => match &ff.test {
            Test::Compare(_, v) => is_float(v),
            Test::In(list) | Test::NotIn(list) => list.iter().any(is_float),
            _ => false,
        },
        _ => false,
    }
}

fn value() -> impl Strategy<Value = FilterValue> {
    prop_oneof![
        any::<bool>().prop_map(FilterValue::Bool),
        any::<i64>().prop_map(FilterValue::Integer),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(FilterValue::Float),
        any::<String>().prop_map(FilterValue::String),
        Just(FilterValue::String(String::new())),
        Just(FilterValue::Integer(0)),
        Just(FilterValue::Bool(false)),
    ]
}

fn leaf() -> impl Strategy<Value = Filter> {
    let name = prop_oneof![
        "[a-zA-Z][a-zA-Z0-9]{0,10}".boxed(),
        any::<String>()
            .prop_filter("named", |s| !s.is_empty())
            .boxed(),
    ];
    (
        name,
        any::<bool>(),
        0u8..13,
        value(),
        prop::collection::vec(value(), 1..4),
    )
        .prop_map(|(name, is_udf, op, v, list)| {
            let f = if is_udf { udf(name) } else { field(name) };
            match op {
                0 => f.eq(v),
                1 => f.not_eq(v),
                2 => f.gt(v),
                3 => f.gte(v),
                4 => f.lt(v),
                5 => f.lte(v),
                6 => f.begins_with(v),
                7 => f.ends_with(v),
                8 => f.contains(v),
                9 => f.exists(),
                10 => f.not_exists(),
                11 => f.is_in(list),
                _ => f.not_in(list),
            }
        })
}

fn filter() -> impl Strategy<Value = Filter> {
    leaf().prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Filter::all),
            prop::collection::vec(inner, 1..4).prop_map(Filter::any),
        ]
    })
}

fn query() -> impl Strategy<Value = Query> {
    (
        prop::collection::vec(filter(), 0..3),
        prop::collection::vec("[a-zA-Z][a-zA-Z0-9 ]{0,8}", 0..3),
        prop::option::of(1u32..=500),
    )
        .prop_map(|(filters, include, max)| {
            let mut b = Query::builder().include_fields(include);
            // A query needs a filter; "every record" is asked for explicitly.
            if filters.is_empty() {
                b = b.all_records();
            }
            for f in filters {
                b = b.filter(f);
            }
            if let Some(n) = max {
                b = b.max_records(n);
            }
            b.build().expect("generated queries are valid")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn json_struct_json_round_trip(q in query()) {
        let text = serde_json::to_string(&q).expect("serialises");
        let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let read: Query = serde_json::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        let again = serde_json::to_value(&read).expect("serialises");
        prop_assert_eq!(&again, &json);
        // The struct itself survives too (floats aside, see `has_float`),
        // LIKE escapes included.
        if !q.filters().iter().any(has_float) {
            prop_assert_eq!(read, q);
        }
    }

    /// The string value of `contains`, `beginsWith` and `endsWith` never
    /// reaches the server with a bare SQL Server LIKE wildcard (`%`, `_`, or
    /// `[` outside the escapes `[%]`, `[_]`, `[[]`), and reads back as the
    /// caller's text.
    #[test]
    fn like_values_never_carry_a_bare_wildcard(
        text in prop_oneof![any::<String>(), "[%_\\[\\]a ]{0,12}"],
        op in 0u8..3,
    ) {
        let f = field("name");
        let filter = match op {
            0 => f.contains(text.as_str()),
            1 => f.begins_with(text.as_str()),
            _ => f.ends_with(text.as_str()),
        };
        let json = serde_json::to_value(&filter).expect("serialises");
        let wire = json["value"].as_str().expect("a string value").to_owned();
        let chars: Vec<char> = wire.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '['
                && matches!(chars.get(i + 1), Some('%' | '_' | '['))
                && chars.get(i + 2) == Some(&']')
            {
                i += 3;
                continue;
            }
            prop_assert!(!matches!(chars[i], '%' | '_' | '['), "wire: {:?}", wire);
            i += 1;
        }
        let q = Query::builder().filter(filter.clone()).build().expect("valid");
        let read: Query = serde_json::from_value(serde_json::to_value(&q).expect("serialises"))
            .map_err(|e| TestCaseError::fail(format!("{e}: {wire:?}")))?;
        prop_assert_eq!(read.filters(), &[filter][..]);
    }

    /// A query with no filter is refused, whatever else it sets.
    #[test]
    fn a_query_without_a_filter_is_refused(
        include in prop::collection::vec("[a-zA-Z][a-zA-Z0-9 ]{0,8}", 0..3),
        max in prop::option::of(1u32..=500),
    ) {
        let mut b = Query::builder().include_fields(include);
        if let Some(n) = max {
            b = b.max_records(n);
        }
        prop_assert_eq!(b.build(), Err(FilterError::NoFilter));
    }
}
