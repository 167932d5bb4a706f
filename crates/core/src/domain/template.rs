//! Mail templates as staff write them: plain text with placeholders in angle brackets
//! (`<name>`, `<link>`, …). Parsing finds every problem with its line and column, so the
//! wizard can show them at the spot before the round trip; the server parses again
//! before saving and before sending. Rendering fills in the values, escaping them for
//! the HTML part: staff write text, never HTML, so nothing they or a contact typed can
//! become markup.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placeholder {
    Salutation,
    Name,
    Company,
    Link,
    ValidUntil,
}

impl Placeholder {
    pub const ALL: [Placeholder; 5] = [
        Placeholder::Salutation,
        Placeholder::Name,
        Placeholder::Company,
        Placeholder::Link,
        Placeholder::ValidUntil,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Placeholder::Salutation => "salutation",
            Placeholder::Name => "name",
            Placeholder::Company => "company",
            Placeholder::Link => "link",
            Placeholder::ValidUntil => "valid_until",
        }
    }

    fn from_name(name: &str) -> Option<Placeholder> {
        Placeholder::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }
}

/// One problem in a template, located for the person fixing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateProblem {
    /// 1-based; 0 when the problem is about the whole template (a missing placeholder).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "Line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Slot(Placeholder),
}

/// A parsed template: text and placeholders in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// What the placeholders stand for in one mail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailValues {
    pub salutation: String,
    pub name: String,
    pub company: String,
    pub link: String,
    pub valid_until: String,
}

impl MailValues {
    fn get(&self, p: Placeholder) -> &str {
        match p {
            Placeholder::Salutation => &self.salutation,
            Placeholder::Name => &self.name,
            Placeholder::Company => &self.company,
            Placeholder::Link => &self.link,
            Placeholder::ValidUntil => &self.valid_until,
        }
    }
}

pub const SUBJECT_MAX: usize = 200;
pub const BODY_MAX: usize = 10_000;

fn known_list() -> String {
    let names: Vec<String> = Placeholder::ALL
        .iter()
        .map(|p| format!("<{}>", p.name()))
        .collect();
    names.join(", ")
}

impl Template {
    /// Parses a template; `required` placeholders must appear at least once.
    pub fn parse(src: &str, required: &[Placeholder]) -> Result<Template, Vec<TemplateProblem>> {
        let mut problems = Vec::new();
        let mut pieces = Vec::new();
        let mut text = String::new();
        let chars: Vec<char> = src.chars().collect();
        let (mut line, mut column) = (1usize, 1usize);
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let starts_name = c == '<'
                && chars
                    .get(i + 1)
                    .is_some_and(|n| n.is_ascii_alphabetic() || *n == '_');
            if !starts_name {
                if c == '\n' {
                    line += 1;
                    column = 1;
                } else {
                    column += 1;
                }
                if !c.is_control() || c == '\n' || c == '\t' {
                    text.push(c);
                }
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let name: String = chars[i + 1..j].iter().collect();
            if chars.get(j) != Some(&'>') {
                problems.push(TemplateProblem {
                    line,
                    column,
                    message: format!("<{name} is not closed: write <{name}>."),
                });
                text.extend(&chars[i..j]);
                column += j - i;
                i = j;
                continue;
            }
            match Placeholder::from_name(&name) {
                Some(p) => {
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Slot(p));
                }
                None => {
                    problems.push(TemplateProblem {
                        line,
                        column,
                        message: format!(
                            "<{name}> is not a placeholder. Use {}; mails are plain text, so HTML tags are not needed.",
                            known_list()
                        ),
                    });
                }
            }
            column += j + 1 - i;
            i = j + 1;
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        let template = Template { pieces };
        for p in required {
            if !template.uses(*p) {
                problems.push(TemplateProblem {
                    line: 0,
                    column: 0,
                    message: format!(
                        "The text must contain <{}>: {}",
                        p.name(),
                        match p {
                            Placeholder::Link => "without it the recipient cannot open their data.",
                            Placeholder::ValidUntil =>
                                "recipients must know until when the link works.",
                            _ => "it is required.",
                        }
                    ),
                });
            }
        }
        if problems.is_empty() {
            Ok(template)
        } else {
            Err(problems)
        }
    }

