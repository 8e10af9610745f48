//! psa-emulator (skeleton).
