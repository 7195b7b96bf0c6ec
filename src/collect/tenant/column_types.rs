//! How the dictionary spells a column: its type from the layout's numbering (with the
//! length, precision, charset and values the type needs), and its default, decoded by the
//! column's character set.

use crate::i18n::Text;
use crate::text;

use super::layout::{Charset, DataType, Layout};
use crate::facts::ColumnDefault;

/// One row of [`COLUMNS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryColumn {
    pub table_id: i64,
    pub column_id: i64,
    pub name: String,
    pub hidden: bool,
    pub prev_column_id: i64,
    pub rowkey_position: i64,
    pub index_position: i64,
    pub data_type: i64,
    pub length: i64,
    pub precision: i64,
    pub scale: i64,
    pub zero_fill: bool,
    pub nullable: bool,
    pub collation: i64,
    pub auto_increment: bool,
    pub flags: i64,
    /// `extended_type_info`: the values of an enum or a set, serialised.
    pub extended_type_info: Option<Vec<u8>>,
    pub srs_id: i64,
    /// `cur_default_value_v2`: the default as text, an enum's position, a set's or a bit's
    /// number; a generated column's expression. NULL without a default.
    pub default: Option<Vec<u8>>,
    pub on_update_current_timestamp: bool,
}

/// `collation_type` of the binary collation: `varbinary`, `blob` instead of `varchar`, `text`.
pub(super) const BINARY_COLLATION: i64 = 63;

pub(super) const UNKNOWN_TYPE_FLAG: i64 = 1 << 29;

