//! `multipart/form-data` bodies as Starlette reads them with python-multipart 0.0.34: the same
//! states, the same errors, and the answer FastAPI gives for each error per release.

use super::version::{FastApiVersion, StarletteCors};

/// Why a multipart body was refused (each is a 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// No `boundary=` parameter in `Content-Type`.
    MissingBoundary,
    /// A part whose `Content-Disposition` has no `name`.
    MissingName,
    /// python-multipart's parser gave up (a `MultipartParseError`); the text says where.
    Invalid(String),
}

impl FormError {
    /// The `detail` of the 400: Starlette's own messages, and for a parser error the generic
    /// FastAPI one, until Starlette (1.4+, installed from FastAPI 0.133.0) wrapped it itself.
    #[must_use]
    pub fn detail(&self, v: FastApiVersion) -> &'static str {
        match self {
            FormError::MissingBoundary => "Missing boundary in multipart.",
            FormError::MissingName => "The Content-Disposition header field \"name\" must be provided.",
            FormError::Invalid(_) if v.starlette() == StarletteCors::Modern => "Invalid multipart data.",
            FormError::Invalid(_) => "There was an error parsing the body",
        }
    }
}

/// python-multipart's `parse_options_header` for parameters: `; key=value` or `key="value"`,
/// keys case-insensitive.
fn option(params: &str, key: &str) -> Option<String> {
    params.split(';').filter_map(|p| p.split_once('=')).find(|(k, _)| k.trim().eq_ignore_ascii_case(key)).map(
        |(_, v)| {
            let v = v.trim();
            v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v).to_owned()
        },
    )
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Parses a whole multipart body; `params` is what follows the media type in `Content-Type`.
/// Parts whose closing boundary never came are left out, as python-multipart does.
pub fn parse(params: &str, body: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    let boundary = option(params, "boundary").ok_or(FormError::MissingBoundary)?;
    let open = format!("--{boundary}").into_bytes();
    let between = format!("\r\n--{boundary}").into_bytes();
    let mut fields = Vec::new();
    // START: leading CR/LF are skipped up to the first '-'.
    let mut i = 0;
    if matches!(body.first(), Some(b'\r' | b'\n')) {
        match body.iter().position(|&b| b == b'-') {
            Some(p) => i = p,
            None => return Ok(fields),
        }
    }
    // START_BOUNDARY: `--boundary` exactly.
    for (k, &want) in open.iter().enumerate() {
        match body.get(i + k) {
            None => return Ok(fields),
            Some(&got) if got != want => {
                return Err(FormError::Invalid(format!("expected boundary character at {}", i + k)));
            }
            Some(_) => {}
        }
    }
    if !after_opening_boundary(body, i + open.len())? {
        return Ok(fields);
    }
    i += open.len() + 2;
    loop {
        // Headers: `Token: value` CRLF ... then an empty line.
        let mut disposition: Option<String> = None;
        loop {
            match (body.get(i), body.get(i + 1)) {
                (None, _) | (Some(b'\r'), None) => return Ok(fields),
                (Some(b'\r'), Some(b'\n')) => {
                    i += 2;
                    break;
                }
                (Some(b'\r'), Some(_)) => {
                    return Err(FormError::Invalid(format!("no LF at end of headers at {i}")));
                }
                _ => {}
            }
            let colon = body[i..].iter().position(|&b| b == b':');
            let end = colon.map_or(body.len(), |c| i + c);
            if let Some(bad) = body[i..end].iter().position(|&b| !is_token(b)) {
                return Err(FormError::Invalid(format!("invalid character in header at {}", i + bad)));
            }
            let Some(_) = colon else { return Ok(fields) };
            if end == i {
                return Err(FormError::Invalid(format!("0-length header at {i}")));
            }
            let name = String::from_utf8_lossy(&body[i..end]).to_ascii_lowercase();
            i = end + 1;
            while body.get(i) == Some(&b' ') {
                i += 1;
            }
            let Some(cr) = body[i..].iter().position(|&b| b == b'\r') else { return Ok(fields) };
            let value = String::from_utf8_lossy(&body[i..i + cr]).into_owned();
            i += cr + 1;
            match body.get(i) {
                None => return Ok(fields),
                Some(b'\n') => i += 1,
                Some(_) => return Err(FormError::Invalid(format!("no LF at end of header at {i}"))),
            }
            if name == "content-disposition" {
                disposition = Some(value);
            }
        }
        let name = disposition
            .as_deref()
            .and_then(|d| d.split_once(';').map(|(_, p)| p))
            .and_then(|p| option(p, "name"));
        let Some(name) = name else { return Err(FormError::MissingName) };
        // PART_DATA up to a CRLF + boundary that is followed by CRLF, `--`, or padding + CRLF;
        // a boundary followed by anything else is part of the data. Without one, the part never
        // ends and is left out.
        let mut search = i;
        loop {
            let Some(off) = body[search..].windows(between.len()).position(|w| w == between.as_slice())
            else {
                return Ok(fields);
            };
            let data_end = search + off;
            let mut j = data_end + between.len();
            match (body.get(j), body.get(j + 1)) {
                (None, _) | (Some(b'\r' | b'-'), None) => return Ok(fields),
                (Some(b'\r'), Some(b'\n')) => {
                    fields.push((name.clone(), String::from_utf8_lossy(&body[i..data_end]).into_owned()));
                    i = j + 2;
                    break;
                }
                (Some(b'-'), Some(b'-')) => {
                    fields.push((name, String::from_utf8_lossy(&body[i..data_end]).into_owned()));
                    return Ok(fields);
                }
                (Some(b' ' | b'\t'), _) => {
                    while matches!(body.get(j), Some(b' ' | b'\t')) {
                        j += 1;
                    }
                    match (body.get(j), body.get(j + 1)) {
                        (Some(b'\r'), Some(b'\n')) => {
                            fields.push((
                                name.clone(),
                                String::from_utf8_lossy(&body[i..data_end]).into_owned(),
                            ));
                            i = j + 2;
                            break;
                        }
                        (None, _) | (Some(b'\r'), None) => return Ok(fields),
                        _ => {
                            return Err(FormError::Invalid(format!("no CRLF after boundary padding at {j}")));
                        }
                    }
                }
                _ => search = data_end + 1,
            }
        }
    }
}

