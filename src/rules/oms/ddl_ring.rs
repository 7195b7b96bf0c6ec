use crate::facts::Tenant;
use crate::facts::oms::{Project, Writes};
use crate::plan::LinkPlan;
use crate::rules::{Check, Ctx, Finding, Input, Need, NotEvaluated, Severity, Side, declare_rule};

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
        stages: &[],
        topologies: &[],
        input: Input::Oms,
        needs: &[Need::OmsForward, Need::OmsReverse, Need::OmsOthers],
        optional: &[],
        waivable: false,
        compares_sides: false,
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

impl std::fmt::Display for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Tenant(tenant) => write!(f, "tenant {tenant}"),
            Node::Other(id) => write!(f, "data source {id}"),
        }
    }
}

/// One DDL-syncing link.
struct Edge<'a> {
    from: Node,
    to: Node,
    /// `forward link dr_a_to_b`, `project reporting_copy`.
    label: String,
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
    let pair_edge = |link: &LinkPlan, on: bool, label: String| {
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
                format!("forward project {}", project.name),
            ));
            if cx.plan.is_single_project() {
                edges.extend(pair_edge(
                    plan_reverse,
                    !project.reverse_ddl_sync.is_empty(),
                    format!("the reverse link of project {}", project.name),
                ));
            }
        }
        None => edges.extend(pair_edge(
            plan_forward,
            plan_forward.ddl_sync.enabled(),
            format!("the plan's forward link {}", plan_forward.project),
        )),
    }
    if !cx.plan.is_single_project() {
        match reverse {
            Some(project) => edges.extend(pair_edge(
                plan_reverse,
                !project.ddl_sync.is_empty() || !project.reverse_ddl_sync.is_empty(),
                format!("reverse project {}", project.name),
            )),
            None => edges.extend(pair_edge(
                plan_reverse,
                plan_reverse.ddl_sync.enabled(),
                format!("the plan's reverse link {}", plan_reverse.project),
            )),
        }
    }
    if cx.plan.is_single_project() && forward.is_none() && plan_reverse.ddl_sync.enabled() {
        edges.extend(pair_edge(
            plan_reverse,
            true,
            format!("the plan's reverse step of {}", plan_forward.project),
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
        let label = format!("project {} ({})", other.name, other.status);
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
                label: format!("the reverse step of {label}"),
                other: Some(other),
            });
        }
    }
    let mut findings = Vec::new();
    if let Some(ring) = ring(&edges) {
        let path: Vec<String> = ring
            .iter()
            .map(|edge| {
                format!(
                    "{} → {} by {}",
                    edges[*edge].from, edges[*edge].to, edges[*edge].label
                )
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
                format!("DDL travels in a ring: {}", path.join(", ")),
            )
            .help("turn DDL sync off on one link of the ring (usually the third-party project), so each schema change is applied once"),
        );
    }
    let (fan_in, undecided) = fan_in(cx, &edges);
    findings.extend(fan_in);
    if findings.is_empty() && !undecided.is_empty() {
        return Err(NotEvaluated::Inconclusive(format!(
            "could not tell whether {}; to decide, check those projects' objects in the OMS console",
            undecided.join("; ")
        ).into()));
    }
    Ok(findings)
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
fn fan_in(cx: &Ctx<'_>, edges: &[Edge<'_>]) -> (Vec<Finding>, Vec<String>) {
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
                    Writes::Undecided(reason) => undecided.push(format!(
                        "{} writes `{database}` on {} ({reason})",
                        edge.label, edge.to
                    )),
                }
            }
            if !shared.is_empty() {
                findings.push(
                    Finding::new(
                        Side::Oms,
                        Some(other.name.clone()),
                        format!(
                            "{} receives DDL for {} from two links: {} and {}",
                            pair.to,
                            shared.join(", "),
                            pair.label,
                            edge.label
                        ),
                    )
                    .help("keep DDL sync on one link into these databases: turn it off on the other project"),
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