/// What `code` in `__all_column.data_type` stands for on `layout`: types 1–33 are numbered
/// alike in every layout; the others as the layout lists them.
pub(super) fn kind(layout: &Layout, code: i64) -> Option<Kind> {
    use Kind::*;
    let common = match code {
        1 => Some(Int("tinyint", false)),
        2 => Some(Int("smallint", false)),
        3 => Some(Int("mediumint", false)),
        4 => Some(Int("int", false)),
        5 => Some(Int("bigint", false)),
        6 => Some(Int("tinyint", true)),
        7 => Some(Int("smallint", true)),
        8 => Some(Int("mediumint", true)),
        9 => Some(Int("int", true)),
        10 => Some(Int("bigint", true)),
        11 => Some(Real("float", false)),
        12 => Some(Real("double", false)),
        13 => Some(Real("float", true)),
        14 => Some(Real("double", true)),
        15 => Some(Decimal(false)),
        16 => Some(Decimal(true)),
        17 => Some(Temporal("datetime")),
        18 => Some(Temporal("timestamp")),
        19 => Some(Date),
        20 => Some(Temporal("time")),
        21 => Some(Year),
        22 => Some(Text("varchar", "varbinary", true)),
        23 => Some(Text("char", "binary", true)),
        27 => Some(Text("tinytext", "tinyblob", false)),
        28 => Some(Text("text", "blob", false)),
        29 => Some(Text("mediumtext", "mediumblob", false)),
        30 => Some(Text("longtext", "longblob", false)),
        31 => Some(Bit),
        32 => Some(Values("enum")),
        33 => Some(Values("set")),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    layout.data_type(code).map(|data_type| match data_type {
        DataType::Json => Json,
        DataType::Geometry => Geometry,
        DataType::DecimalInt => Decimal(false),
        DataType::MysqlDate => Date,
        DataType::MysqlDatetime => Temporal("datetime"),
    })
}

/// What a type number stands for, as far as printing its `COLUMN_TYPE` goes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    /// Name, unsigned.
    Int(&'static str, bool),
    Real(&'static str, bool),
    /// Unsigned.
    Decimal(bool),
    /// `datetime`, `timestamp`, `time`, with fractional seconds in the scale.
    Temporal(&'static str),
    Date,
    Year,
    /// Name, name with the binary collation, whether the length is printed.
    Text(&'static str, &'static str, bool),
    Bit,
    Values(&'static str),
    Json,
    Geometry,
}

/// `information_schema.COLUMNS.COLUMN_TYPE` of `column`, or why it cannot be printed here.
pub fn column_type(column: &DictionaryColumn, layout: &Layout) -> Result<String, Text> {
    let name = &column.name;
    let unknown = |what: Text| text!("column {name}: {what}", "列 {name}：{what}"; what = what);
    if column.flags & UNKNOWN_TYPE_FLAG != 0 {
        return Err(unknown(text!(
            "carries a type flag this tool does not print",
            "带有本工具无法打印的类型标志"
        )));
    }
    let kind = kind(layout, column.data_type).ok_or_else(|| {
        unknown(text!(
            "unknown type number {}",
            "未知的类型编号 {}",
            column.data_type
        ))
    })?;
    let suffix = |unsigned: bool| {
        let mut text = String::new();
        if unsigned {
            text.push_str(" unsigned");
        }
        if column.zero_fill {
            text.push_str(" zerofill");
        }
        text
    };
    let (p, s) = (column.precision, column.scale);
    Ok(match kind {
        Kind::Int(name, unsigned) => {
            if p < 0 {
                return Err(unknown(text!(
                    "integer without a display width",
                    "整数类型没有显示宽度"
                )));
            }
            format!("{name}({p}){}", suffix(unsigned))
        }
        Kind::Real(name, unsigned) => {
            if p >= 0 && s >= 0 {
                format!("{name}({p},{s}){}", suffix(unsigned))
            } else {
                format!("{name}{}", suffix(unsigned))
            }
        }
        Kind::Decimal(unsigned) => {
            if p < 0 || s < 0 {
                return Err(unknown(text!(
                    "decimal without precision and scale",
                    "decimal 类型没有精度和标度"
                )));
            }
            format!("decimal({p},{s}){}", suffix(unsigned))
        }
        Kind::Temporal(name) if s > 0 => format!("{name}({s})"),
        Kind::Temporal(name) => name.to_string(),
        Kind::Date => "date".to_string(),
        Kind::Year => {
            if p < 0 {
                return Err(unknown(text!(
                    "year without a display width",
                    "year 类型没有显示宽度"
                )));
            }
            format!("year({p})")
        }
        Kind::Text(text, binary, with_length) => {
            let name = if column.collation == BINARY_COLLATION {
                binary
            } else {
                text
            };
            if with_length {
                format!("{name}({})", column.length)
            } else {
                name.to_string()
            }
        }
        Kind::Bit => format!("bit({p})"),
        Kind::Values(name) => {
            let values = column_values(column, layout).map_err(unknown)?;
            // The kernel prints the values as stored, quotes inside them included.
            format!("{name}('{}')", values.join("','"))
        }
        Kind::Json => "json".to_string(),
        Kind::Geometry => match column.srs_id & 0x1f {
            0 => "geometry",
            1 => "point",
            2 => "linestring",
            3 => "polygon",
            4 => "multipoint",
            5 => "multilinestring",
            6 => "multipolygon",
            7 => "geomcollection",
            _ => {
                return Err(unknown(text!(
                    "unknown geometry subtype",
                    "未知的 geometry 子类型"
                )));
            }
        }
        .to_string(),
    })
}

/// The values of an enum or set from `extended_type_info`: a count, then per value its length,
/// its bytes and a NUL, the numbers as LEB128 varints (OceanBase's serialisation of a string
/// array). The values are bytes in the column's character set.
pub(super) fn enum_values(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut at = 0;
    let varint = |at: &mut usize| -> Option<usize> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = *bytes.get(*at)?;
            *at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return usize::try_from(value).ok();
            }
        }
        None
    };
    let count = varint(&mut at)?;
    let mut values = Vec::with_capacity(count.min(bytes.len()));
    for _ in 0..count {
        let length = varint(&mut at)?;
        let value = bytes.get(at..at.checked_add(length)?)?;
        if bytes.get(at + length) != Some(&0) {
            return None;
        }
        values.push(value);
        at += length + 1;
    }
    (at == bytes.len()).then_some(values)
}

/// The values of `column`, an enum or a set, as text.
pub(super) fn column_values(
    column: &DictionaryColumn,
    layout: &Layout,
) -> Result<Vec<String>, Text> {
    column
        .extended_type_info
        .as_deref()
        .and_then(enum_values)
        .ok_or_else(|| {
            text!(
                "enum or set values that cannot be read",
                "无法读取的 enum 或 set 取值"
            )
        })?
        .into_iter()
        .map(|value| decoded(value, column, layout))
        .collect()
}

/// `bytes` — a default or an enum's value, which the kernel keeps in the column's character
/// set — as text. utf8mb4 and binary read as the information_schema path reads the same bytes
/// (UTF-8, an invalid sequence replaced); latin1 (cp1252, as `ob_ctype_latin1_os.cc` maps it),
/// utf16 and utf16le decoded; ASCII text in any ASCII-based set as it is. Anything else is
/// refused rather than shown wrong.
pub(super) fn decoded(
    bytes: &[u8],
    column: &DictionaryColumn,
    layout: &Layout,
) -> Result<String, Text> {
    let charset = layout.charset(column.collation).ok_or_else(|| {
        let collation = column.collation;
        text!(
            "collation {collation} is not in the {layout}",
            "{layout} 中没有排序规则 {collation}";
            layout = layout.describe()
        )
    })?;
    let utf16 = |unit: fn([u8; 2]) -> u16| {
        let name = charset.name();
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|pair| <[u8; 2]>::try_from(pair).map(unit))
            .collect::<Result<_, _>>()
            .map_err(|_| text!("an odd number of bytes in {name}", "奇数个 {name} 字节"))?;
        String::from_utf16(&units)
            .map_err(|_| text!("bytes that are not {name}", "不是 {name} 的字节"))
    };
    match charset {
        Charset::Utf8mb4 | Charset::Binary => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Charset::Latin1 => Ok(bytes.iter().map(|&byte| cp1252(byte)).collect()),
        Charset::Utf16 => utf16(u16::from_be_bytes),
        Charset::Utf16le => utf16(u16::from_le_bytes),
        Charset::Ascii | Charset::Gbk | Charset::Gb18030 | Charset::Gb18030_2022
            if bytes.is_ascii() =>
        {
            Ok(String::from_utf8_lossy(bytes).into_owned())
        }
        Charset::Ascii | Charset::Gbk | Charset::Gb18030 | Charset::Gb18030_2022 => Err(text!(
            "text in character set {}, which this tool does not decode",
            "字符集 {} 的文本，本工具不解码",
            charset.name()
        )),
    }
}

