//! `securityDefinitions` → `components.securitySchemes`.

use serde_json::{Map, Value};

use super::json::{is_extension, join, object, required_str, unknown_key};
use super::ConvertError;

/// Converts every Security Scheme Object of `securityDefinitions`.
pub(super) fn convert_all(definitions: &Value, pointer: &str) -> Result<Value, ConvertError> {
    let mut out = Map::new();
    for (name, scheme) in object(definitions, pointer)? {
        out.insert(name.clone(), convert(scheme, &join(pointer, name))?);
    }
    Ok(Value::Object(out))
}

fn convert(scheme: &Value, pointer: &str) -> Result<Value, ConvertError> {
    let source = object(scheme, pointer)?;
    let kind = required_str(source, "type", pointer)?;
    let mut out = Map::new();
    // Members every kind carries over unchanged; the per-kind match handles the rest.
    let copy = |key: &String, value: &Value, out: &mut Map<String, Value>| {
        if key == "description" || is_extension(key) {
            out.insert(key.clone(), value.clone());
            Ok(())
        } else {
            Err(unknown_key(pointer, key))
        }
    };
    match kind {
        "basic" => {
            for (key, value) in source {
                if key == "type" {
                    out.insert("type".into(), Value::String("http".into()));
                    out.insert("scheme".into(), Value::String("basic".into()));
                } else {
                    copy(key, value, &mut out)?;
                }
            }
        }
        "apiKey" => {
            required_str(source, "name", pointer)?;
            let location = required_str(source, "in", pointer)?;
            if !matches!(location, "query" | "header") {
                return Err(ConvertError::Invalid {
                    pointer: join(pointer, "in"),
                    reason: format!("`{location}` is not an API key location"),
                });
            }
            for (key, value) in source {
                if matches!(key.as_str(), "type" | "name" | "in") {
                    out.insert(key.clone(), value.clone());
                } else {
                    copy(key, value, &mut out)?;
                }
            }
        }
        "oauth2" => {
            let flows = oauth2_flows(source, pointer)?;
            let mut flows = Some(flows);
            for (key, value) in source {
                match key.as_str() {
                    "type" => {
                        out.insert(key.clone(), value.clone());
                    }
                    "flow" => {
                        if let Some(flows) = flows.take() {
                            out.insert("flows".into(), flows);
                        }
                    }
                    // Moved into the flow object.
                    "authorizationUrl" | "tokenUrl" | "scopes" => {}
                    _ => copy(key, value, &mut out)?,
                }
            }
        }
        other => {
            return Err(ConvertError::Invalid {
                pointer: join(pointer, "type"),
                reason: format!("unknown security scheme type `{other}`"),
            })
        }
    }
    Ok(Value::Object(out))
}

/// The `flows` object for a Swagger 2.0 OAuth2 scheme, which declares a single flow.
fn oauth2_flows(source: &Map<String, Value>, pointer: &str) -> Result<Value, ConvertError> {
    let flow = required_str(source, "flow", pointer)?;
    let (name, authorization_url, token_url) = match flow {
        "implicit" => ("implicit", true, false),
        "password" => ("password", false, true),
        "application" => ("clientCredentials", false, true),
        "accessCode" => ("authorizationCode", true, true),
        other => {
            return Err(ConvertError::Invalid {
                pointer: join(pointer, "flow"),
                reason: format!("unknown OAuth2 flow `{other}`"),
            })
        }
    };
    let mut flow_object = Map::new();
    // A URL that the flow does not use is left out: 3.0 has no place for it.
    if authorization_url {
        let url = required_str(source, "authorizationUrl", pointer)?;
        flow_object.insert("authorizationUrl".into(), Value::String(url.to_owned()));
    }
    if token_url {
        let url = required_str(source, "tokenUrl", pointer)?;
        flow_object.insert("tokenUrl".into(), Value::String(url.to_owned()));
    }
    // `scopes` is required in 3.0; a scheme without any declares the empty map.
    let scopes = match source.get("scopes") {
        Some(scopes) => object(scopes, &join(pointer, "scopes"))?.clone(),
        None => Map::new(),
    };
    flow_object.insert("scopes".into(), Value::Object(scopes));
    let mut flows = Map::new();
    flows.insert(name.into(), Value::Object(flow_object));
    Ok(Value::Object(flows))
}
