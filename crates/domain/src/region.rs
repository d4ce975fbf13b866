//! The region tree, which is also the grid (网格): district > town > village or community > group.
//!
//! Each region stores its materialised path (`/1/4/17/`), so "everything inside this region" is a
//! prefix match and a user bound to a region sees exactly its subtree.

use crate::error::{Invalid, required_text};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    District,
    Town,
    Village,
    Group,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 4] = [Self::District, Self::Town, Self::Village, Self::Group];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Town => "town",
            Self::Village => "village",
            Self::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The level a child of this level must have; groups have no children.
    pub fn child(self) -> Option<Self> {
        match self {
            Self::District => Some(Self::Town),
            Self::Town => Some(Self::Village),
            Self::Village => Some(Self::Group),
            Self::Group => None,
        }
    }
}

/// A village-level region is a rural village (村) or an urban community (社区, 居委会).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VillageKind {
    Village,
    Community,
}

impl VillageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Village => "village",
            Self::Community => "community",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "village" => Some(Self::Village),
            "community" => Some(Self::Community),
            _ => None,
        }
    }
}

/// A region as entered, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionDraft {
    pub name: String,
    pub level: RegionLevel,
    pub kind: Option<VillageKind>,
    /// GB/T 2260 / statistical division code, when known.
    pub code: Option<String>,
}

/// What the parent of a new or moved region looks like, as far as the rules care.
#[derive(Debug, Clone, Copy)]
pub struct ParentFacts<'a> {
    pub level: RegionLevel,
    pub path: &'a str,
}

impl RegionDraft {
    /// Checks a region against its intended parent (`None` for a root).
    pub fn validate(
        name: &str,
        level: &str,
        kind: Option<&str>,
        code: Option<&str>,
        parent: Option<ParentFacts<'_>>,
    ) -> Result<Self, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", name, 60);
        let level = RegionLevel::parse(level);
        if level.is_none() {
            errs.push("level", "region.level");
        }
        let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => match VillageKind::parse(k) {
                Some(k) => Some(k),
                None => {
                    errs.push("kind", "region.kind");
                    None
                }
            },
        };
        if let Some(level) = level {
            if kind.is_some() && level != RegionLevel::Village {
                errs.push("kind", "region.kind_only_village");
            }
            check_parent_level(&mut errs, level, parent.map(|p| p.level));
        }
        let code = code
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        if let Some(c) = &code
            && (c.len() > 20 || !c.chars().all(|ch| ch.is_ascii_digit()))
        {
            errs.push("code", "region.code");
        }
        errs.into_result()?;
        let level = level.unwrap_or(RegionLevel::Group);
        let kind = if level == RegionLevel::Village {
            Some(kind.unwrap_or(VillageKind::Village))
        } else {
            None
        };
        Ok(RegionDraft {
            name,
            level,
            kind,
            code,
        })
    }
}

fn check_parent_level(errs: &mut Invalid, level: RegionLevel, parent: Option<RegionLevel>) {
    match parent {
        None if level != RegionLevel::District => errs.push("parent_id", "region.needs_parent"),
        Some(p) if p.child() != Some(level) => errs.push("parent_id", "region.parent_level"),
        _ => {}
    }
}

/// The path of a region with `id` under a parent with `parent_path` (or at the root).
pub fn path_for(parent_path: Option<&str>, id: i64) -> String {
    format!("{}{id}/", parent_path.unwrap_or("/"))
}

/// Whether the region at `path` lies inside the region at `ancestor_path` (a region is inside itself).
pub fn is_within(path: &str, ancestor_path: &str) -> bool {
    path.starts_with(ancestor_path)
}

/// The path of the village (or community) a path lies in: its first three levels (district,
/// town, village); a town- or district-level path is its own. Progress tables count by it.
pub fn village_path_of(path: &str) -> String {
    let ids: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).take(3).collect();
    format!("/{}/", ids.join("/"))
}