/// A latin1 byte as OceanBase maps it to Unicode: cp1252, the five bytes cp1252 leaves
/// undefined kept as the C1 controls.
pub(super) fn cp1252(byte: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    match byte {
        0x80..=0x9F => {
            char::from_u32(u32::from(HIGH[usize::from(byte - 0x80)])).unwrap_or('\u{FFFD}')
        }
        _ => char::from(byte),
    }
}

/// `information_schema.COLUMNS.COLUMN_DEFAULT` of `column`: the kernel keeps an enum's default
/// as its position, a set's as its bit mask and a bit's as a number, and prints them as the
/// value(s) and `b'101'`.
pub(super) fn column_default(
    column: &DictionaryColumn,
    layout: &Layout,
) -> Result<ColumnDefault, Text> {
    let Some(bytes) = &column.default else {
        return Ok(ColumnDefault::None);
    };
    let (name, default) = (&column.name, String::from_utf8_lossy(bytes));
    let unknown = |what: Text| {
        text!(
            "column {name}: default {default:?} {what}",
            "列 {name}：默认值 {default:?} {what}";
            what = what
        )
    };
    let number = || {
        std::str::from_utf8(bytes)
            .ok()
            .and_then(|text| text.parse::<u64>().ok())
            .ok_or_else(|| unknown(text!("is not a number", "不是数字")))
    };
    Ok(ColumnDefault::Value(match kind(layout, column.data_type) {
        Some(Kind::Bit) => format!("b'{:b}'", number()?),
        Some(Kind::Values(kind)) => {
            let values = column_values(column, layout).map_err(|why| {
                unknown(text!(
                    "of a column whose values cannot be read: {why}",
                    "所属列的取值无法读取：{why}";
                    why = why
                ))
            })?;
            let chosen: Vec<&str> =
                if kind == "enum" {
                    match number()? {
                        0 => Vec::new(),
                        position => vec![values.get(position as usize - 1).ok_or_else(|| {
                            unknown(text!("is past the values", "超出了取值范围"))
                        })?],
                    }
                } else {
                    let mask = number()?;
                    values
                        .iter()
                        .enumerate()
                        .filter(|(bit, _)| *bit < 64 && mask & (1 << bit) != 0)
                        .map(|(_, value)| value.as_str())
                        .collect()
                };
            chosen.join(",")
        }
        _ => decoded(bytes, column, layout)
            .map_err(|why| unknown(text!("is {why}", "是{why}"; why = why)))?,
    }))
}
