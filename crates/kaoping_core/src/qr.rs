//! QR codes of invitation links as SVG text, for the office's printed sheet of invitations and
//! the invitation dialog (issue 16). The symbol comes from the `qrcode` crate (its module matrix
//! only: its own SVG renderer is left out); the SVG is one path of horizontal runs of dark
//! modules inside a 4-module quiet zone, labelled for screen readers (`role="img"`, a `<title>`
//! and `aria-label`).

use qrcode::{Color, EcLevel, QrCode};

/// The longest text encoded. A signed invitation link is about 700 bytes; a QR code holds at
/// most 2,331 bytes at level M (version 40), where it is too dense to scan from paper anyway.
pub const MAX_QR_BYTES: usize = 2048;

/// Why no QR code was made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QrError {
    #[error("the link is {bytes} bytes; a printable QR code holds at most {max}")]
    TooLong { bytes: usize, max: usize },
}

/// The SVG (a string) of the QR code of `text` (error correction M: a sheet stays readable with
/// 15% of it smudged), `label` naming it for screen readers (`邀请：张三`). The image is square,
/// scales to any size (`viewBox` in modules; `shape-rendering="crispEdges"`), dark on white.
pub fn qr_svg(text: &str, label: &str) -> Result<String, QrError> {
    let too_long = || QrError::TooLong {
        bytes: text.len(),
        max: MAX_QR_BYTES,
    };
    if text.len() > MAX_QR_BYTES {
        return Err(too_long());
    }
    let code =
        QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|_| too_long())?;
    let (width, colors) = (code.width(), code.to_colors());
    Ok(svg(width, &colors, label))
}

const QUIET: usize = 4;

fn svg(width: usize, colors: &[Color], label: &str) -> String {
    let size = width + 2 * QUIET;
    let label = crate::text::escape_html(label);
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Light {
                x += 1;
                continue;
            }
            let run = row[x..].iter().take_while(|c| **c == Color::Dark).count();
            path.push_str(&format!("M{} {}h{run}v1h-{run}z", x + QUIET, y + QUIET));
            x += run;
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" \
         role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\">\
         <title>{label}</title><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>"
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The dark modules of an SVG made by [`svg`], read back from its path.
    fn modules(svg: &str) -> (usize, Vec<bool>) {
        let size: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let mut dark = vec![false; size * size];
        for seg in d.split('M').filter(|s| !s.is_empty()) {
            let (xy, rest) = seg.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let run: usize = rest.split('v').next().unwrap().parse().unwrap();
            for i in 0..run {
                dark[y * size + x + i] = true;
            }
        }
        (size, dark)
    }

    /// Decodes the SVG's modules with `rqrr` (an independent decoder), 4 pixels a module.
    pub(crate) fn decode(svg: &str) -> String {
        let (size, dark) = modules(svg);
        const PX: usize = 4;
        let img = rqrr::PreparedImage::prepare_from_greyscale(size * PX, size * PX, |x, y| {
            if dark[(y / PX) * size + x / PX] {
                0
            } else {
                255
            }
        });
        let mut img = img;
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().unwrap().1
    }

    #[test]
    fn an_invitation_link_decodes_back() {
        let token = "eyJmb3JtYXQiOiJrYW9waW5nLmludml0YXRpb24vMSJ9".repeat(10) + ".c2ln";
        let link = format!(
            "https://kaoping.example.cn/review.html?plan=plans%2Fwuhan-2026.json&instrument=expert#invite={token}"
        );
        let svg = qr_svg(&link, "邀请：张三 <E07>").unwrap();
        assert_eq!(decode(&svg), link);
        assert!(svg.contains("role=\"img\""));
        assert!(
            svg.contains("aria-label=\"邀请：张三 &lt;E07&gt;\""),
            "{svg}"
        );
        assert!(svg.contains("<title>邀请：张三 &lt;E07&gt;</title>"));
        assert_eq!(
            decode(&qr_svg("https://a.cn/", "x").unwrap()),
            "https://a.cn/"
        );
    }

    #[test]
    fn too_long_a_link_is_an_error() {
        let long = "a".repeat(MAX_QR_BYTES + 1);
        assert_eq!(
            qr_svg(&long, "x"),
            Err(QrError::TooLong {
                bytes: MAX_QR_BYTES + 1,
                max: MAX_QR_BYTES
            })
        );
        assert!(qr_svg(&"a".repeat(MAX_QR_BYTES), "x").is_ok());
    }
}
