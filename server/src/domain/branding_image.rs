//! What a branding image may be: its type is read from its bytes, never from its name or the
//! declared content type (a PNG called `logo.jpg` is a PNG; an HTML page called `logo.png` is
//! refused), only PNG, JPEG and WebP are taken, and its size and dimensions are capped per
//! image. SVG is refused outright: it is a document that can carry scripts and links, and no
//! sanitiser makes that worth the risk on a sign-in page.
//!
//! The image is decoded once in full (within its dimension cap), so a file that only starts
//! like a PNG is refused too. Its dimensions are counted as browsers show it, after a photo's
//! EXIF orientation.

use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat, ImageReader};
use sspr_api::branding::{
    parse_pixels_target, pixels_target, ImageCaps, ImageRule, BACKGROUND_IMAGE_CAPS,
    BANNER_LOGO_CAPS, SQUARE_LOGO_CAPS,
};
use sspr_api::{ErrorDetail, WireName};
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

/// Why an image was refused: the rule it broke, and what about it (`target`, as
/// [`ImageRule`] says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub slot: Slot,
    pub rule: ImageRule,
    pub target: String,
}

impl Refusal {
    fn new(slot: Slot, rule: ImageRule, target: String) -> Refusal {
        Refusal { slot, rule, target }
    }

    /// The refusal as a sentence for the administrator (English; the portal words it from
    /// [`Refusal::detail`] in its own language).
    pub fn sentence(&self) -> String {
        let label = self.slot.label();
        let caps = self.slot.caps();
        match self.rule {
            ImageRule::Empty => format!("{label} is empty."),
            ImageRule::TooLarge => format!("{label} may be at most {} KB.", self.target),
            ImageRule::Svg => format!(
                "{label} is an SVG, which is not accepted (it can carry scripts): upload a PNG, JPEG or WebP."
            ),
            ImageRule::NotAnImage => format!("{label} is not a PNG, JPEG or WebP image."),
            ImageRule::TooManyPixels => {
                let (width, height) = parse_pixels_target(&self.target).unwrap_or_default();
                format!(
                    "{label} may be at most {} × {} pixels; this one is {width} × {height}.",
                    caps.max_width, caps.max_height
                )
            }
        }
    }

    /// The refusal as the error's one detail.
    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.rule.as_str().to_owned(),
            message: self.sentence(),
            target: self.target.clone(),
            line: None,
        }
    }
}

/// Checks `bytes` as the image of `slot`.
pub fn check(slot: Slot, bytes: &[u8]) -> Result<Checked, Refusal> {
    let ImageCaps {
        max_bytes,
        max_width,
        max_height,
    } = slot.caps();
    let refuse = |rule| Refusal::new(slot, rule, String::new());
    if bytes.is_empty() {
        return Err(refuse(ImageRule::Empty));
    }
    if bytes.len() > max_bytes {
        let cap = (max_bytes / 1024).to_string();
        return Err(Refusal::new(slot, ImageRule::TooLarge, cap));
    }
    if looks_like_svg(bytes) {
        return Err(refuse(ImageRule::Svg));
    }
    let not_an_image = || refuse(ImageRule::NotAnImage);
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| not_an_image())?;
    let (content_type, extension) = match reader.format() {
        Some(ImageFormat::Png) => ("image/png", "png"),
        Some(ImageFormat::Jpeg) => ("image/jpeg", "jpg"),
        Some(ImageFormat::WebP) => ("image/webp", "webp"),
        _ => return Err(not_an_image()),
    };
    let (width, height) = shown_dimensions(reader).ok_or_else(not_an_image)?;
    if width > max_width || height > max_height {
        let counted = pixels_target(width, height);
        return Err(Refusal::new(slot, ImageRule::TooManyPixels, counted));
    }
    image::load_from_memory(bytes).map_err(|_| not_an_image())?;
    Ok(Checked {
        content_type,
        extension,
        width,
        height,
    })
}

/// The width and height of the image as browsers show it: a photo's EXIF orientation turned
/// a quarter swaps them (the portal measures the same way, so the two agree on a rotated photo).
fn shown_dimensions(reader: ImageReader<Cursor<&[u8]>>) -> Option<(u32, u32)> {
    let mut decoder = reader.into_decoder().ok()?;
    let (width, height) = decoder.dimensions();
    let quarter_turned = matches!(
        decoder.orientation().ok()?,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    Some(if quarter_turned {
        (height, width)
    } else {
        (width, height)
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
        let refusal = check(Slot::BannerLogo, html).expect_err("html");
        assert_eq!(refusal.rule, ImageRule::NotAnImage);
        assert!(refusal.sentence().contains("not a PNG, JPEG or WebP"));
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        let refusal = check(Slot::BannerLogo, svg).expect_err("svg");
        assert_eq!(refusal.rule, ImageRule::Svg);
        assert!(refusal.sentence().contains("is an SVG"));
        let mut cut = png(50, 50);
        cut.truncate(cut.len() / 2);
        let refusal = check(Slot::BannerLogo, &cut).expect_err("cut");
        assert_eq!(refusal.rule, ImageRule::NotAnImage);
        assert_eq!(
            check(Slot::BannerLogo, b"").expect_err("empty").rule,
            ImageRule::Empty
        );
    }

    /// A JPEG `width` × `height` pixels as stored, whose EXIF says to turn it a quarter
    /// clockwise (orientation 6) to show it.
    fn quarter_turned_jpeg(width: u32, height: u32) -> Vec<u8> {
        use image::codecs::jpeg::JpegEncoder;
        use image::ImageEncoder;
        // A little-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT, 1, 6.
        let exif = [
            b"II*\0".as_slice(),
            &8_u32.to_le_bytes(),
            &1_u16.to_le_bytes(),
            &[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0],
            &0_u32.to_le_bytes(),
        ]
        .concat();
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new(&mut out);
        encoder.set_exif_metadata(exif).expect("exif");
        let pixels = vec![0_u8; (width * height * 3) as usize];
        encoder
            .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
            .expect("jpeg");
        out
    }

    #[test]
    fn a_rotated_photo_is_measured_as_it_is_shown() {
        // 288 × 980 as stored is 980 × 288 as shown: the banner logo's cap exactly.
        let checked = check(Slot::BannerLogo, &quarter_turned_jpeg(288, 980)).expect("fits");
        assert_eq!((checked.width, checked.height), (980, 288));
        assert_eq!(checked.content_type, "image/jpeg");
        // 980 × 288 as stored is 288 × 980 as shown: too tall.
        let refusal = check(Slot::BannerLogo, &quarter_turned_jpeg(980, 288)).expect_err("tall");
        assert_eq!(refusal.target, "288x980");
    }

    #[test]
    fn sizes_and_dimensions_are_capped() {
        let refusal = check(Slot::SquareLogo, &png(481, 10)).expect_err("too wide");
        let detail = refusal.detail();
        assert_eq!(
            (detail.code.as_str(), detail.target.as_str()),
            ("too_many_pixels", "481x10")
        );
        assert!(
            detail
                .message
                .contains("at most 480 × 480 pixels; this one is 481 × 10"),
            "{}",
            detail.message
        );
        let big = vec![0_u8; SQUARE_LOGO_CAPS.max_bytes + 1];
        let detail = check(Slot::SquareLogo, &big).expect_err("too big").detail();
        assert_eq!(
            (detail.code.as_str(), detail.target.as_str()),
            ("too_large", "50")
        );
        assert_eq!(detail.message, "The square logo may be at most 50 KB.");
        assert!(check(Slot::BackgroundImage, &png(1920, 1080)).is_ok());
    }
}
