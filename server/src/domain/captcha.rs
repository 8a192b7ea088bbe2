//! The on-screen verification code (CAPTCHA) of **Can't access your account?**: when it is
//! required, what an answer looks like, and its two renderings — a distorted picture (the
//! `captcha` crate) and a spoken form for screen-reader users, the digits read from short clips
//! (`server/assets/captcha/`, their provenance in its README) joined with pauses and light noise.
//!
//! The answer is digits only, so that it can be spoken; it lives [`LIFETIME_MS`], is stored as
//! its keyed hash and is checked once.

use rand::Rng;

/// How many digits an answer has (1 to 9 each: 531,441 answers).
pub const LENGTH: u32 = 6;
/// How long a verification code may be answered: five minutes.
pub const LIFETIME_MS: i64 = 5 * 60_000;
/// The window the tries are counted in (fixed windows, as every rate limit): 15 minutes.
pub const WINDOW_MS: i64 = 15 * 60_000;

/// Whether a try must carry a verification code, given the tries allowed without one in each
/// [`WINDOW_MS`] (`SSPR_CAPTCHA_FREE_TRIES`) and those counted so far in the current windows
/// (this one included) from its client address and for its email address.
pub fn required(free_tries: u32, client_tries: i64, address_tries: i64) -> bool {
    let free = i64::from(free_tries);
    client_tries > free || address_tries > free
}

/// A typed answer as it is compared: spaces removed; `None` when it cannot be an answer at all
/// (wrong length, not digits).
pub fn normalise(typed: &str) -> Option<String> {
    let answer: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (answer.len() == LENGTH as usize && answer.bytes().all(|b| b.is_ascii_digit()))
        .then_some(answer)
}

/// A new verification code: its answer and what the user is shown.
#[derive(Debug)]
pub struct Rendered {
    pub answer: String,
    pub png: Vec<u8>,
    pub wav: Vec<u8>,
}

/// The digits used: the crate's font has no zero (it looks like the letter O).
const DIGITS: [char; 9] = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/// A random answer rendered as a picture and as speech; `None` if the picture could not be
/// encoded.
pub fn render() -> Option<Rendered> {
    let mut captcha = captcha::Captcha::new();
    captcha
        .set_chars(&DIGITS)
        .add_chars(LENGTH)
        .apply_filter(captcha::filters::Noise::new(0.1))
        .apply_filter(captcha::filters::Wave::new(2.0, 8.0).horizontal())
        .apply_filter(captcha::filters::Wave::new(2.0, 8.0).vertical())
        .view(220, 120)
        .apply_filter(captcha::filters::Dots::new(6));
    let answer = captcha.chars_as_string();
    if normalise(&answer).as_deref() != Some(answer.as_str()) {
        return None;
    }
    let png = captcha.as_png()?;
    let wav = spoken(&answer, &mut rand::thread_rng());
    Some(Rendered { answer, png, wav })
}

/// The clips' format: 8 kHz, 8-bit unsigned, mono.
const RATE: u32 = 8_000;
/// Silence in 8-bit unsigned samples.
const SILENCE: u8 = 128;

/// The spoken-digit clips, `1.wav` to `9.wav`.
const CLIPS: [&[u8]; 9] = [
    include_bytes!("../../assets/captcha/1.wav"),
    include_bytes!("../../assets/captcha/2.wav"),
    include_bytes!("../../assets/captcha/3.wav"),
    include_bytes!("../../assets/captcha/4.wav"),
    include_bytes!("../../assets/captcha/5.wav"),
    include_bytes!("../../assets/captcha/6.wav"),
    include_bytes!("../../assets/captcha/7.wav"),
    include_bytes!("../../assets/captcha/8.wav"),
    include_bytes!("../../assets/captcha/9.wav"),
];

/// The samples of a WAV file's `data` chunk.
fn samples(wav: &[u8]) -> &[u8] {
    let mut at = 12;
    while at + 8 <= wav.len() {
        let id = &wav[at..at + 4];
        let size = u32::from_le_bytes([wav[at + 4], wav[at + 5], wav[at + 6], wav[at + 7]]);
        let start = at + 8;
        let end = start.saturating_add(size as usize).min(wav.len());
        if id == b"data" {
            return &wav[start..end];
        }
        at = end + (size as usize & 1);
    }
    &[]
}

/// `answer`'s digits read out one by one, with pauses of varying length between them and light
/// noise throughout, as a WAV file.
fn spoken(answer: &str, rng: &mut impl Rng) -> Vec<u8> {
    let ms = |n: u32| (RATE / 1000 * n) as usize;
    let mut pcm: Vec<u8> = vec![SILENCE; ms(400)];
    for digit in answer.bytes().filter(|b| (b'1'..=b'9').contains(b)) {
        pcm.extend_from_slice(samples(CLIPS[usize::from(digit - b'1')]));
        let pause = ms(350) + rng.gen_range(0..ms(250));
        pcm.extend(std::iter::repeat_n(SILENCE, pause));
    }
    for sample in &mut pcm {
        let noise: i16 = rng.gen_range(-4..=4);
        *sample = (i16::from(*sample) + noise).clamp(0, 255) as u8;
    }
    wav(&pcm)
}

/// 8-bit mono PCM at [`RATE`] as a WAV file.
fn wav(pcm: &[u8]) -> Vec<u8> {
    let len = u32::try_from(pcm.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(pcm.len() + 44);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&RATE.to_le_bytes()); // bytes per second
    out.extend_from_slice(&1u16.to_le_bytes()); // block align
    out.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(pcm);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_required_only_after_the_free_tries_from_the_client_or_for_the_address() {
        assert!(!required(3, 1, 1));
        assert!(!required(3, 3, 3));
        assert!(required(3, 4, 1));
        assert!(required(3, 1, 4));
        assert!(!required(10, 10, 10));
        assert!(required(10, 11, 1));
        assert!(required(0, 1, 1), "0: every try");
    }

    #[test]
    fn an_answer_is_six_digits_and_spaces_do_not_count() {
        assert_eq!(normalise(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalise("12345"), None);
        assert_eq!(normalise("1234567"), None);
        assert_eq!(normalise("12a456"), None);
        assert_eq!(normalise("１２３４５６"), None, "only ASCII digits");
    }

    #[test]
    fn every_clip_has_samples() {
        for clip in CLIPS {
            let s = samples(clip);
            assert!(s.len() > 1_000, "a digit lasts over an eighth of a second");
        }
    }

    #[test]
    fn a_rendering_is_a_png_and_a_wav_of_six_digits() {
        let rendered = render().expect("rendered");
        assert_eq!(normalise(&rendered.answer), Some(rendered.answer.clone()));
        assert!(rendered.png.starts_with(b"\x89PNG"));
        assert!(rendered.wav.starts_with(b"RIFF"));
        let pcm = samples(&rendered.wav);
        assert_eq!(pcm.len() + 44, rendered.wav.len());
        // Six digits with pauses: between three and seven seconds.
        assert!((3 * RATE as usize..7 * RATE as usize).contains(&pcm.len()));
    }

    #[test]
    fn the_spoken_form_differs_each_time_for_the_same_digits() {
        let mut rng = rand::thread_rng();
        assert_ne!(spoken("12345", &mut rng), spoken("12345", &mut rng));
    }
}
