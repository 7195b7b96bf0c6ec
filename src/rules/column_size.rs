//! How large a column's values can be, from its type as information_schema prints it
//! (`varchar(32)`, `bigint(20) unsigned`, `longtext`): what `tenant.max-allowed-packet` adds up
//! into a row and `schema.lob-size` reads for LOB columns.

use crate::facts::Table;

/// The largest LOB value OMS carries: 48 MB (`DB_TABLE_LOB_SIZE`, "LOB 字段 48M 限制检查", in the
/// precheck items of OMS's *Modify system parameters* page), taken as 48 MiB.
pub const OMS_LOB_LIMIT: u64 = 48 << 20;

/// The bytes a character can take in any character set OceanBase has (utf8mb4, gb18030,
/// utf16): a column's own character set is not collected, so every character counts this much.
const BYTES_PER_CHARACTER: u64 = 4;

/// A column's largest value in bytes, as far as its type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// At most this many bytes.
    Bounded(u64),
    /// A LOB that can hold more than OMS carries ([`OMS_LOB_LIMIT`]): LONGTEXT, LONGBLOB, JSON
    /// and the spatial types.
    Lob,
}

impl Size {
    /// The bytes a value can take on its way through OMS: a LOB at most [`OMS_LOB_LIMIT`].
    pub fn through_oms(self) -> u64 {
        match self {
            Size::Bounded(bytes) => bytes,
            Size::Lob => OMS_LOB_LIMIT,
        }
    }
}

/// The size of a value of `column_type`. A type this function does not know counts as a LOB:
/// the largest value anything can take through OMS, never less than it could be.
pub fn size(column_type: &str) -> Size {
    let lower = column_type.trim().to_ascii_lowercase();
    let (name, rest) = lower
        .split_once('(')
        .map_or((lower.as_str(), ""), |(name, rest)| (name.trim(), rest));
    let name = name.split_whitespace().next().unwrap_or_default();
    // The first number inside the parentheses: a length, a precision, a width.
    let first = rest
        .split([',', ')'])
        .next()
        .and_then(|number| number.trim().parse::<u64>().ok());
    let bounded = Size::Bounded;
    match name {
        "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "bool"
        | "boolean" | "float" | "double" | "real" | "date" | "datetime" | "timestamp" | "time"
        | "year" => bounded(32),
        // Digits, a sign and a point, as the value is written.
        "decimal" | "numeric" | "dec" | "fixed" => bounded(first.unwrap_or(10) + 2),
        "bit" => bounded(first.unwrap_or(1) + 3),
        "char" | "varchar" => bounded(first.unwrap_or(1) * BYTES_PER_CHARACTER),
        "binary" | "varbinary" => bounded(first.unwrap_or(1)),
        // Any value, or set of values, is shorter than the list of them all.
        "enum" | "set" => bounded(column_type.len() as u64 * BYTES_PER_CHARACTER),
        "tinytext" | "tinyblob" => bounded(255),
        "text" | "blob" => bounded(65_535),
        "mediumtext" | "mediumblob" => bounded(16_777_215),
        // Dimensions of 4-byte floats, written as text: up to 16 characters each.
        "vector" => bounded(first.unwrap_or(1) * 16 + 2),
        _ => Size::Lob,
    }
}

/// The bytes the largest row of `table` can take through OMS: its columns' largest values
/// added up, a LOB counted at [`OMS_LOB_LIMIT`].
pub fn largest_row(table: &Table) -> u64 {
    table
        .columns
        .iter()
        .map(|column| size(&column.column_type).through_oms())
        .fold(0u64, u64::saturating_add)
}

/// The names of `table`'s LOB columns (those that can exceed OMS's limit).
pub fn lob_columns(table: &Table) -> Vec<&str> {
    table
        .columns
        .iter()
        .filter(|column| size(&column.column_type) == Size::Lob)
        .map(|column| column.name.as_str())
        .collect()
}

/// `16 MiB`, `3.5 KiB`, `512 bytes`: a size as people read it.
pub fn bytes(count: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (unit, name) in UNITS {
        if count >= unit {
            let value = count as f64 / unit as f64;
            return if count.is_multiple_of(unit) {
                format!("{} {name}", count / unit)
            } else {
                format!("{value:.1} {name}")
            };
        }
    }
    format!("{count} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_sized_by_what_they_can_hold() {
        assert_eq!(size("bigint(20) unsigned"), Size::Bounded(32));
        assert_eq!(size("varchar(32)"), Size::Bounded(128));
        assert_eq!(size("varbinary(16)"), Size::Bounded(16));
        assert_eq!(size("decimal(65,30)"), Size::Bounded(67));
        assert_eq!(size("enum('a','b')"), Size::Bounded(52));
        assert_eq!(size("MEDIUMTEXT"), Size::Bounded(16_777_215));
        for lob in [
            "longtext",
            "longblob",
            "json",
            "geometry",
            "point",
            "something_new",
        ] {
            assert_eq!(size(lob), Size::Lob, "{lob}");
        }
        assert_eq!(Size::Lob.through_oms(), 50_331_648);
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(bytes(16 << 20), "16 MiB");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(100), "100 bytes");
    }
}
