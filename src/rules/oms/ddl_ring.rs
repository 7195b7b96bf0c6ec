use crate::facts::Tenant;
use crate::facts::oms::{Project, Writes};
use crate::i18n::spaced;
use crate::plan::LinkPlan;
use crate::rules::{
    Check, Ctx, Finding, Input, Need, Severity, Side, Text, declare_rule, unless_undecided,
};
use crate::text;

declare_rule! {
    /// ## What it checks
    /// Over every live OMS project whose source or sink is tenant A or B, plus the plan's two
    /// links (their live projects where they exist): the links that sync DDL form no cycle
    /// through a third data source, and no in-scope database of A or B receives DDL from two
    /// links. The pair's own two links syncing DDL both ways is `link.ddl-single`'s finding.
    ///
    /// ## Why it matters
    /// `link.ddl-single` looks at the pair only, but real estates add links: A→B plus a
    /// reporting copy A→C, or a second pair B↔C. A DDL travelling A→B→C→A is applied again
    /// where it started, and a table receiving DDL from two sources gets schema changes in an
    /// order neither side controls; both break incremental sync. Peer tools check exactly this
    /// before they start (Tencent DTS: 同库表对象 DDL 环形链路同步检测, 同目标同库表对象 DDL 同步冲突检测).
    ///
    /// ## How to fix
    /// Keep DDL sync on one path into each database: turn it off on the third-party project
    /// (or on the pair's link) that closes the ring or duplicates the DDL source.
    pub static RULE = Rule {
        id: "oms.ddl-ring",
        severity: Severity::Error,
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse, Need::OmsOthers],
        waivable: false,
        summary: "DDL-syncing links over every live project touching A or B form no cycle and no table receives DDL from two sources",
        check: check,
    };
}

/// A data source as a node of the DDL graph: one of the pair's tenants or another endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Tenant(Tenant),
    Other(String),
}

impl Node {
    /// `tenant a`, `data source ob_c`.
    fn text(&self) -> Text {
        match self {
            Node::Tenant(tenant) => text!("tenant {tenant}", "租户 {tenant}"),
            Node::Other(id) => text!("data source {id}", "数据源 {id}"),
        }
    }
}

/// One DDL-syncing link.
struct Edge<'a> {
    from: Node,
    to: Node,
    /// `forward link dr_a_to_b`, `project reporting_copy`.
    label: Text,
    /// A third-party project (its objects tell what it writes); `None` for the pair's links.
    other: Option<&'a Project>,
}

fn node(tenant: Option<Tenant>, endpoint: &Option<String>) -> Option<Node> {
    tenant
        .map(Node::Tenant)
        .or_else(|| endpoint.clone().map(Node::Other))
}

