//! The templates of the notices: data files embedded in the binary.
//!
//! One JSON file per template and version under `services/notification/templates/`
//! (`{name}.v{version}.json`): its kind, the Kazakh and Russian subject and
//! body with `{placeholders}`, and the placeholders every send must fill. A
//! change of wording is a new file with the next version; old versions stay,
//! so that `ListTemplates` shows every version a stored notice may cite. A
//! send uses the highest version of its kind's template.
//!
//! Placeholders are `{snake_case}`. A value may be given once for both
//! languages (`grounds`) or per language (`grounds.kk` and `grounds.ru`),
//! since dates aside most values read differently in Kazakh and Russian; the
//! language-specific one wins. Values are inserted as they are, in one pass:
//! braces inside a value are never read as placeholders. Parameters no
//! placeholder uses are ignored, so that a new template version which drops a
//! placeholder does not break senders.

use std::collections::{BTreeSet, HashMap};

use housing_platform::error::Violation;
use serde::Deserialize;

use crate::notice::{Language, NotificationKind, RenderedText};

/// The template files, embedded.
const EMBEDDED_TEMPLATES: [(&str, &str); 7] = [
    (
        "registration.v1.json",
        include_str!("../../templates/registration.v1.json"),
    ),
    (
        "preliminary_decision.v1.json",
        include_str!("../../templates/preliminary_decision.v1.json"),
    ),
    (
        "final_denial.v1.json",
        include_str!("../../templates/final_denial.v1.json"),
    ),
    (
        "complaint_registered.v1.json",
        include_str!("../../templates/complaint_registered.v1.json"),
    ),
    (
        "complaint_forwarded.v1.json",
        include_str!("../../templates/complaint_forwarded.v1.json"),
    ),
    (
        "complaint_decided.v1.json",
        include_str!("../../templates/complaint_decided.v1.json"),
    ),
    (
        "withdrawal.v1.json",
        include_str!("../../templates/withdrawal.v1.json"),
    ),
];

/// The collection part of a template's resource name.
pub const TEMPLATES_COLLECTION: &str = "templates/";

/// Most characters of one parameter value: a long list of grounds fits.
pub const MAX_PARAMETER_VALUE_CHARS: usize = 8_000;
/// Most parameters in one request.
pub const MAX_PARAMETERS: usize = 64;

/// A template file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// Not the documented JSON.
    #[error("{origin}: {source}")]
    Malformed {
        /// The file.
        origin: String,
        /// What the parser said.
        #[source]
        source: serde_json::Error,
    },
    /// The content breaks a rule of the format.
    #[error("{origin}: {problem}")]
    Invalid {
        /// The file.
        origin: String,
        /// What is wrong.
        problem: String,
    },
}

/// One piece of a parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Placeholder(String),
}

/// A text with its placeholders located.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ParsedText {
    source: String,
    segments: Vec<Segment>,
}

impl ParsedText {
    fn parse(source: &str) -> Result<Self, String> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut rest = source;
        while let Some(position) = rest.find(['{', '}']) {
            literal.push_str(&rest[..position]);
            let after = &rest[position..];
            if after.starts_with('}') {
                return Err("a '}' closes no placeholder".to_owned());
            }
            let close = after
                .find('}')
                .ok_or_else(|| "a '{' is never closed".to_owned())?;
            let name = &after[1..close];
            if !is_placeholder_name(name) {
                return Err(format!(
                    "{{{name}}} is not a placeholder: use {{snake_case}}"
                ));
            }
            if !literal.is_empty() {
                segments.push(Segment::Literal(std::mem::take(&mut literal)));
            }
            segments.push(Segment::Placeholder(name.to_owned()));
            rest = &after[close + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        Ok(Self {
            source: source.to_owned(),
            segments,
        })
    }

    fn placeholders(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Placeholder(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// Renders in one pass; `Err` names the first placeholder without a value.
    fn render<'value>(
        &self,
        value_of: impl Fn(&str) -> Option<&'value str>,
    ) -> Result<String, &str> {
        let mut rendered = String::with_capacity(self.source.len());
        for segment in &self.segments {
            match segment {
                Segment::Literal(text) => rendered.push_str(text),
                Segment::Placeholder(name) => {
                    rendered.push_str(value_of(name).ok_or(name.as_str())?);
                }
            }
        }
        Ok(rendered)
    }
}

fn is_placeholder_name(name: &str) -> bool {
    let mut characters = name.chars();
    characters.next().is_some_and(|c| c.is_ascii_lowercase())
        && characters.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A template's wording in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateText {
    /// The language.
    pub language: Language,
    subject: ParsedText,
    body: ParsedText,
}

impl TemplateText {
    /// The subject with its `{placeholders}`.
    pub fn subject(&self) -> &str {
        &self.subject.source
    }

    /// The body with its `{placeholders}`.
    pub fn body(&self) -> &str {
        &self.body.source
    }
}

/// One version of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The name without the collection, e.g. `registration`.
    pub name: String,
    /// The kind of notice it renders.
    pub kind: NotificationKind,
    /// The version: a change of wording is a new version.
    pub version: u32,
    /// The placeholders every send must fill, in the file's order.
    pub placeholders: Vec<String>,
    /// Kazakh first, then Russian.
    pub texts: Vec<TemplateText>,
}

impl Template {
    /// The resource name, `templates/{name}`.
    pub fn resource_name(&self) -> String {
        format!("{TEMPLATES_COLLECTION}{}", self.name)
    }

