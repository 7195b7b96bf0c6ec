//! The areas of the catalog: their order (the registry's, the reports' and the docs'), their
//! names in every language, and what each covers — in one place.

use crate::i18n::Text;
use crate::text;

/// What a rule is about: the part of its id before the dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Conn,
    Tenant,
    Grants,
    Schema,
    Link,
    Oms,
    Plan,
}

impl Area {
    /// Every area, in catalog order.
    pub const ALL: [Area; 7] = [
        Area::Conn,
        Area::Tenant,
        Area::Grants,
        Area::Schema,
        Area::Link,
        Area::Oms,
        Area::Plan,
    ];

    /// The id, as in rule ids and `--select`: `grants`.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Conn => "conn",
            Area::Tenant => "tenant",
            Area::Grants => "grants",
            Area::Schema => "schema",
            Area::Link => "link",
            Area::Oms => "oms",
            Area::Plan => "plan",
        }
    }

    /// The area of the id `id` (`grants`, or a rule id `grants.target-write`).
    pub fn of(id: &str) -> Option<Area> {
        let area = id.split('.').next().unwrap_or(id);
        Area::ALL.into_iter().find(|known| known.as_str() == area)
    }

    /// Its name as people read it: `migration users' privileges`, `迁移用户权限`.
    pub fn name(self) -> Text {
        match self {
            Area::Conn => text!("connections", "连接"),
            Area::Tenant => text!("tenant settings", "租户设置"),
            Area::Grants => text!("migration users' privileges", "迁移用户权限"),
            Area::Schema => text!("schemas", "结构"),
            Area::Link => text!("links", "链路"),
            Area::Oms => text!("OMS projects and data sources", "OMS 项目与数据源"),
            Area::Plan => text!("the plan", "计划"),
        }
    }

    /// What the area's rules look at, for its page (`explain AREA`).
    pub fn docs(self) -> Text {
        match self {
            Area::Conn => text!(
                "Whether each tenant answers and its migration user can log in: every other rule about a tenant needs it.",
                "每个租户是否应答、其迁移用户能否登录：其他关于租户的规则都依赖于此。"
            ),
            Area::Tenant => text!(
                "The settings of the two tenants that must agree for changes to mean the same on both sides: mode, version, character sets, case, time zone, SQL mode, auto-increment, log retention, role.",
                "两个租户必须一致的设置，变更在两端才有相同的含义：模式、版本、字符集、大小写、时区、SQL 模式、自增、日志保留、角色。"
            ),
            Area::Grants => text!(
                "The privileges OMS documents for the migration user of each tenant, which is the source of one link and the target of the other.",
                "OMS 文档要求的各租户迁移用户权限：每个租户都是一条链路的源端、另一条链路的目标端。"
            ),
            Area::Schema => text!(
                "The in-scope databases and tables on both tenants: keys, names, objects incremental sync does not carry, and whether the two schemas are the same.",
                "两个租户上范围内的数据库和表：键、名称、增量同步不传递的对象，以及两端结构是否相同。"
            ),
            Area::Link => text!(
                "The two links as the plan and OMS define them: directions, scopes, DDL sync, filters and mappings.",
                "计划和 OMS 定义的两条链路：方向、范围、DDL 同步、过滤和映射。"
            ),
            Area::Oms => text!(
                "What OMS shows of the pair: data sources, projects, steps, lag, stores and verification.",
                "OMS 中这一对租户的情况：数据源、项目、步骤、延迟、Store 和校验。"
            ),
            Area::Plan => text!(
                "The plan file itself: secrets written in it, and waivers.",
                "计划文件本身：其中写明的密码，以及豁免。"
            ),
        }
    }
}

impl PartialEq<&str> for Area {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Area {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl std::fmt::Display for Area {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
