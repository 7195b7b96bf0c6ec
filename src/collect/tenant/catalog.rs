//! Where a tenant's columns and keys come from: the dictionary when its layout and the user's
//! privileges allow, else information_schema, with the reason; and joining either into tables.

use std::collections::BTreeMap;

use crate::collect::CatalogChoice;
use crate::facts::{Catalog, CatalogSource, Fact, Grants, Server, Table};
use crate::i18n::Text;
use crate::text;
use dictionary::{DictionaryColumn, DictionaryTable};
use layout::Layout;
use statements::Rows;

use super::*;

/// Columns and keys as fetched, before they are joined to the tables TABLES listed.
pub(super) enum ColumnsAndKeys {
    InformationSchema {
        columns: Result<Rows, Text>,
        keys: Result<Rows, Text>,
    },
    Inner {
        columns: Result<Vec<DictionaryColumn>, Text>,
        tables: Result<Vec<DictionaryTable>, Text>,
    },
}

/// One kind of object from the kernel's dictionary unless `catalog` says otherwise; from
/// information_schema when the dictionary cannot be read and `catalog` allows it, saying why.
pub(super) async fn dictionary_or_information_schema<T, D, I>(
    endpoint: &Text,
    catalog: CatalogChoice,
    from_dictionary: D,
    from_information_schema: impl FnOnce() -> I,
) -> (Fact<T>, Catalog)
where
    D: std::future::Future<Output = Result<T, Text>>,
    I: std::future::Future<Output = Fact<T>>,
{
    if catalog == CatalogChoice::InformationSchema {
        return (
            from_information_schema().await,
            CatalogSource::InformationSchema.into(),
        );
    }
    match from_dictionary.await {
        Ok(found) => (Fact::Observed(found), CatalogSource::InnerTables.into()),
        Err(reason) if catalog == CatalogChoice::InnerTables => (
            Fact::unavailable(naming(endpoint, reason)),
            CatalogSource::InnerTables.into(),
        ),
        Err(reason) => (
            from_information_schema().await,
            Catalog {
                source: CatalogSource::InformationSchema,
                fallback_reason: Some(naming(endpoint, reason)),
            },
        ),
    }
}

/// The dictionary layout of a kernel, or why its dictionary is not read.
pub(super) type Dictionary = Result<&'static Layout, Text>;

/// The dictionary layout of the kernel `server` describes, or why it is not known.
pub(super) fn layout_of(server: &Fact<Server>) -> Dictionary {
    match server {
        Fact::Observed(server) => Layout::of(server),
        Fact::Unavailable { reason } => Err(text!(
            "the kernel's version is unknown: {reason}",
            "内核版本未知：{reason}";
            reason = reason
        )),
    }
}

/// `grants`, with what the granted roles give read from the dictionary when `SHOW GRANTS`
/// names any: one more statement, only then.
pub(super) async fn with_role_privileges(
    fetcher: &Fetcher<'_>,
    grants: Fact<Grants>,
    layout: &Dictionary,
) -> Fact<Grants> {
    let Fact::Observed(mut grants) = grants else {
        return grants;
    };
    if grants.roles.is_empty() {
        return Fact::Observed(grants);
    }
    let read = async {
        let layout = layout.as_ref().map_err(Text::clone)?;
        let rows = fetcher
            .dictionary(layout, roles::statement(layout)?)
            .await?;
        roles::role_privileges(&rows).map_err(Text::from)
    };
    grants.role_privileges = Some(match read.await {
        Ok(privileges) => Fact::Observed(privileges),
        Err(reason) => Fact::unavailable(naming(fetcher.endpoint, reason)),
    });
    Fact::Observed(grants)
}

/// Every in-scope table that exists, as the inner tables name them whatever the user's
/// privileges; `None` when they were not read or the kernel's layout is not known.
pub(super) fn existing_tables(
    fetched: &ColumnsAndKeys,
    layout: &Dictionary,
) -> Option<Vec<(String, String)>> {
    match fetched {
        ColumnsAndKeys::Inner {
            tables: Ok(tables), ..
        } if layout.is_ok() => Some(dictionary::user_tables(tables)),
        _ => None,
    }
}

