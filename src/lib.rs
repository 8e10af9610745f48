//! psa-clients
