//! Scales and parameters: how big a scenario runs, and the checks that refuse nonsense up front.
//!
//! Every scenario declares its parameters once, with bounds and a value per scale. A reader can
//! override any of them (`--set members=100000`); a zero, an absurd size or a run that would not
//! fit in free memory is refused before anything runs or is written.

use std::collections::BTreeMap;
use std::fmt;

use clap::ValueEnum;
use serde::Serialize;

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

/// One parameter of a scenario: what it means, its bounds, and its value at each scale.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// The name used in `--set` and in the results file.
    pub name: &'static str,
    /// What it controls, in a few words.
    pub about: &'static str,
    /// Smallest accepted value.
    pub min: u64,
    /// Largest accepted value.
    pub max: u64,
    /// Values at quick, default and full scale.
    pub at: [u64; 3],
}

/// A scenario's parameter values for one run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Params(BTreeMap<&'static str, u64>);

impl Params {
    /// The values at `scale`, with `overrides` (`name=value`) applied and checked.
    pub fn resolve(
        specs: &[ParamSpec],
        scale: Scale,
        overrides: &[(String, u64)],
    ) -> Result<Params, InputError> {
        let index = scale as usize;
        let mut values: BTreeMap<&'static str, u64> =
            specs.iter().map(|s| (s.name, s.at[index])).collect();
        for (name, value) in overrides {
            let spec = specs.iter().find(|s| s.name == name).ok_or_else(|| {
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                InputError(format!(
                    "unknown parameter '{name}' (this scenario has: {})",
                    known.join(", ")
                ))
            })?;
            values.insert(spec.name, *value);
        }
        for spec in specs {
            let value = values[spec.name];
            if !(spec.min..=spec.max).contains(&value) {
                return Err(InputError(format!(
                    "{} must be between {} and {} (got {value}): {}",
                    spec.name,
                    group_digits(spec.min),
                    group_digits(spec.max),
                    spec.about
                )));
            }
        }
        Ok(Params(values))
    }

    /// The value of a declared parameter.
    pub fn get(&self, name: &str) -> u64 {
        *self
            .0
            .get(name)
            .unwrap_or_else(|| panic!("parameter '{name}' is not declared"))
    }

    /// The value of a declared parameter, as a count.
    pub fn count(&self, name: &str) -> usize {
        usize::try_from(self.get(name)).expect("parameter bounds keep counts within usize")
    }
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

/// Parses `name=value` for `--set`. The value is a whole number, or one of the names the
/// parameter declares (`profile=blog`, see `Scenario::value_names`), which stands for its index.
pub fn parse_override(text: &str) -> Result<(String, u64), String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not NAME=VALUE"))?;
    let name = name.trim();
    let digits: String = value.chars().filter(|c| *c != '_' && *c != ',').collect();
    if let Ok(number) = digits.parse::<u64>() {
        return Ok((name.to_owned(), number));
    }
    let names = crate::common::scenario::value_names(name);
    if names.is_empty() {
        return Err(format!("'{value}' is not a whole number (in '{text}')"));
    }
    let index = names
        .iter()
        .position(|known| known.eq_ignore_ascii_case(value.trim()))
        .ok_or_else(|| format!("{name} is one of {} (got '{value}')", names.join(", ")))?;
    Ok((name.to_owned(), index as u64))
}

/// `1234567` as `1,234,567`.
pub fn group_digits(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[ParamSpec {
        name: "members",
        about: "sessions in the guild",
        min: 1,
        max: 1_000_000,
        at: [1_000, 30_000, 100_000],
    }];

    #[test]
    fn scales_pick_their_values() {
        assert_eq!(
            Params::resolve(SPECS, Scale::Quick, &[])
                .unwrap()
                .get("members"),
            1_000
        );
        assert_eq!(
            Params::resolve(SPECS, Scale::Full, &[])
                .unwrap()
                .get("members"),
            100_000
        );
    }

    #[test]
    fn overrides_are_checked_against_bounds() {
        let ok = Params::resolve(SPECS, Scale::Default, &[("members".into(), 5)]).unwrap();
        assert_eq!(ok.get("members"), 5);
        let zero = Params::resolve(SPECS, Scale::Default, &[("members".into(), 0)]).unwrap_err();
        assert_eq!(
            zero.0,
            "members must be between 1 and 1,000,000 (got 0): sessions in the guild"
        );
        let absurd = Params::resolve(SPECS, Scale::Default, &[("members".into(), u64::MAX)]);
        assert!(absurd.is_err());
        let unknown = Params::resolve(SPECS, Scale::Default, &[("guilds".into(), 5)]).unwrap_err();
        assert!(
            unknown.0.contains("unknown parameter 'guilds'"),
            "{unknown}"
        );
    }

    #[test]
    fn overrides_parse_with_separators() {
        assert_eq!(
            parse_override("members=30_000").unwrap(),
            ("members".into(), 30_000)
        );
        assert_eq!(
            parse_override("members=30,000").unwrap(),
            ("members".into(), 30_000)
        );
        assert!(parse_override("members").is_err());
        assert!(parse_override("members=-1").is_err());
        // A parameter that declares names takes them (in any case) for their index, and only them.
        assert_eq!(
            parse_override("profile=Blog").unwrap(),
            ("profile".into(), 1)
        );
        let unknown = parse_override("profile=fast").unwrap_err();
        assert!(
            unknown.starts_with("profile is one of all, blog"),
            "{unknown}"
        );
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(2_500_000), "2,500,000");
    }
}
