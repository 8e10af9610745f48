//! Splitting a condition with a long `in (…)` list into several requests.

use super::ast::{Comparison, Condition, Operator};
use super::error::ConditionError;
use super::render::{url_encoded_len, write_value, StringEscaping};
use super::value::Value;

/// The default budget for one rendered condition, in URL-encoded bytes.
///
/// Chosen to keep the whole request URL well under the 8 KiB limits common
/// in HTTP servers and proxies once the host, path and other parameters are
/// added.
pub const DEFAULT_CONDITION_BUDGET: usize = 2000;

/// Splits `condition` so that each part renders to at most `budget`
/// URL-encoded bytes (see [`url_encoded_len`]), where the records matched
/// by all parts together are exactly those matched by `condition`.
///
/// Only two shapes can be split, because only for them is the meaning a
/// plain union over chunks of the list:
///
/// * a single `field in (…)` comparison, which becomes
///   `field in (chunk₁)`, `field in (chunk₂)`, …;
/// * an `AND` group with exactly one direct `in (…)` member, which becomes
///   the same group with that member's list replaced by each chunk.
///
/// A condition that already fits is returned unchanged (normalised) as the
/// only part. Anything else that does not fit — `not in`, an `in` under
/// `OR` or `NOT`, two `in` members — is [`ConditionError::CannotSplit`];
/// a budget too small for even one value per chunk is
/// [`ConditionError::BudgetTooSmall`]. Chunks are filled greedily in list
/// order, so the result is deterministic. Parts may match overlapping
/// records only if the list has duplicates; callers that page through the
/// results should de-duplicate by id in that case.
///
/// ```
/// use psa_clients::connectwise::conditions::{field, split_in_list, StringEscaping};
///
/// let ids: Vec<i64> = (1..=1000).collect();
/// let c = field("closedFlag").eq(false).and(field("company/id").is_in(ids));
/// let parts = split_in_list(&c, 2000, StringEscaping::Strict).unwrap();
/// assert!(parts.len() > 1);
/// for p in &parts {
///     let text = p.render().unwrap();
///     assert!(psa_clients::connectwise::conditions::url_encoded_len(&text) <= 2000);
///     assert!(text.starts_with("closedFlag = false AND company/id in ("));
/// }
/// ```
pub fn split_in_list(
    condition: &Condition,
    budget: usize,
    escaping: StringEscaping,
) -> Result<Vec<Condition>, ConditionError> {
    let normalized = condition.normalize();
    let full = normalized.render_with(escaping)?;
    if url_encoded_len(&full) <= budget {
        return Ok(vec![normalized]);
    }

    // Locate the one `in` comparison that may be split and describe how to
    // rebuild the condition around a chunk of its list.
    let (index, cmp) = match &normalized {
        Condition::Compare(cmp) => (None, cmp),
        Condition::And(members) => {
            let mut found = None;
            for (i, m) in members.iter().enumerate() {
                if let Condition::Compare(cmp) = m {
                    if cmp.op == Operator::In {
                        if found.is_some() {
                            return Err(ConditionError::CannotSplit {
                                reason: "the AND group has more than one `in` comparison",
                            });
                        }
                        found = Some((i, cmp));
                    }
                }
            }
            match found {
                Some((i, cmp)) => (Some(i), cmp),
                None => {
                    return Err(ConditionError::CannotSplit {
                        reason: "the AND group has no direct `in` comparison",
                    })
                }
            }
        }
        _ => {
            return Err(ConditionError::CannotSplit {
                reason: "only an `in` comparison or an AND group with one can be split",
            })
        }
    };
    if cmp.op != Operator::In {
        return Err(ConditionError::CannotSplit {
            reason: "only `in` splits into a union (`not in` does not)",
        });
    }
    let Value::List(items) = &cmp.value else {
        return Err(ConditionError::OperatorValueMismatch {
            op: cmp.op,
            found: cmp.value.kind(),
        });
    };

    let rebuild = |chunk: Vec<Value>| -> Condition {
        let part = Condition::Compare(Comparison {
            field: cmp.field.clone(),
            op: Operator::In,
            value: Value::List(chunk),
        });
        match (&normalized, index) {
            (Condition::And(members), Some(i)) => {
                let mut members = members.clone();
                members[i] = part;
                Condition::And(members)
            }
            _ => part,
        }
    };

    // The rendered length is `overhead + Σ len(item) + (k - 1) * len(", ")`
    // for a chunk of k items; measure the overhead once from a one-item chunk
    // instead of re-rendering every candidate chunk.
    let item_lens = items
        .iter()
        .map(|v| {
            let mut s = String::new();
            write_value(&mut s, v, escaping).map(|()| url_encoded_len(&s))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Rendering succeeded above, so the list is not empty; stay defensive.
    let (Some(first), Some(&first_len)) = (items.first(), item_lens.first()) else {
        return Err(ConditionError::EmptyList { op: Operator::In });
    };
    let one = rebuild(vec![first.clone()]).render_with(escaping)?;
    let overhead = url_encoded_len(&one).saturating_sub(first_len);
    let sep = url_encoded_len(", ");

    let mut parts = Vec::new();
    let mut chunk: Vec<Value> = Vec::new();
    let mut chunk_len = overhead;
    for (item, &len) in items.iter().zip(&item_lens) {
        if overhead + len > budget {
            return Err(ConditionError::BudgetTooSmall {
                needed: overhead + len,
                budget,
            });
        }
        let added = if chunk.is_empty() { len } else { sep + len };
        if chunk_len + added > budget {
            parts.push(rebuild(std::mem::take(&mut chunk)));
            chunk_len = overhead + len;
        } else {
            chunk_len += added;
        }
        chunk.push(item.clone());
    }
    if !chunk.is_empty() {
        parts.push(rebuild(chunk));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::super::{field, parse};
    use super::*;

    fn ids(c: &Condition) -> Vec<Value> {
        let cmp = match c {
            Condition::Compare(cmp) => cmp,
            Condition::And(m) => m
                .iter()
                .find_map(|m| match m {
                    Condition::Compare(cmp) if cmp.op == Operator::In => Some(cmp),
                    _ => None,
                })
                .unwrap(),
            _ => panic!(),
        };
        match &cmp.value {
            Value::List(v) => v.clone(),
            _ => panic!(),
        }
    }

    #[test]
    fn fits_already() {
        let c = field("id").is_in([1, 2, 3]);
        assert_eq!(
            split_in_list(&c, DEFAULT_CONDITION_BUDGET, StringEscaping::Strict).unwrap(),
            vec![c]
        );
    }

    #[test]
    fn top_level_in_splits_into_a_cover_within_budget() {
        let names: Vec<String> = (0..500).map(|i| format!("Company ñ {i}")).collect();
        let c = field("company/name").is_in(names.clone());
        for budget in [120, 300, 2000] {
            let parts = split_in_list(&c, budget, StringEscaping::Strict).unwrap();
            let mut seen = Vec::new();
            for p in &parts {
                let text = p.render().unwrap();
                assert!(url_encoded_len(&text) <= budget, "{budget}: {text}");
                assert_eq!(&parse(&text).unwrap(), p);
                seen.extend(ids(p));
            }
            let want: Vec<Value> = names.iter().map(|n| Value::String(n.clone())).collect();
            assert_eq!(seen, want);
            // Greedy packing: no two neighbouring parts could have been merged.
            for pair in parts.windows(2) {
                let mut merged = ids(&pair[0]);
                merged.push(ids(&pair[1])[0].clone());
                let text = field("company/name").is_in(merged).render().unwrap();
                assert!(url_encoded_len(&text) > budget);
            }
        }
    }

    #[test]
    fn and_with_one_in_keeps_the_other_members() {
        let c = Condition::all([
            field("closedFlag").eq(false),
            field("id").is_in(0..400),
            field("a").eq(1).or(field("b").eq(2)),
        ]);
        let parts = split_in_list(&c, 500, StringEscaping::Strict).unwrap();
        assert!(parts.len() > 1);
        for p in &parts {
            let Condition::And(m) = p else { panic!() };
            assert_eq!(m.len(), 3);
            assert_eq!(m[0], field("closedFlag").eq(false));
            assert_eq!(m[2], field("a").eq(1).or(field("b").eq(2)));
        }
        let all: Vec<Value> = parts.iter().flat_map(ids).collect();
        assert_eq!(all, (0..400).map(Value::Integer).collect::<Vec<_>>());
    }

    #[test]
    fn refuses_shapes_that_are_not_unions() {
        let long: Vec<i64> = (0..1000).collect();
        let cases = [
            field("id").not_in(long.clone()),
            field("x").eq(1).or(field("id").is_in(long.clone())),
            !field("id").is_in(long.clone()),
            field("id")
                .is_in(long.clone())
                .and(field("c").is_in(long.clone())),
            field("a").eq(1).and(field("id").not_in(long.clone())),
        ];
        for c in cases {
            assert!(
                matches!(
                    split_in_list(&c, 200, StringEscaping::Strict),
                    Err(ConditionError::CannotSplit { .. })
                ),
                "{c:?}"
            );
        }
    }

    #[test]
    fn budget_too_small() {
        let c = field("company/name").is_in(["a very long company name", "b"]);
        assert!(matches!(
            split_in_list(&c, 30, StringEscaping::Strict),
            Err(ConditionError::BudgetTooSmall { budget: 30, .. })
        ));
    }
}