    /// An opening line (a reminder's, above the message): one line, at most
    /// `SUBJECT_MAX` characters; blank for none.
    pub fn parse_opening(src: &str) -> Result<Template, Vec<TemplateProblem>> {
        let whole = |message: String| {
            vec![TemplateProblem {
                line: 0,
                column: 0,
                message,
            }]
        };
        if src.contains(['\n', '\r']) {
            return Err(whole("An opening line is one line.".into()));
        }
        let len = src.chars().count();
        if len > SUBJECT_MAX {
            return Err(whole(format!(
                "Use at most {SUBJECT_MAX} characters (now {len})."
            )));
        }
        Template::parse(src.trim(), &[])
    }

    /// A subject: one line, at most `SUBJECT_MAX` characters, not blank.
    pub fn parse_subject(src: &str) -> Result<Template, Vec<TemplateProblem>> {
        let whole = |message: String| {
            vec![TemplateProblem {
                line: 0,
                column: 0,
                message,
            }]
        };
        if src.trim().is_empty() {
            return Err(whole("Write a subject.".into()));
        }
        if src.contains(['\n', '\r']) {
            return Err(whole("A subject is one line.".into()));
        }
        let len = src.chars().count();
        if len > SUBJECT_MAX {
            return Err(whole(format!(
                "Use at most {SUBJECT_MAX} characters (now {len})."
            )));
        }
        Template::parse(src.trim(), &[])
    }

    /// A body: `<link>` and `<valid_until>` required, at most `BODY_MAX` characters.
    pub fn parse_body(src: &str) -> Result<Template, Vec<TemplateProblem>> {
        let len = src.chars().count();
        if len > BODY_MAX {
            return Err(vec![TemplateProblem {
                line: 0,
                column: 0,
                message: format!("Use at most {BODY_MAX} characters (now {len})."),
            }]);
        }
        let normalised = src.replace("\r\n", "\n");
        Template::parse(
            normalised.trim(),
            &[Placeholder::Link, Placeholder::ValidUntil],
        )
    }

    pub fn uses(&self, p: Placeholder) -> bool {
        self.pieces.contains(&Piece::Slot(p))
    }