    /// Renders both languages with `parameters`. Every placeholder without a
    /// value is one violation (`parameters[name]`, or `parameters[name.kk]`
    /// when only the other language's value was given); all are reported at once.
    pub fn render(
        &self,
        parameters: &HashMap<String, String>,
    ) -> Result<Vec<RenderedText>, Vec<Violation>> {
        let value_of = |name: &str, language: Language| {
            parameters
                .get(&format!("{name}.{}", language.code()))
                .or_else(|| parameters.get(name))
                .map(String::as_str)
        };
        let mut violations = Vec::new();
        for name in &self.placeholders {
            let missing: Vec<Language> = Language::ALL
                .into_iter()
                .filter(|language| value_of(name, *language).is_none())
                .collect();
            if missing.len() == Language::ALL.len() {
                violations.push(Violation::new(
                    format!("parameters[{name}]"),
                    format!(
                        "the template {} v{} needs a value for {{{name}}} (or {name}.kk and {name}.ru)",
                        self.name, self.version
                    ),
                ));
                continue;
            }
            for language in missing {
                violations.push(Violation::new(
                    format!("parameters[{name}.{}]", language.code()),
                    format!(
                        "the template {} v{} needs the {} value of {{{name}}} too",
                        self.name,
                        self.version,
                        language.code()
                    ),
                ));
            }
        }
        if !violations.is_empty() {
            return Err(violations);
        }
        self.texts
            .iter()
            .map(|text| {
                let value = |name: &str| value_of(name, text.language);
                Ok(RenderedText {
                    language: text.language,
                    subject: text.subject.render(value)?,
                    body: text.body.render(value)?,
                })
            })
            .collect::<Result<Vec<_>, &str>>()
            // Unreachable while every used placeholder is declared (checked at
            // load) and every declared one has a value (checked above).
            .map_err(|name| {
                vec![Violation::new(
                    format!("parameters[{name}]"),
                    "the template needs a value for this placeholder",
                )]
            })
    }
}

/// Every template, every version.
#[derive(Debug, Clone)]
pub struct TemplateCatalogue {
    /// Sorted by name, then version.
    templates: Vec<Template>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    name: String,
    kind: String,
    version: u32,
    placeholders: Vec<String>,
    texts: HashMap<String, TextFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TextFile {
    subject: String,
    body: String,
}

impl TemplateCatalogue {
    /// The templates embedded in the binary.
    pub fn embedded() -> Result<Self, TemplateError> {
        Self::from_sources(&EMBEDDED_TEMPLATES)
    }

    /// Reads templates from `(origin, json)` pairs. Every file must name a
    /// known kind, fill both languages, declare exactly the placeholders each
    /// language uses, and be the only one of its name and version.
    pub fn from_sources(sources: &[(&str, &str)]) -> Result<Self, TemplateError> {
        let mut templates = Vec::with_capacity(sources.len());
        for (origin, json) in sources {
            let file: TemplateFile =
                serde_json::from_str(json).map_err(|source| TemplateError::Malformed {
                    origin: (*origin).to_owned(),
                    source,
                })?;
            templates.push(Self::template_of(origin, file)?);
        }
        templates.sort_by(|a, b| (&a.name, a.version).cmp(&(&b.name, b.version)));
        if let Some(pair) = templates
            .windows(2)
            .find(|pair| pair[0].name == pair[1].name && pair[0].version == pair[1].version)
        {
            return Err(TemplateError::Invalid {
                origin: pair[1].resource_name(),
                problem: format!("version {} is defined twice", pair[1].version),
            });
        }
        if let Some(pair) = templates
            .windows(2)
            .find(|pair| pair[0].name == pair[1].name && pair[0].kind != pair[1].kind)
        {
            return Err(TemplateError::Invalid {
                origin: pair[1].resource_name(),
                problem: "its versions render different kinds".to_owned(),
            });
        }
        Ok(Self { templates })
    }

