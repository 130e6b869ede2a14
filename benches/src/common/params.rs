//! Scales and parameters: how big a scenario runs, and the checks that refuse nonsense up front.
//!
//! Every scenario declares its parameters once, each with its kind: a whole number within bounds,
//! or one of named choices (`transport = both|memory|tcp`). A reader can override any of them
//! (`--set members=100000`, `--set profile=blog`); a zero, an absurd size, an unknown name or a
//! run that would not fit in free memory is refused before anything runs or is written. A
//! scenario reads its values typed: a count as a number, a choice as its own enum
//! ([`Params::choice`]), never as an integer compared with a literal.

use std::collections::BTreeMap;
use std::fmt;

use clap::ValueEnum;
use serde::Serialize;

use crate::common::units::group_digits;

/// How big a reproduction runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// Every scenario in under a minute (what CI runs).
    Quick,
    /// The blog's sizes where they fit; every scenario in under five minutes on 2 cores.
    Default,
    /// The blog's sizes and sweeps beyond them, where memory allows.
    Full,
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scale::Quick => "quick",
            Scale::Default => "default",
            Scale::Full => "full",
        })
    }
}

/// What values a parameter takes, and its value at each scale (quick, default, full).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number from `min` to `max`.
    Count {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
        /// Values at quick, default and full scale.
        at: [u64; 3],
    },
    /// One of `names` (matched in any case).
    Choice {
        /// The names accepted, as the command line and the results file write them.
        names: &'static [&'static str],
        /// Values at quick, default and full scale.
        at: [&'static str; 3],
    },
}

/// One parameter of a scenario: what it means, and what values it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name used in `--set` and in the results file.
    pub name: &'static str,
    /// What it controls, in a few words.
    pub about: &'static str,
    /// Its kind, bounds and values per scale.
    pub kind: Kind,
}

impl ParamSpec {
    /// A whole number in `min..=max`, `at` quick, default and full scale.
    pub const fn count(
        name: &'static str,
        about: &'static str,
        min: u64,
        max: u64,
        at: [u64; 3],
    ) -> ParamSpec {
        ParamSpec {
            name,
            about,
            kind: Kind::Count { min, max, at },
        }
    }

    /// One of the names of `C`, `at` quick, default and full scale.
    pub const fn choice<C: Choice>(
        name: &'static str,
        about: &'static str,
        at: [&'static str; 3],
    ) -> ParamSpec {
        ParamSpec {
            name,
            about,
            kind: Kind::Choice {
                names: C::NAMES,
                at,
            },
        }
    }

    /// What it accepts, for `workbook scenarios` and refusals: `1 to 1,000,000` or `a|b|c`.
    pub fn accepts(&self) -> String {
        match self.kind {
            Kind::Count { min, max, .. } => {
                format!("{} to {}", group_digits(min), group_digits(max))
            }
            Kind::Choice { names, .. } => names.join("|"),
        }
    }

    /// Its value at `scale`, as written.
    pub fn at(&self, scale: Scale) -> String {
        match self.kind {
            Kind::Count { at, .. } => group_digits(at[scale as usize]),
            Kind::Choice { at, .. } => at[scale as usize].to_owned(),
        }
    }

    /// The value `text` means for this parameter, or why it means none.
    fn parse(&self, text: &str) -> Result<Value, InputError> {
        match self.kind {
            Kind::Count { min, max, .. } => {
                let digits: String = text.chars().filter(|c| *c != '_' && *c != ',').collect();
                let value: u64 = digits.trim().parse().map_err(|_| {
                    InputError(format!(
                        "{} takes a whole number (got '{text}'): {}",
                        self.name, self.about
                    ))
                })?;
                if !(min..=max).contains(&value) {
                    return Err(InputError(format!(
                        "{} must be between {} and {} (got {value}): {}",
                        self.name,
                        group_digits(min),
                        group_digits(max),
                        self.about
                    )));
                }
                Ok(Value::Count(value))
            }
            Kind::Choice { names, .. } => names
                .iter()
                .find(|name| name.eq_ignore_ascii_case(text.trim()))
                .map(|name| Value::Choice(name))
                .ok_or_else(|| {
                    InputError(format!(
                        "{} is one of {} (got '{text}')",
                        self.name,
                        names.join(", ")
                    ))
                }),
        }
    }

    fn default_at(&self, scale: Scale) -> Value {
        match self.kind {
            Kind::Count { at, .. } => Value::Count(at[scale as usize]),
            Kind::Choice { at, .. } => Value::Choice(at[scale as usize]),
        }
    }
}

/// A parameter's named choices as a Rust enum: what [`Params::choice`] reads.
pub trait Choice: Sized + Copy + 'static {
    /// The names, as the command line and the results file write them.
    const NAMES: &'static [&'static str];
    /// The choice called `name` (one of [`Choice::NAMES`]).
    fn from_name(name: &str) -> Option<Self>;
}

/// One parameter's value in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A whole number.
    Count(u64),
    /// One of the parameter's names.
    Choice(&'static str),
}

/// A scenario's parameter values for one run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Params(BTreeMap<&'static str, Value>);

impl Params {
    /// The values at `scale`, with `overrides` (`name`, `value` as written) applied and checked.
    pub fn resolve(
        specs: &[ParamSpec],
        scale: Scale,
        overrides: &[(String, String)],
    ) -> Result<Params, InputError> {
        let mut values: BTreeMap<&'static str, Value> = specs
            .iter()
            .map(|s| (s.name, s.default_at(scale)))
            .collect();
        for (name, text) in overrides {
            let spec = specs.iter().find(|s| s.name == name).ok_or_else(|| {
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                InputError(format!(
                    "unknown parameter '{name}' (this scenario has: {})",
                    known.join(", ")
                ))
            })?;
            values.insert(spec.name, spec.parse(text)?);
        }
        Ok(Params(values))
    }