/// Checks moving the region (`path`, `level`) under `new_parent`: never under itself or one of its
/// own descendants, and only under a parent one level up.
pub fn check_move(
    path: &str,
    level: RegionLevel,
    new_parent: ParentFacts<'_>,
) -> Result<(), Invalid> {
    if is_within(new_parent.path, path) {
        return Err(Invalid::one("parent_id", "region.cycle"));
    }
    let mut errs = Invalid::default();
    check_parent_level(&mut errs, level, Some(new_parent.level));
    errs.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_chain() {
        assert_eq!(RegionLevel::District.child(), Some(RegionLevel::Town));
        assert_eq!(RegionLevel::Group.child(), None);
        for l in RegionLevel::ALL {
            assert_eq!(RegionLevel::parse(l.as_str()), Some(l));
        }
    }

    #[test]
    fn validates_parent_level() {
        let town = ParentFacts {
            level: RegionLevel::Town,
            path: "/1/2/",
        };
        assert!(
            RegionDraft::validate("石坝村", "village", Some("village"), None, Some(town)).is_ok()
        );
        let e = RegionDraft::validate("石坝村", "group", None, None, Some(town)).unwrap_err();
        assert_eq!(e.errors[0].code, "region.parent_level");
        let e = RegionDraft::validate("马武镇", "town", None, None, None).unwrap_err();
        assert_eq!(e.errors[0].code, "region.needs_parent");
        let e = RegionDraft::validate(" ", "bogus", Some("x"), Some("12a"), None).unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "level", "kind", "code"]);
    }

    #[test]
    fn village_kind_defaults_and_is_only_for_villages() {
        let town = ParentFacts {
            level: RegionLevel::Town,
            path: "/1/2/",
        };
        let v = RegionDraft::validate("文武社区", "village", None, None, Some(town)).unwrap();
        assert_eq!(v.kind, Some(VillageKind::Village));
        let d = ParentFacts {
            level: RegionLevel::District,
            path: "/1/",
        };
        let e =
            RegionDraft::validate("马武镇", "town", Some("community"), None, Some(d)).unwrap_err();
        assert_eq!(e.errors[0].code, "region.kind_only_village");
    }

    #[test]
    fn paths_and_subtrees() {
        assert_eq!(path_for(None, 1), "/1/");
        assert_eq!(path_for(Some("/1/"), 12), "/1/12/");
        assert!(is_within("/1/12/40/", "/1/12/"));
        assert!(is_within("/1/12/", "/1/12/"));
        // "/1/1/" must not be taken for inside "/1/12/" nor the reverse.
        assert!(!is_within("/1/1/", "/1/12/"));
        assert!(!is_within("/1/12/", "/1/1/"));
    }

    #[test]
    fn village_paths() {
        assert_eq!(village_path_of("/1/2/3/4/"), "/1/2/3/");
        assert_eq!(village_path_of("/1/2/3/"), "/1/2/3/");
        assert_eq!(village_path_of("/1/2/"), "/1/2/");
    }

    #[test]
    fn a_region_cannot_move_under_itself_or_its_child() {
        let own_child = ParentFacts {
            level: RegionLevel::Group,
            path: "/1/2/3/",
        };
        assert_eq!(
            check_move("/1/2/", RegionLevel::Town, own_child)
                .unwrap_err()
                .errors[0]
                .code,
            "region.cycle"
        );
        let itself = ParentFacts {
            level: RegionLevel::Town,
            path: "/1/2/",
        };
        assert_eq!(
            check_move("/1/2/", RegionLevel::Town, itself)
                .unwrap_err()
                .errors[0]
                .code,
            "region.cycle"
        );
        let other_town = ParentFacts {
            level: RegionLevel::Town,
            path: "/1/5/",
        };
        assert!(check_move("/1/2/7/", RegionLevel::Village, other_town).is_ok());
        assert_eq!(
            check_move(
                "/1/2/7/",
                RegionLevel::Village,
                ParentFacts {
                    level: RegionLevel::District,
                    path: "/1/"
                }
            )
            .unwrap_err()
            .errors[0]
                .code,
            "region.parent_level"
        );
    }
}
