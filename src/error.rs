//! Typed errors of the library.
//!
//! Parse errors name the layer, the byte offset where it starts, and the needed and
//! actual lengths or the bad value; field errors name the field and what was expected.

use std::fmt;

/// Why bytes could not be dissected as a layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The layer needs more bytes than there are.
    Truncated {
        /// Layer name (scapy's).
        layer: &'static str,
        /// Offset of the layer in the packet.
        offset: usize,
        /// Bytes the layer needs.
        needed: usize,
        /// Bytes available.
        actual: usize,
    },
    /// A field holds a value that makes the layer impossible to decode.
    BadValue {
        /// Layer name.
        layer: &'static str,
        /// Offset of the layer in the packet.
        offset: usize,
        /// The field.
        field: &'static str,
        /// The offending value.
        value: u64,
        /// Why it is wrong.
        reason: &'static str,
    },
    /// A structural problem that is not a simple length or value (DNS pointer loops...).
    Malformed {
        /// Layer name.
        layer: &'static str,
        /// Offset of the layer in the packet.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
}

impl ParseError {
    /// The layer the error belongs to.
    pub fn layer(&self) -> &'static str {
        match self {
            ParseError::Truncated { layer, .. }
            | ParseError::BadValue { layer, .. }
            | ParseError::Malformed { layer, .. } => layer,
        }
    }

    /// The offset of the layer in the packet.
    pub fn offset(&self) -> usize {
        match self {
            ParseError::Truncated { offset, .. }
            | ParseError::BadValue { offset, .. }
            | ParseError::Malformed { offset, .. } => *offset,
        }
    }

    /// Returns the same error with `base` added to its offset (errors are raised relative to
    /// the layer's slice and placed in the packet by the dissector).
    pub fn shifted(mut self, base: usize) -> Self {
        match &mut self {
            ParseError::Truncated { offset, .. }
            | ParseError::BadValue { offset, .. }
            | ParseError::Malformed { offset, .. } => *offset += base,
        }
        self
    }

    /// True when the error is a lack of bytes.
    pub fn is_truncated(&self) -> bool {
        matches!(self, ParseError::Truncated { .. })
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Truncated {
                layer,
                offset,
                needed,
                actual,
            } => write!(
                f,
                "{layer} at offset {offset} truncated: needs {needed} bytes, has {actual}"
            ),
            ParseError::BadValue {
                layer,
                offset,
                field,
                value,
                reason,
            } => write!(
                f,
                "{layer} at offset {offset}: bad {field} {value}: {reason}"
            ),
            ParseError::Malformed {
                layer,
                offset,
                reason,
            } => write!(f, "{layer} at offset {offset} malformed: {reason}"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Shorthand to build a [`ParseError::Truncated`] at offset 0 of a layer.
pub fn truncated(layer: &'static str, needed: usize, actual: usize) -> ParseError {
    ParseError::Truncated {
        layer,
        offset: 0,
        needed,
        actual,
    }
}

/// Why a field could not be set or read by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    /// The layer has no field of that name.
    UnknownField {
        /// Layer name.
        layer: &'static str,
        /// The name asked for.
        field: String,
        /// The layer's field names.
        known: Vec<&'static str>,
    },
    /// The value has the wrong type or cannot be parsed.
    BadValue {
        /// Field name.
        field: &'static str,
        /// What the field takes.
        expected: String,
        /// What was given.
        got: String,
    },
    /// The value does not fit the field.
    OutOfRange {
        /// Field name.
        field: &'static str,
        /// Largest value allowed.
        max: u64,
        /// What was given.
        got: String,
    },
    /// The packet has no layer of that name.
    NoSuchLayer(String),
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldError::UnknownField {
                layer,
                field,
                known,
            } => write!(
                f,
                "{layer} has no field {field:?}; its fields are: {}",
                known.join(", ")
            ),
            FieldError::BadValue {
                field,
                expected,
                got,
            } => write!(f, "{field} takes {expected}, got {got}"),
            FieldError::OutOfRange { field, max, got } => {
                write!(f, "{field} takes 0..={max}, got {got}")
            }
            FieldError::NoSuchLayer(l) => write!(f, "the packet has no {l} layer"),
        }
    }
}

impl std::error::Error for FieldError {}

/// Why a packet could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// A field was given a value that could not be converted (deferred from a builder method).
    Field {
        /// Layer name.
        layer: &'static str,
        /// The error.
        error: FieldError,
    },
    /// A value does not fit on the wire (a DNS label over 63 bytes, an option too long...).
    Invalid {
        /// Layer name.
        layer: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Field { layer, error } => write!(f, "{layer}: {error}"),
            BuildError::Invalid { layer, reason } => write!(f, "{layer}: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {}