    /// The value of a declared whole-number parameter.
    pub fn get(&self, name: &str) -> u64 {
        match self.0.get(name) {
            Some(Value::Count(value)) => *value,
            Some(Value::Choice(_)) => {
                panic!("parameter '{name}' is a choice: read it with choice()")
            }
            None => panic!("parameter '{name}' is not declared"),
        }
    }

    /// The value of a declared whole-number parameter, as a count.
    pub fn count(&self, name: &str) -> usize {
        usize::try_from(self.get(name)).expect("parameter bounds keep counts within usize")
    }

    /// The value of a declared choice, as its enum.
    pub fn choice<C: Choice>(&self, name: &str) -> C {
        match self.0.get(name) {
            Some(Value::Choice(chosen)) => C::from_name(chosen)
                .unwrap_or_else(|| panic!("'{chosen}' is not a name of {name}'s choice type")),
            Some(Value::Count(_)) => panic!("parameter '{name}' is a number: read it with get()"),
            None => panic!("parameter '{name}' is not declared"),
        }
    }
}

/// `(name, value)` overrides as [`Params::resolve`] takes them, from literals: for tests and
/// benches that run a scenario at a size of their own.
pub fn overrides(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

/// Bad input from the command line: one sentence, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// One `--set [SCENARIO.]NAME=VALUE`, as written; its value is checked against the parameter's
/// kind once the scenarios are known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// The scenario it is qualified with (`fanout.members=…`), if any.
    pub scenario: Option<String>,
    /// The parameter's name.
    pub name: String,
    /// The value, as written.
    pub value: String,
}

impl fmt::Display for Override {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scenario) = &self.scenario {
            write!(f, "{scenario}.")?;
        }
        write!(f, "{}={}", self.name, self.value)
    }
}

/// Parses `[scenario.]name=value` for `--set`.
pub fn parse_override(text: &str) -> Result<Override, String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=VALUE"))?;
    let (scenario, name) = match name.trim().split_once('.') {
        Some((scenario, name)) => (Some(scenario.to_owned()), name),
        None => (None, name.trim()),
    };
    if name.is_empty() || value.trim().is_empty() {
        return Err(format!("'{text}' is not NAME=VALUE"));
    }
    Ok(Override {
        scenario,
        name: name.to_owned(),
        value: value.trim().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Mode {
        Fast,
        Slow,
    }

    impl Choice for Mode {
        const NAMES: &'static [&'static str] = &["fast", "slow"];
        fn from_name(name: &str) -> Option<Self> {
            match name {
                "fast" => Some(Mode::Fast),
                "slow" => Some(Mode::Slow),
                _ => None,
            }
        }
    }

    const SPECS: &[ParamSpec] = &[
        ParamSpec::count(
            "members",
            "sessions in the guild",
            1,
            1_000_000,
            [1_000, 30_000, 100_000],
        ),
        ParamSpec::choice::<Mode>("mode", "how", ["fast", "fast", "slow"]),
    ];

    fn set(name: &str, value: &str) -> Vec<(String, String)> {
        overrides(&[(name, value)])
    }

    #[test]
    fn scales_pick_their_values() {
        let quick = Params::resolve(SPECS, Scale::Quick, &[]).unwrap();
        assert_eq!(quick.get("members"), 1_000);
        assert_eq!(quick.choice::<Mode>("mode"), Mode::Fast);
        let full = Params::resolve(SPECS, Scale::Full, &[]).unwrap();
        assert_eq!(full.get("members"), 100_000);
        assert_eq!(full.choice::<Mode>("mode"), Mode::Slow);
    }

    #[test]
    fn counts_are_checked_against_bounds() {
        let ok = Params::resolve(SPECS, Scale::Default, &set("members", "5")).unwrap();
        assert_eq!(ok.get("members"), 5);
        let zero = Params::resolve(SPECS, Scale::Default, &set("members", "0")).unwrap_err();
        assert_eq!(
            zero.0,
            "members must be between 1 and 1,000,000 (got 0): sessions in the guild"
        );
        assert!(Params::resolve(SPECS, Scale::Default, &set("members", "-1")).is_err());
        let separators = Params::resolve(SPECS, Scale::Default, &set("members", "30_000")).unwrap();
        assert_eq!(separators.get("members"), 30_000);
        let unknown = Params::resolve(SPECS, Scale::Default, &set("guilds", "5")).unwrap_err();
        assert!(
            unknown.0.contains("unknown parameter 'guilds'"),
            "{unknown}"
        );
    }

    #[test]
    fn choices_take_their_names_in_any_case_and_only_them() {
        let slow = Params::resolve(SPECS, Scale::Quick, &set("mode", "Slow")).unwrap();
        assert_eq!(slow.choice::<Mode>("mode"), Mode::Slow);
        let wrong = Params::resolve(SPECS, Scale::Quick, &set("mode", "1")).unwrap_err();
        assert_eq!(wrong.0, "mode is one of fast, slow (got '1')");
    }

    #[test]
    fn overrides_parse_with_an_optional_scenario() {
        assert_eq!(
            parse_override("fanout.members=30_000").unwrap(),
            Override {
                scenario: Some("fanout".into()),
                name: "members".into(),
                value: "30_000".into()
            }
        );
        assert_eq!(parse_override("members=5").unwrap().scenario, None);
        assert!(parse_override("members").is_err());
        assert!(parse_override("=5").is_err());
    }
}