    fn template_of(origin: &str, file: TemplateFile) -> Result<Template, TemplateError> {
        let invalid = |problem: String| TemplateError::Invalid {
            origin: origin.to_owned(),
            problem,
        };
        let kind = NotificationKind::from_code(&file.kind)
            .ok_or_else(|| invalid(format!("unknown kind {:?}", file.kind)))?;
        if file.version == 0 {
            return Err(invalid("versions start at 1".to_owned()));
        }
        if file.name.is_empty() || !is_placeholder_name(&file.name) {
            return Err(invalid("the name must be snake_case".to_owned()));
        }
        let declared: BTreeSet<&str> = file.placeholders.iter().map(String::as_str).collect();
        if declared.len() != file.placeholders.len() {
            return Err(invalid("a placeholder is declared twice".to_owned()));
        }
        if let Some(language) = file.texts.keys().find(|code| {
            !Language::ALL
                .iter()
                .any(|language| language.code() == *code)
        }) {
            return Err(invalid(format!("unknown language {language:?}")));
        }
        let mut texts = Vec::with_capacity(Language::ALL.len());
        for language in Language::ALL {
            let text = file
                .texts
                .get(language.code())
                .ok_or_else(|| invalid(format!("the {} text is missing", language.code())))?;
            let subject = ParsedText::parse(&text.subject).map_err(&invalid)?;
            let body = ParsedText::parse(&text.body).map_err(&invalid)?;
            if subject.source.trim().is_empty() || body.source.trim().is_empty() {
                return Err(invalid(format!(
                    "the {} subject and body must not be empty",
                    language.code()
                )));
            }
            let used: BTreeSet<&str> = subject.placeholders().chain(body.placeholders()).collect();
            if used != declared {
                return Err(invalid(format!(
                    "the {} text uses {used:?} but the file declares {declared:?}",
                    language.code()
                )));
            }
            texts.push(TemplateText {
                language,
                subject,
                body,
            });
        }
        Ok(Template {
            name: file.name,
            kind,
            version: file.version,
            placeholders: file.placeholders,
            texts,
        })
    }

    /// Every template, every version, by name then version.
    pub fn all(&self) -> &[Template] {
        &self.templates
    }

    /// The template a send of `kind` uses: the highest version.
    pub fn current(&self, kind: NotificationKind) -> Option<&Template> {
        self.templates
            .iter()
            .filter(|template| template.kind == kind)
            .max_by_key(|template| template.version)
    }
}

/// Checks the parameters themselves (count, names, sizes), before any template is applied.
pub fn parameter_violations(parameters: &HashMap<String, String>) -> Vec<Violation> {
    let mut violations = Vec::new();
    if parameters.len() > MAX_PARAMETERS {
        violations.push(Violation::new(
            "parameters",
            format!("must hold at most {MAX_PARAMETERS} entries"),
        ));
    }
    let mut names: Vec<&String> = parameters.keys().collect();
    names.sort();
    for name in names {
        let (base, language) = match name.split_once('.') {
            Some((base, language)) => (base, Some(language)),
            None => (name.as_str(), None),
        };
        let language_known = language
            .is_none_or(|code| Language::ALL.iter().any(|language| language.code() == code));
        if !is_placeholder_name(base) || base.len() > 64 || !language_known {
            violations.push(Violation::new(
                format!("parameters[{}]", printable_key(name)),
                "a parameter name is a snake_case placeholder, optionally with .kk or .ru",
            ));
            continue;
        }
        let value = &parameters[name];
        if value.chars().count() > MAX_PARAMETER_VALUE_CHARS {
            violations.push(Violation::new(
                format!("parameters[{name}]"),
                format!("must be at most {MAX_PARAMETER_VALUE_CHARS} characters"),
            ));
        } else if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            violations.push(Violation::new(
                format!("parameters[{name}]"),
                "must not contain control characters other than line breaks and tabs",
            ));
        }
    }
    violations
}

/// A parameter name as it may be echoed in a violation: short and printable.
fn printable_key(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(64).collect()
}

#[cfg(test)]
mod tests;