    /// The plain-text rendering.
    pub fn render_text(&self, v: &MailValues) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Slot(p) => out.push_str(v.get(*p)),
            }
        }
        out
    }

    /// The HTML rendering of the body: paragraphs at blank lines, line breaks inside
    /// them, the link as a link; every character of text and values escaped.
    pub fn render_html(&self, v: &MailValues) -> String {
        let mut paragraphs: Vec<String> = vec![String::new()];
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => {
                    let mut newlines = 0;
                    for c in t.chars() {
                        if c == '\n' {
                            newlines += 1;
                            continue;
                        }
                        flush_newlines(&mut paragraphs, &mut newlines);
                        push_escaped(paragraphs.last_mut().expect("never empty"), c);
                    }
                    flush_newlines(&mut paragraphs, &mut newlines);
                }
                Piece::Slot(Placeholder::Link) => {
                    let href = escape(&v.link);
                    paragraphs
                        .last_mut()
                        .expect("never empty")
                        .push_str(&format!("<a href=\"{href}\">{href}</a>"));
                }
                Piece::Slot(p) => {
                    let current = paragraphs.last_mut().expect("never empty");
                    for c in v.get(*p).chars() {
                        push_escaped(current, c);
                    }
                }
            }
        }
        paragraphs
            .iter()
            .map(|p| p.trim_end_matches("<br>"))
            .filter(|p| !p.trim().is_empty())
            .map(|p| format!("<p>{p}</p>"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn flush_newlines(paragraphs: &mut Vec<String>, newlines: &mut usize) {
    match *newlines {
        0 => {}
        1 => paragraphs.last_mut().expect("never empty").push_str("<br>"),
        _ => paragraphs.push(String::new()),
    }
    *newlines = 0;
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> MailValues {
        MailValues {
            salutation: "Mevrouw".into(),
            name: "Anna <b>de</b> Vries & Co".into(),
            company: "Autobedrijf \"Noord\"".into(),
            link: "https://check.example.nl/c/abc?x=1&y=2".into(),
            valid_until: "30-11-2026".into(),
        }
    }

    #[test]
    fn placeholders_are_filled_in_text_and_escaped_in_html() {
        let t = Template::parse_body(
            "Beste <name>,\n\nControleer uw gegevens bij <company>:\n<link>\n\nGeldig tot <valid_until>.",
        )
        .unwrap();
        let text = t.render_text(&values());
        assert!(text.starts_with("Beste Anna <b>de</b> Vries & Co,\n\n"));
        assert!(text.contains("https://check.example.nl/c/abc?x=1&y=2"));
        let html = t.render_html(&values());
        assert_eq!(
            html,
            "<p>Beste Anna &lt;b&gt;de&lt;/b&gt; Vries &amp; Co,</p>\n\
             <p>Controleer uw gegevens bij Autobedrijf &quot;Noord&quot;:<br>\
             <a href=\"https://check.example.nl/c/abc?x=1&amp;y=2\">https://check.example.nl/c/abc?x=1&amp;y=2</a></p>\n\
             <p>Geldig tot 30-11-2026.</p>"
        );
    }

    #[test]
    fn unknown_and_unclosed_placeholders_are_located() {
        let problems =
            Template::parse_body("Hallo <naam>,\nklik <link\n<link> <valid_until>").unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!((problems[0].line, problems[0].column), (1, 7));
        assert!(
            problems[0]
                .message
                .starts_with("<naam> is not a placeholder")
        );
        assert_eq!((problems[1].line, problems[1].column), (2, 6));
        assert_eq!(problems[1].message, "<link is not closed: write <link>.");
        assert_eq!(
            problems[1].to_string(),
            "Line 2, column 6: <link is not closed: write <link>."
        );
    }

    #[test]
    fn link_and_valid_until_are_required_in_the_body() {
        let problems = Template::parse_body("Hallo <name>").unwrap_err();
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2);
        assert!(messages[0].starts_with("The text must contain <link>"));
        assert!(messages[1].starts_with("The text must contain <valid_until>"));
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        let t = Template::parse_body("a < b > c <link> <valid_until> 3<4").unwrap();
        assert!(t.render_text(&values()).starts_with("a < b > c https://"));
        assert!(
            t.render_html(&values())
                .starts_with("<p>a &lt; b &gt; c <a href=")
        );
    }

    #[test]
    fn placeholder_names_ignore_case() {
        let t = Template::parse_body("<LINK> <Valid_Until>").unwrap();
        assert_eq!(
            t.render_text(&values()),
            "https://check.example.nl/c/abc?x=1&y=2 30-11-2026"
        );
    }

    #[test]
    fn subjects_are_one_short_line() {
        assert!(Template::parse_subject("  ").is_err());
        assert!(Template::parse_subject("a\nb").is_err());
        assert!(Template::parse_subject(&"x".repeat(201)).is_err());
        let t = Template::parse_subject("Uw gegevens bij <company>").unwrap();
        assert_eq!(
            t.render_text(&values()),
            "Uw gegevens bij Autobedrijf \"Noord\""
        );
    }

    #[test]
    fn carriage_returns_from_browsers_do_not_reach_the_mail() {
        let t = Template::parse_body("a\r\n\r\nb <link> <valid_until>").unwrap();
        assert_eq!(
            t.render_html(&values()).matches("<p>").count(),
            2,
            "a blank line is a paragraph"
        );
        assert!(!t.render_text(&values()).contains('\r'));
    }
}
