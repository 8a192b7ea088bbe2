//! What a branding image may be: its type is read from its bytes, never from its name or the
//! declared content type (a PNG called `logo.jpg` is a PNG; an HTML page called `logo.png` is
//! refused), only PNG, JPEG and WebP are taken, and its size and dimensions are capped per
//! image. SVG is refused outright: it is a document that can carry scripts and links, and no
//! sanitiser makes that worth the risk on a sign-in page.
//!
//! The image is decoded once in full (within its dimension cap), so a file that only starts
//! like a PNG is refused too.

use image::{ImageFormat, ImageReader};
use sspr_api::branding::{ImageCaps, BACKGROUND_IMAGE_CAPS, BANNER_LOGO_CAPS, SQUARE_LOGO_CAPS};
use std::io::Cursor;

/// The three images of a branding, with their caps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    BackgroundImage,
    BannerLogo,
    SquareLogo,
}

impl Slot {
    /// The most bytes, and the widest and tallest image, accepted.
    pub fn caps(self) -> ImageCaps {
        match self {
            Slot::BackgroundImage => BACKGROUND_IMAGE_CAPS,
            Slot::BannerLogo => BANNER_LOGO_CAPS,
            Slot::SquareLogo => SQUARE_LOGO_CAPS,
        }
    }

    /// The name people read in messages.
    pub fn label(self) -> &'static str {
        match self {
            Slot::BackgroundImage => "The background image",
            Slot::BannerLogo => "The banner logo",
            Slot::SquareLogo => "The square logo",
        }
    }
}

/// An accepted image: its real type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub content_type: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Checks `bytes` as the image of `slot`; the error is a sentence for the administrator.
pub fn check(slot: Slot, bytes: &[u8]) -> Result<Checked, String> {
    let ImageCaps {
        max_bytes,
        max_width,
        max_height,
    } = slot.caps();
    let label = slot.label();
    if bytes.is_empty() {
        return Err(format!("{label} is empty."));
    }
    if bytes.len() > max_bytes {
        return Err(format!("{label} may be at most {} KB.", max_bytes / 1024));
    }
    if looks_like_svg(bytes) {
        return Err(format!(
            "{label} is an SVG, which is not accepted (it can carry scripts): upload a PNG, JPEG or WebP."
        ));
    }
    let not_an_image = || format!("{label} is not a PNG, JPEG or WebP image.");
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| not_an_image())?;
    let (content_type, extension) = match reader.format() {
        Some(ImageFormat::Png) => ("image/png", "png"),
        Some(ImageFormat::Jpeg) => ("image/jpeg", "jpg"),
        Some(ImageFormat::WebP) => ("image/webp", "webp"),
        _ => return Err(not_an_image()),
    };
    let (width, height) = reader.into_dimensions().map_err(|_| not_an_image())?;
    if width > max_width || height > max_height {
        return Err(format!(
            "{label} may be at most {max_width} × {max_height} pixels; this one is {width} × {height}."
        ));
    }
    image::load_from_memory(bytes).map_err(|_| not_an_image())?;
    Ok(Checked {
        content_type,
        extension,
        width,
        height,
    })
}

/// Whether `bytes` is an SVG (or other XML) document, whatever it is called.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<?xml") || head.starts_with("<svg") || head.contains("<svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image::RgbImage::new(width, height)
            .write_to(&mut out, ImageFormat::Png)
            .expect("png");
        out.into_inner()
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        let checked = check(Slot::SquareLogo, &png(100, 100)).expect("a png");
        assert_eq!(checked.content_type, "image/png");
        assert_eq!((checked.width, checked.height), (100, 100));
    }

    #[test]
    fn html_svg_and_truncated_images_are_refused() {
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        assert!(check(Slot::BannerLogo, html)
            .expect_err("html")
            .contains("not a PNG, JPEG or WebP"));
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        assert!(check(Slot::BannerLogo, svg)
            .expect_err("svg")
            .contains("is an SVG"));
        let mut cut = png(50, 50);
        cut.truncate(cut.len() / 2);
        assert!(check(Slot::BannerLogo, &cut).is_err());
    }

    #[test]
    fn sizes_and_dimensions_are_capped() {
        let error = check(Slot::SquareLogo, &png(481, 10)).expect_err("too wide");
        assert!(error.contains("at most 480 × 480 pixels"), "{error}");
        assert!(check(Slot::BackgroundImage, &png(1920, 1080)).is_ok());
    }
}
