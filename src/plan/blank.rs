//! Every string of a value, rewritten: the way [`Secrets`](super::Secrets) blanks the passwords
//! it knows in facts, whatever their shape and whichever field a server's words landed in.
//!
//! The value is serialized through [`Blanking`], a serializer that hands every string (a value
//! or a map key) to the rewrite and everything else on unchanged, as JSON (what a bundle is:
//! a tree of values would take several times the memory of 10,000 tables' facts), then read
//! back. [`any_string`] runs the same walk into nothing, to learn whether a rewrite is needed
//! at all. A field added to the facts is covered without a word here; field and
//! variant names are not strings to serde (they pass through `serialize_field` and
//! `serialize_*_variant`; the tag of an internally tagged enum is told apart, see
//! [`is_variant_tag`]), so the shape read back is the shape written.

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde::ser::{
    SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple,
    SerializeTupleStruct, SerializeTupleVariant, Serializer,
};

/// How a string is rewritten: `Cow::Borrowed` when it stays as it is.
pub type Rewrite<'r> = &'r dyn Fn(&str) -> Cow<'_, str>;

/// `value` with every string in it rewritten by `rewrite`. Fails only if a type reads back a
/// string it wrote with other rules than it wrote it by (no fact type does: a test reads every
/// scenario's facts back through it).
pub fn every_string<T: Serialize + DeserializeOwned>(
    value: &T,
    rewrite: Rewrite<'_>,
) -> Result<T, serde_json::Error> {
    let mut json = Vec::new();
    value.serialize(Blanking {
        inner: &mut serde_json::Serializer::new(&mut json),
        rewrite,
    })?;
    serde_json::from_slice(&json)
}

/// Whether `test` holds for any string in `value` (a value or a map key, as
/// [`every_string`] sees them).
pub fn any_string<T: Serialize>(value: &T, test: &dyn Fn(&str) -> bool) -> bool {
    let found = std::cell::Cell::new(false);
    // Writing into nothing cannot fail but by a Serialize impl's own error; then look closer.
    let walked = value.serialize(Blanking {
        inner: &mut serde_json::Serializer::new(std::io::sink()),
        rewrite: &|text: &str| {
            if !found.get() && test(text) {
                found.set(true);
            }
            Cow::Borrowed(text)
        },
    });
    found.get() || walked.is_err()
}

/// A serializer that rewrites every string before `inner` sees it.
struct Blanking<'r, S> {
    inner: S,
    rewrite: Rewrite<'r>,
}

/// A value to serialize through [`Blanking`]: what compound serializers hand their elements.
struct Blanked<'a, 'r, T: ?Sized> {
    value: &'a T,
    rewrite: Rewrite<'r>,
}

impl<T: ?Sized + Serialize> Serialize for Blanked<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Blanking {
            inner: serializer,
            rewrite: self.rewrite,
        })
    }
}

/// A compound serializer of `inner` whose elements go through [`Blanking`].
struct Compound<'r, C> {
    inner: C,
    rewrite: Rewrite<'r>,
}

impl<'r, C> Compound<'r, C> {
    fn blanked<'a, T: ?Sized>(&self, value: &'a T) -> Blanked<'a, 'r, T> {
        Blanked {
            value,
            rewrite: self.rewrite,
        }
    }
}

impl<'r, S: Serializer> Blanking<'r, S> {
    fn blanked<'a, T: ?Sized>(&self, value: &'a T) -> Blanked<'a, 'r, T> {
        Blanked {
            value,
            rewrite: self.rewrite,
        }
    }
}

/// Passes each listed scalar method on to `inner` unchanged.
macro_rules! unchanged {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(fn $method(self, value: $type) -> Result<S::Ok, S::Error> {
            self.inner.$method(value)
        })*
    };
}

