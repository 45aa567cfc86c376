//! `Raw` payload bytes and `Padding` (bytes past a length field, Ethernet minimum padding).
//!
//! Padding is not counted in any length or checksum when building: it is appended after
//! everything else, as scapy does.

use crate::define_layer;
use crate::error::BuildError;
use crate::layers::Proto;
use crate::packet::BuildCx;
use crate::value::FieldKind;

define_layer! {
    /// Payload bytes no layer claims.
    pub struct Raw("Raw") {
        load: Vec<u8> = Vec::new(), FieldKind::Bytes, "b''", "Payload bytes";
    }
}

define_layer! {
    /// Trailing bytes past the end announced by a length field.
    pub struct Padding("Padding") {
        load: Vec<u8> = Vec::new(), FieldKind::Bytes, "b''", "Padding bytes";
    }
}

impl Raw {
    /// A `Raw` layer holding `b`.
    pub fn from_bytes(b: &[u8]) -> Raw {
        Raw {
            load: b.to_vec(),
            ..Default::default()
        }
    }
}

impl Padding {
    /// A `Padding` layer holding `b`.
    pub fn from_bytes(b: &[u8]) -> Padding {
        Padding {
            load: b.to_vec(),
            ..Default::default()
        }
    }
}

impl Proto for Raw {
    fn long_name(&self) -> &'static str {
        "Raw"
    }
    fn build(&self, _cx: &BuildCx<'_>, out: &mut Vec<u8>) -> Result<(), BuildError> {
        out.extend_from_slice(&self.load);
        Ok(())
    }
}

impl Proto for Padding {
    fn long_name(&self) -> &'static str {
        "Padding"
    }
    /// Padding is appended by the packet after all layers, not here.
    fn build(&self, _cx: &BuildCx<'_>, _out: &mut Vec<u8>) -> Result<(), BuildError> {
        Ok(())
    }
}
