//! Swagger 2.0 → OpenAPI 3.0 conversion (placeholder until the converter lands).

/// Why a Swagger 2.0 document could not be converted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// Not implemented yet.
    #[error("Swagger 2.0 conversion is not available: {0}")]
    Unsupported(String),
}

/// True when the document declares `"swagger": "2.0"`.
pub fn is_swagger2(doc: &serde_json::Value) -> bool {
    doc.get("swagger").and_then(serde_json::Value::as_str) == Some("2.0")
}

/// Converts a Swagger 2.0 document into OpenAPI 3.0.
pub fn convert(_doc: &serde_json::Value) -> Result<serde_json::Value, ConvertError> {
    Err(ConvertError::Unsupported("pending".into()))
}
