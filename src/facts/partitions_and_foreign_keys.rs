//! Schema objects beyond columns and keys that OMS does not carry the same way on both sides:
//! partitioning and foreign keys of the in-scope tables.

use serde::{Deserialize, Serialize};

/// How one table is partitioned, as `information_schema.PARTITIONS` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partitioning {
    /// `RANGE`, `RANGE COLUMNS`, `LIST`, `LIST COLUMNS`, `HASH`, `KEY`.
    pub method: String,
    /// The partitioning expression or column list (`d`, `id`); empty for `KEY()`.
    pub expression: String,
    /// The subpartitioning method and expression of a two-level table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subpartitioning: Option<(String, String)>,
    /// The first-level partitions, in order.
    pub partitions: Vec<Partition>,
}

impl Partitioning {
    /// Whether partitions are added and dropped by hand (RANGE and LIST): maintenance that
    /// OMS's DDL sync does not carry.
    pub fn is_maintained(&self) -> bool {
        let method = self.method.to_ascii_uppercase();
        method.starts_with("RANGE") || method.starts_with("LIST")
    }

    /// `RANGE COLUMNS(d)`, with `SUBPARTITION BY HASH(id)` when it has one.
    pub fn describe(&self) -> String {
        let mut text = format!("{}({})", self.method, self.expression);
        if let Some((method, expression)) = &self.subpartitioning {
            text.push_str(&format!(" SUBPARTITION BY {method}({expression})"));
        }
        text
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    pub name: String,
    /// `VALUES LESS THAN` of a RANGE partition, `VALUES IN` of a LIST one, as the kernel
    /// prints them (`'2025-01-01'`, `MAXVALUE`, `1,2`); none for HASH and KEY.
    pub bound: Option<String>,
}

/// A foreign key of an in-scope table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub database: String,
    pub table: String,
    pub name: String,
    /// In key order.
    pub columns: Vec<String>,
    pub referenced_database: String,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    /// `RESTRICT`, `CASCADE`, `SET NULL`, `NO ACTION`, `SET DEFAULT`.
    pub on_update: String,
    pub on_delete: String,
}

impl ForeignKey {
    /// The referential actions that change rows of this table when its parent changes.
    pub fn cascading(&self) -> Vec<String> {
        [("UPDATE", &self.on_update), ("DELETE", &self.on_delete)]
            .into_iter()
            .filter(|(_, action)| {
                let action = action.to_ascii_uppercase();
                action == "CASCADE" || action.starts_with("SET ")
            })
            .map(|(event, action)| format!("ON {event} {action}"))
            .collect()
    }

    /// `(pid) REFERENCES app.orders (id)`.
    pub fn describe(&self) -> String {
        format!(
            "({}) REFERENCES {}.{} ({})",
            self.columns.join(", "),
            self.referenced_database,
            self.referenced_table,
            self.referenced_columns.join(", ")
        )
    }
}