impl<'r, S: Serializer> Serializer for Blanking<'r, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<'r, S::SerializeSeq>;
    type SerializeTuple = Compound<'r, S::SerializeTuple>;
    type SerializeTupleStruct = Compound<'r, S::SerializeTupleStruct>;
    type SerializeTupleVariant = Compound<'r, S::SerializeTupleVariant>;
    type SerializeMap = Compound<'r, S::SerializeMap>;
    type SerializeStruct = Compound<'r, S::SerializeStruct>;
    type SerializeStructVariant = Compound<'r, S::SerializeStructVariant>;

    unchanged!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
    );

    fn serialize_str(self, value: &str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_str(&(self.rewrite)(value))
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<S::Ok, S::Error> {
        let value = self.blanked(value);
        self.inner.serialize_some(&value)
    }

    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_struct(name)
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let value = self.blanked(value);
        self.inner.serialize_newtype_struct(name, &value)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let value = self.blanked(value);
        self.inner
            .serialize_newtype_variant(name, index, variant, &value)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        let rewrite = self.rewrite;
        let inner = self.inner.serialize_seq(len)?;
        Ok(Compound { inner, rewrite })
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        let rewrite = self.rewrite;
        let inner = self.inner.serialize_tuple(len)?;
        Ok(Compound { inner, rewrite })
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        let rewrite = self.rewrite;
        let inner = self.inner.serialize_tuple_struct(name, len)?;
        Ok(Compound { inner, rewrite })
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        let rewrite = self.rewrite;
        let inner = self
            .inner
            .serialize_tuple_variant(name, index, variant, len)?;
        Ok(Compound { inner, rewrite })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        let rewrite = self.rewrite;
        let inner = self.inner.serialize_map(len)?;
        Ok(Compound { inner, rewrite })
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let rewrite = self.rewrite;
        let inner = self.inner.serialize_struct(name, len)?;
        Ok(Compound { inner, rewrite })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        let rewrite = self.rewrite;
        let inner = self
            .inner
            .serialize_struct_variant(name, index, variant, len)?;
        Ok(Compound { inner, rewrite })
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

impl<C: SerializeSeq> SerializeSeq for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), C::Error> {
        let value = self.blanked(value);
        self.inner.serialize_element(&value)
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: SerializeTuple> SerializeTuple for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), C::Error> {
        let value = self.blanked(value);
        self.inner.serialize_element(&value)
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: SerializeTupleStruct> SerializeTupleStruct for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), C::Error> {
        let value = self.blanked(value);
        self.inner.serialize_field(&value)
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: SerializeTupleVariant> SerializeTupleVariant for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), C::Error> {
        let value = self.blanked(value);
        self.inner.serialize_field(&value)
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: SerializeMap> SerializeMap for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), C::Error> {
        let key = self.blanked(key);
        self.inner.serialize_key(&key)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), C::Error> {
        let value = self.blanked(value);
        self.inner.serialize_value(&value)
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

/// Whether a struct field's value is the tag of an internally tagged enum (`#[serde(tag =
/// "level")]`, as `GrantLevel` is): serde's derive writes it as a field whose value is the
/// variant's name, a bare `str`, where a `String` field's value is a `String`. A name of the
/// program is no server's words, and rewritten it would not read back.
fn is_variant_tag<T: ?Sized>() -> bool {
    std::any::type_name::<T>() == "str"
}

impl<C: SerializeStruct> SerializeStruct for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), C::Error> {
        if is_variant_tag::<T>() {
            return self.inner.serialize_field(key, value);
        }
        let value = self.blanked(value);
        self.inner.serialize_field(key, &value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
        self.inner.skip_field(key)
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

impl<C: SerializeStructVariant> SerializeStructVariant for Compound<'_, C> {
    type Ok = C::Ok;
    type Error = C::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), C::Error> {
        let value = self.blanked(value);
        self.inner.serialize_field(key, &value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), C::Error> {
        self.inner.skip_field(key)
    }

    fn end(self) -> Result<C::Ok, C::Error> {
        self.inner.end()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        /// A variant whose name holds the word blanked: names are not strings.
        Secret,
        Note(String),
        Reason {
            reason: String,
        },
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case", tag = "level")]
    enum Tagged {
        /// Its tag holds the word blanked, and reads back.
        Secret {
            name: String,
        },
        Other,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        secret: String,
        kinds: Vec<Kind>,
        tagged: Vec<Tagged>,
        by_name: BTreeMap<String, Option<(u8, String)>>,
        number: u64,
    }

    fn unchanged(text: &str) -> Cow<'_, str> {
        Cow::Borrowed(text)
    }

    fn every_e(text: &str) -> Cow<'_, str> {
        Cow::Owned(text.replace('e', "<x>"))
    }

    #[test]
    fn every_string_value_and_key_is_rewritten_and_nothing_else() {
        let sample = Sample {
            secret: "a secret here".into(),
            kinds: vec![
                Kind::Secret,
                Kind::Note("secret".into()),
                Kind::Reason {
                    reason: "no secret".into(),
                },
            ],
            tagged: vec![
                Tagged::Secret {
                    name: "secret".into(),
                },
                Tagged::Other,
            ],
            by_name: BTreeMap::from([("secret_db".into(), Some((7, "secret!".into())))]),
            number: 42,
        };
        fn rewrite(text: &str) -> Cow<'_, str> {
            match text.contains("secret") {
                true => Cow::Owned(text.replace("secret", "<x>")),
                false => Cow::Borrowed(text),
            }
        }
        let blanked = every_string(&sample, &rewrite).unwrap();
        assert_eq!(
            blanked,
            Sample {
                secret: "a <x> here".into(),
                kinds: vec![
                    Kind::Secret,
                    Kind::Note("<x>".into()),
                    Kind::Reason {
                        reason: "no <x>".into()
                    },
                ],
                tagged: vec![Tagged::Secret { name: "<x>".into() }, Tagged::Other],
                by_name: BTreeMap::from([("<x>_db".into(), Some((7, "<x>!".into())))]),
                number: 42,
            }
        );
        let kept = every_string(&sample, &unchanged).unwrap();
        assert_eq!(kept, sample);
    }

    /// The facts of every recorded scenario read back through it: unchanged when no string
    /// changes, and whole when every string does (every `e` blanked, field names and variant
    /// names holding plenty): no fact type reads a string back by rules a rewrite could break.
    #[test]
    fn the_facts_of_every_scenario_read_back() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/scenarios");
        let mut read = 0;
        for entry in std::fs::read_dir(root).unwrap() {
            let path = entry.unwrap().path().join("bundle.json");
            let Ok(bundle) = crate::collect::bundle::Bundle::read(&path) else {
                continue;
            };
            let facts = bundle.facts;
            let unchanged = every_string(&facts, &unchanged).unwrap();
            assert!(unchanged == facts, "{}", path.display());
            let rewritten = every_string(&facts, &every_e)
                .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
            let json = serde_json::to_string(&rewritten).unwrap();
            assert!(json.contains("<x>"), "{}", path.display());
            assert!(json.contains("\"observed\""), "names are kept");
            read += 1;
        }
        assert!(read >= 40, "{read} bundles");
    }
}