fn check(cx: &Ctx<'_>) -> Check {
    let mut edges: Vec<Edge<'_>> = Vec::new();
    let pair_edge = |link: &LinkPlan, on: bool, label: Text| {
        on.then_some(Edge {
            from: Node::Tenant(link.source),
            to: Node::Tenant(link.target),
            label,
            other: None,
        })
    };
    let forward = cx.oms_forward()?;
    let reverse = cx.oms_reverse()?;
    let (plan_forward, plan_reverse) = (&cx.plan.forward, &cx.plan.reverse);
    match forward {
        Some(project) => {
            edges.extend(pair_edge(
                plan_forward,
                !project.ddl_sync.is_empty(),
                text!("forward project {}", "正向项目 {}", project.name),
            ));
            if cx.plan.is_single_project() {
                edges.extend(pair_edge(
                    plan_reverse,
                    !project.reverse_ddl_sync.is_empty(),
                    text!(
                        "the reverse link of project {}",
                        "项目 {} 的反向链路",
                        project.name
                    ),
                ));
            }
        }
        None => edges.extend(pair_edge(
            plan_forward,
            plan_forward.ddl_sync.enabled(),
            text!(
                "the plan's forward link {}",
                "计划中的正向链路 {}",
                plan_forward.project
            ),
        )),
    }
    if !cx.plan.is_single_project() {
        match reverse {
            Some(project) => edges.extend(pair_edge(
                plan_reverse,
                !project.ddl_sync.is_empty() || !project.reverse_ddl_sync.is_empty(),
                text!("reverse project {}", "反向项目 {}", project.name),
            )),
            None => edges.extend(pair_edge(
                plan_reverse,
                plan_reverse.ddl_sync.enabled(),
                text!(
                    "the plan's reverse link {}",
                    "计划中的反向链路 {}",
                    plan_reverse.project
                ),
            )),
        }
    }
    if cx.plan.is_single_project() && forward.is_none() && plan_reverse.ddl_sync.enabled() {
        edges.extend(pair_edge(
            plan_reverse,
            true,
            text!(
                "the plan's reverse step of {}",
                "计划中 {} 的反向步骤",
                plan_forward.project
            ),
        ));
    }
    for other in cx.oms_others()? {
        if other.ddl_sync.is_empty() && other.reverse_ddl_sync.is_empty() {
            continue;
        }
        let (Some(source), Some(sink)) = (
            node(other.source, &other.source_endpoint_id),
            node(other.sink, &other.sink_endpoint_id),
        ) else {
            continue;
        };
        let label = text!("project {} ({})", "项目 {}（{}）", other.name, other.status);
        if !other.ddl_sync.is_empty() {
            edges.push(Edge {
                from: source.clone(),
                to: sink.clone(),
                label: label.clone(),
                other: Some(other),
            });
        }
        if !other.reverse_ddl_sync.is_empty() {
            edges.push(Edge {
                from: sink,
                to: source,
                label: spaced(
                    text!("the reverse step of {label}", "{label} 的反向步骤"; label = label),
                ),
                other: Some(other),
            });
        }
    }
    let mut findings = Vec::new();
    if let Some(ring) = ring(&edges) {
        let path: Vec<Text> = ring
            .iter()
            .map(|edge| {
                let edge = &edges[*edge];
                spaced(text!(
                    "{from} → {to} by {label}",
                    "{from} → {to}（经由{label}）";
                    from = edge.from.text(),
                    to = edge.to.text(),
                    label = edge.label
                ))
            })
            .collect();
        let culprit = ring
            .iter()
            .find_map(|edge| edges[*edge].other)
            .map(|project| project.name.clone());
        findings.push(
            Finding::new(
                Side::Oms,
                culprit,
                text!(
                    "DDL travels in a ring: {path}",
                    "DDL 沿环路传播：{path}";
                    path = Text::join(&path, ", ", "，")
                ),
            )
            .help(text!(
                "turn DDL sync off on one link of the ring (usually the third-party project), so each schema change is applied once",
                "在环路中的一条链路（通常是第三方项目）上关闭 DDL 同步，使每个结构变更只执行一次"
            )),
        );
    }
    let (fan_in, undecided) = fan_in(cx, &edges);
    findings.extend(fan_in);
    unless_undecided(findings, &undecided, |joined| {
        spaced(text!(
            "could not tell whether {undecided}; to decide, check those projects' objects in the OMS console",
            "无法判断{undecided}；如需判定，请在 OMS 控制台中检查这些项目的对象";
            undecided = joined
        ))
    })
}