/// Columns and keys: the inner tables first unless told otherwise, when the kernel's layout
/// has what they read; information_schema at once when asked for it.
pub(super) async fn fetch_columns_and_keys(
    fetcher: &Fetcher<'_>,
    catalog: CatalogChoice,
    layout: &Dictionary,
) -> ColumnsAndKeys {
    match (catalog, layout) {
        (CatalogChoice::InformationSchema, _) => {
            let (columns, keys) = fetch_information_schema(fetcher).await;
            ColumnsAndKeys::InformationSchema { columns, keys }
        }
        (CatalogChoice::Auto | CatalogChoice::InnerTables, Err(reason)) => ColumnsAndKeys::Inner {
            columns: Err(reason.clone()),
            tables: Err(reason.clone()),
        },
        (CatalogChoice::Auto | CatalogChoice::InnerTables, Ok(layout)) => {
            let (columns, tables) = tokio::join!(
                fetcher.dictionary_scoped_map(
                    layout,
                    dictionary::COLUMNS,
                    dictionary::dictionary_column
                ),
                fetcher.dictionary_scoped_map(
                    layout,
                    dictionary::TABLES,
                    dictionary::dictionary_table
                ),
            );
            ColumnsAndKeys::Inner { columns, tables }
        }
    }
}

/// The COLUMNS and STATISTICS rows of the in-scope databases, side by side.
pub(super) async fn fetch_information_schema(
    fetcher: &Fetcher<'_>,
) -> (Result<Rows, Text>, Result<Rows, Text>) {
    tokio::join!(
        fetcher.scoped(queries::COLUMNS),
        fetcher.scoped(queries::KEYS)
    )
}

pub(super) type Tables = BTreeMap<String, BTreeMap<String, Table>>;

/// The tables TABLES `listed` with their columns and keys, and where those were read: as
/// fetched, or from information_schema after all when [`decide`] says so.
pub(super) async fn with_columns_and_keys(
    fetcher: &Fetcher<'_>,
    listed: &Rows,
    fetched: ColumnsAndKeys,
    layout: &Dictionary,
    catalog: CatalogChoice,
) -> (Fact<Tables>, Catalog) {
    let (columns, inner_tables) = match fetched {
        ColumnsAndKeys::InformationSchema { columns, keys } => {
            return (
                join_information_schema(listed, columns, keys),
                CatalogSource::InformationSchema.into(),
            );
        }
        ColumnsAndKeys::Inner { columns, tables } => (columns, tables),
    };
    let joined = join_dictionary(listed, columns, inner_tables, layout)
        .map_err(|reason| naming(fetcher.endpoint, reason));
    match decide(joined, catalog) {
        Decision::Inner(tables) => (tables, CatalogSource::InnerTables.into()),
        Decision::FallBack { reason } => {
            let (columns, keys) = fetch_information_schema(fetcher).await;
            (
                join_information_schema(listed, columns, keys),
                Catalog {
                    source: CatalogSource::InformationSchema,
                    fallback_reason: Some(reason),
                },
            )
        }
    }
}

/// What becomes of the inner tables' columns and keys.
#[derive(Debug)]
pub(super) enum Decision {
    /// Kept: the tables, or why they are unavailable.
    Inner(Fact<Tables>),
    /// Read information_schema instead; `reason` is why the inner tables could not be used.
    FallBack { reason: Text },
}

/// The fallback rule: the inner tables when they could be used; otherwise information_schema,
/// unless the inner tables were asked for alone, when their failure is the answer.
pub(super) fn decide(joined: Result<Tables, Text>, catalog: CatalogChoice) -> Decision {
    match joined {
        Ok(tables) => Decision::Inner(Fact::Observed(tables)),
        Err(reason) if catalog == CatalogChoice::InnerTables => {
            Decision::Inner(Fact::unavailable(reason))
        }
        Err(reason) => Decision::FallBack { reason },
    }
}

/// The tables TABLES listed, with columns and keys from `information_schema`.
pub(super) fn join_information_schema(
    listed: &Rows,
    columns: Result<Rows, Text>,
    keys: Result<Rows, Text>,
) -> Fact<Tables> {
    match (columns, keys) {
        (Ok(columns), Ok(keys)) => observed(queries::tables(listed, &columns, &keys)),
        (columns, keys) => Fact::unavailable(Text::join(
            &[columns.err(), keys.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>(),
            "; ",
            "；",
        )),
    }
}

/// The tables TABLES listed, with columns and keys from the inner tables; an error is why they
/// could not be used.
pub(super) fn join_dictionary(
    listed: &Rows,
    columns: Result<Vec<DictionaryColumn>, Text>,
    inner_tables: Result<Vec<DictionaryTable>, Text>,
    layout: &Dictionary,
) -> Result<Tables, Text> {
    let layout = layout.as_ref().map_err(Text::clone)?;
    let (columns, inner_tables) = (columns?, inner_tables?);
    let mut filled = queries::tables(listed, &Rows::new(), &Rows::new())?;
    dictionary::fill_tables(&mut filled, inner_tables, columns, layout)?;
    Ok(filled)
}