/// After the opening boundary: `--` ends the body (`false`), CRLF starts the first part
/// (`true`), anything else is an error; running out of data ends it.
fn after_opening_boundary(body: &[u8], i: usize) -> Result<bool, FormError> {
    match (body.get(i), body.get(i + 1)) {
        (None, _) | (Some(b'-' | b'\r'), None) | (Some(b'-'), Some(b'-')) => Ok(false),
        (Some(b'\r'), Some(b'\n')) => Ok(true),
        (Some(b'-'), _) => Err(FormError::Invalid(format!("no - at end of boundary at {}", i + 1))),
        (Some(b'\r'), _) => Err(FormError::Invalid(format!("no LF at end of boundary at {}", i + 1))),
        _ => Err(FormError::Invalid(format!("no CR at end of boundary at {i}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"--xx\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\njohndoe\r\n--xx\r\nContent-Disposition: form-data; name=password\r\n\r\nse\r\ncret\r\n--xx--\r\n";

    #[test]
    fn text_fields_are_read() {
        let f = parse(" boundary=xx", BODY).unwrap();
        assert_eq!(f, vec![("username".into(), "johndoe".into()), ("password".into(), "se\r\ncret".into())]);
        assert_eq!(parse("; Boundary=\"xx\"", BODY).unwrap().len(), 2);
        // A part that never ends is left out; leading blank lines are skipped.
        let cut = &BODY[..BODY.len() - 12];
        assert_eq!(parse("; boundary=xx", cut).unwrap().len(), 1);
        let mut padded = b"\r\n\r\n".to_vec();
        padded.extend_from_slice(BODY);
        assert_eq!(parse("; boundary=xx", &padded).unwrap().len(), 2);
        assert!(parse("; boundary=xx", b"").unwrap().is_empty());
    }

    #[test]
    fn errors_have_starlettes_messages_per_release() {
        assert_eq!(parse("", BODY), Err(FormError::MissingBoundary));
        let no_name = b"--xx\r\nContent-Disposition: form-data\r\n\r\nv\r\n--xx--";
        assert_eq!(parse("; boundary=xx", no_name), Err(FormError::MissingName));
        let e = parse("; boundary=xx", b"garbage").unwrap_err();
        assert!(matches!(e, FormError::Invalid(_)));
        assert_eq!(e.detail(FastApiVersion::OLDEST), "There was an error parsing the body");
        assert_eq!(e.detail(FastApiVersion::NEWEST), "Invalid multipart data.");
        assert!(matches!(
            parse("; boundary=xx", b"--xx\r\nBad Header: v\r\n\r\n"),
            Err(FormError::Invalid(_))
        ));
        assert!(matches!(parse("; boundary=xx", b"--xxjunk"), Err(FormError::Invalid(_))));
        let bad_padding = b"--xx\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--xx  x";
        assert!(matches!(parse("; boundary=xx", bad_padding), Err(FormError::Invalid(_))));
    }

    #[test]
    fn a_boundary_followed_by_other_bytes_is_data() {
        let body = b"--xx\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--xxx\r\n--xx  \r\nContent-Disposition: form-data; name=b\r\n\r\nw\r\n--xx-x";
        assert_eq!(parse("; boundary=xx", body).unwrap(), vec![("a".into(), "v\r\n--xxx".into())]);
    }
}
