//! `oms`: what OMS itself says about the pair.

pub mod active_active;
pub mod conflicts;
pub mod data_source_incr;
pub mod data_sources;
pub mod ddl_ring;
pub mod forward_healthy;
pub mod forward_schema_done;
pub mod full_verify;
pub mod lag;
pub mod reachable;
pub mod reverse_absent;
pub mod reverse_healthy;
pub mod store_window;
pub mod topology;

pub use crate::facts::oms::Direction;
use crate::facts::oms::Project;
use crate::plan::Topology;
use crate::rules::{Ctx, Finding, Missing, Side, Text};
use crate::text;

/// The directions OMS shows for the pair (see [`oms::directions`](crate::facts::oms::directions)).
/// Needs `OmsForward`, and `OmsReverse` for a two-projects plan.
pub fn directions<'a>(cx: &Ctx<'a>) -> Result<Vec<Direction<'a>>, Missing> {
    let forward = cx.oms_forward()?;
    let reverse = match cx.plan.topology {
        Topology::TwoProjects => cx.oms_reverse()?,
        Topology::SingleProject => None,
    };
    Ok(crate::facts::oms::directions(
        cx.plan.topology,
        forward,
        reverse,
    ))
}

/// The forward project OMS has, or the finding that it has none; `Missing` when OMS could not
/// say. Needs `OmsForward`.
pub fn forward_project<'a>(cx: &Ctx<'a>) -> Result<Result<&'a Project, Box<Finding>>, Missing> {
    Ok(cx.oms_forward()?.ok_or_else(|| {
        let name = &cx.plan.forward.project;
        Box::new(
            Finding::new(
                Side::Oms,
                Some(name.clone()),
                text!(
                    "forward project {name} does not exist in OMS",
                    "正向项目 {name} 在 OMS 中不存在"
                ),
            )
            .help(text!(
                "create the forward project (schema, full and incremental) first; check [forward] project matches its name or id",
                "先创建正向项目（结构迁移、全量迁移和增量同步）；检查 [forward] project 是否与该项目的名称或 ID 一致"
            ))
            .at(Some(cx.plan.forward.span.clone())),
        )
    }))
}

/// `text` with its Chinese spaced as Chinese is written: no space beside full-width
/// punctuation or between two Chinese characters. A sentence composed of parts needs it: a
/// part such as `项目 X 的反向链路` or `项目 X（RUNNING）` may end in a name or in Chinese, and the
/// sentence cannot know which. The English is left as it is.
pub fn spaced(text: Text) -> Text {
    if !text.has_zh() {
        return text;
    }
    let chars: Vec<char> = text.zh().chars().collect();
    let ideograph = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let full_width = |c: char| "（），：；、。“”".contains(c);
    let zh: String = chars
        .iter()
        .enumerate()
        .filter(|&(at, &c)| {
            let (Some(&before), Some(&after)) = (
                at.checked_sub(1).and_then(|at| chars.get(at)),
                chars.get(at + 1),
            ) else {
                return true;
            };
            c != ' '
                || !(full_width(before)
                    || full_width(after)
                    || (ideograph(before) && ideograph(after)))
        })
        .map(|(_, c)| *c)
        .collect();
    Text::new(text.en(), zh)
}

#[cfg(test)]
mod tests {
    use super::spaced;
    use crate::text;

    #[test]
    fn chinese_is_spaced_as_chinese_and_english_is_untouched() {
        let said = spaced(text!(
            "project x (RUNNING) writes the reverse link of project y",
            "项目 x（RUNNING） 写入项目 y 的反向链路 的位点 ，租户 a"
        ));
        assert_eq!(
            said.zh(),
            "项目 x（RUNNING）写入项目 y 的反向链路的位点，租户 a"
        );
        assert_eq!(
            said.en(),
            "project x (RUNNING) writes the reverse link of project y"
        );
    }
}
