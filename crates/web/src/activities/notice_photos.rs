//! Photos of news posts: decoded and re-encoded as JPEG at most 1600 px on the long side. The
//! re-encoding keeps only the pixels, so EXIF (the phone's GPS position, its serial number) is
//! gone; a file that is not a readable PNG or JPEG, or is absurdly large, is refused.

use std::io::Cursor;

/// The long side of a stored photo.
pub const PHOTO_MAX_SIDE: u32 = 1600;
/// The largest picture decoded (pixels on a side).
const DECODE_MAX_SIDE: u32 = 12_000;

/// Why a photo is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    Unreadable,
}

/// The photo as stored: resized, re-encoded, without metadata.
pub fn prepare(bytes: &[u8]) -> Result<Vec<u8>, PhotoError> {
    let mut reader =
        image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| PhotoError::Unreadable)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(DECODE_MAX_SIDE);
    limits.max_image_height = Some(DECODE_MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| PhotoError::Unreadable)?;
    let img = if img.width() > PHOTO_MAX_SIDE || img.height() > PHOTO_MAX_SIDE {
        img.resize(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let rgb = img.to_rgb8();
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    rgb.write_with_encoder(encoder).map_err(|_| PhotoError::Unreadable)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = Vec::new();
        img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut out)).unwrap();
        out
    }

    /// A JPEG with an EXIF segment (APP1) right after its start marker, as a phone writes it.
    fn with_exif(jpeg: &[u8]) -> Vec<u8> {
        let payload = b"Exif\0\0MM\0*GPS-SECRET-POSITION";
        let len = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1, len[0], len[1]]);
        out.extend_from_slice(payload);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn photos_lose_exif_when_re_encoded() {
        let src = with_exif(&jpeg(40, 30));
        assert!(src.windows(4).any(|w| w == b"Exif"));
        let out = prepare(&src).unwrap();
        assert!(!out.windows(4).any(|w| w == b"Exif"));
        assert!(!out.windows(10).any(|w| w == b"GPS-SECRET"));
    }

    #[test]
    fn large_photos_are_resized_to_the_long_side() {
        let out = prepare(&jpeg(3200, 1000)).unwrap();
        let img = image::load_from_memory(&out).unwrap();
        assert_eq!((img.width(), img.height()), (1600, 500));
    }

    #[test]
    fn a_file_that_is_not_a_picture_is_refused() {
        assert_eq!(prepare(b"%PDF-1.4 not a photo"), Err(PhotoError::Unreadable));
    }
}