/// A cycle through at least one third-party link, as edge indices in order; the pair's own
/// A→B→A is `link.ddl-single`'s.
fn ring(edges: &[Edge<'_>]) -> Option<Vec<usize>> {
    // The graph has a handful of edges: try each as the start of a simple path back to its
    // origin, depth-first, never revisiting a node.
    fn walk(
        edges: &[Edge<'_>],
        origin: &Node,
        at: &Node,
        path: &mut Vec<usize>,
        visited: &mut Vec<Node>,
    ) -> bool {
        for (index, edge) in edges.iter().enumerate() {
            if &edge.from != at || path.contains(&index) {
                continue;
            }
            path.push(index);
            if &edge.to == origin {
                if path.iter().any(|i| edges[*i].other.is_some()) {
                    return true;
                }
            } else if !visited.contains(&edge.to) {
                visited.push(edge.to.clone());
                if walk(edges, origin, &edge.to, path, visited) {
                    return true;
                }
                visited.pop();
            }
            path.pop();
        }
        false
    }
    for edge in edges {
        let mut path = Vec::new();
        let mut visited = vec![edge.from.clone()];
        if walk(edges, &edge.from, &edge.from, &mut path, &mut visited) {
            return Some(path);
        }
    }
    None
}

/// In-scope databases of A or B that receive DDL from a pair link and a third-party link, and
/// what could not be told.
fn fan_in(cx: &Ctx<'_>, edges: &[Edge<'_>]) -> (Vec<Finding>, Vec<Text>) {
    let scope = cx.plan.scope_databases();
    let mut findings = Vec::new();
    let mut undecided = Vec::new();
    for pair in edges.iter().filter(|edge| edge.other.is_none()) {
        for edge in edges.iter().filter(|edge| edge.to == pair.to) {
            let Some(other) = edge.other else { continue };
            // The project's objects are named on the side it writes (its sink); a reverse step
            // writes its source, whose names the mapping also shows.
            let mut shared = Vec::new();
            for database in &scope {
                match other.writes_database(database) {
                    Writes::Yes { .. } => shared.push(database.clone()),
                    Writes::No => {}
                    Writes::Undecided(reason) => undecided.push(spaced(text!(
                        "{label} writes `{database}` on {to} ({reason})",
                        "{label} 是否写入{to} 上的 `{database}`（{reason}）";
                        label = edge.label,
                        to = edge.to.text(),
                        reason = reason
                    ))),
                }
            }
            if !shared.is_empty() {
                let shared = shared.join(", ");
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(other.name.clone()),
                        spaced(text!(
                            "{to} receives DDL for {shared} from two links: {pair} and {other}",
                            "{to} 从两条链路接收 {shared} 的 DDL：{pair} 和 {other}";
                            to = pair.to.text(),
                            pair = pair.label,
                            other = edge.label
                        )),
                    )
                    .help(text!(
                        "keep DDL sync on one link into these databases: turn it off on the other project",
                        "对写入这些数据库的链路只保留一条同步 DDL：在另一个项目上关闭 DDL 同步"
                    )),
                );
            }
        }
    }
    (findings, undecided)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::facts::Fact;
    use crate::rules::{Stage, testing::*};

    #[test]
    fn quiet_for_the_pair_alone() {
        assert_clean(&RULE, &oms_plan(), &with_oms(|_| {}), Stage::Reverse);
        assert_clean(
            &RULE,
            &single_project_plan(),
            &with_single_project(|_| {}),
            Stage::Running,
        );
    }

    #[test]
    fn a_third_project_syncing_ddl_into_b_fans_in() {
        let facts = with_oms(|oms| {
            let mut third = live_project("np_9", "staging_to_b", "e_staging", "e_b");
            third.ddl_sync = vec!["DDL".into()];
            oms.others = Fact::Observed(vec![third]);
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(
            findings[0]
                .message
                .contains("tenant b receives DDL for app from two links")
        );
        assert_eq!(findings[0].object.as_deref(), Some("staging_to_b"));
    }

    #[test]
    fn a_ring_through_a_third_data_source() {
        // A→B by the forward project, B→C and C→A by two other projects, all syncing DDL.
        let facts = with_oms(|oms| {
            let mut b_to_c = live_project("np_7", "b_to_c", "e_b", "e_c");
            b_to_c.ddl_sync = vec!["DDL".into()];
            let mut c_to_a = live_project("np_8", "c_to_a", "e_c", "e_a");
            c_to_a.ddl_sync = vec!["DDL".into()];
            c_to_a.mapping.clear();
            oms.others = Fact::Observed(vec![b_to_c, c_to_a]);
        });
        let findings = fire(&RULE, &oms_plan(), &facts, Stage::Reverse);
        assert!(
            findings[0].message.contains("DDL travels in a ring"),
            "{findings:?}"
        );
        assert!(findings[0].message.contains("b_to_c") && findings[0].message.contains("c_to_a"));
    }

    #[test]
    fn a_third_project_without_ddl_is_not_a_link_of_the_graph() {
        let facts = with_oms(|oms| {
            oms.others = Fact::Observed(vec![live_project(
                "np_9",
                "staging_to_b",
                "e_staging",
                "e_b",
            )]);
        });
        assert_clean(&RULE, &oms_plan(), &facts, Stage::Reverse);
    }
}
