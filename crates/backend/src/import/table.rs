//! Reading an uploaded CSV file into rows of text, as DMS exports come: UTF-8 (with or
//! without a byte-order mark) or Windows-1252, separated by `;`, `,` or tabs. The csv
//! crate does the parsing (quotes, embedded separators and line breaks); this module
//! only picks the separator and decodes each field.
//!
//! Decoding is per field: a field that is valid UTF-8 is read as UTF-8, any other as
//! Windows-1252. A file glued together from two exports (it happens) is read right in
//! both halves, and the page says how many fields needed Windows-1252.

use crate::Error;
use datacheck_core::error::AppError;

/// The biggest file the import accepts, and the most rows.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;
pub const MAX_ROWS: usize = 200_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Data rows with their line number in the file (the header is line 1).
    pub rows: Vec<(usize, Vec<String>)>,
    pub delimiter: u8,
    /// Fields read as UTF-8 and as Windows-1252.
    pub utf8_fields: usize,
    pub cp1252_fields: usize,
}

impl Table {
    pub fn encoding_label(&self) -> String {
        match (self.utf8_fields, self.cp1252_fields) {
            (_, 0) => "UTF-8".into(),
            (0, _) => "Windows-1252".into(),
            (_, n) => format!("mixed: {n} fields read as Windows-1252, the rest as UTF-8"),
        }
    }

    pub fn delimiter_label(&self) -> &'static str {
        match self.delimiter {
            b';' => "semicolon (;)",
            b'\t' => "tab",
            _ => "comma (,)",
        }
    }
}

/// The separator of the header line: the most frequent of `;`, `,` and tab outside
/// quotes. Dutch spreadsheets write `;`, because `,` is their decimal mark.
pub fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes.iter().take(64 * 1024) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b';' if !quoted => counts[0] += 1,
            b',' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], i == 0)).unwrap_or(1);
    if counts[best] == 0 {
        return b',';
    }
    [b';', b',', b'\t'][best]
}

fn decode(field: &[u8], table: &mut Table) -> String {
    match std::str::from_utf8(field) {
        Ok(s) => {
            if !field.is_ascii() {
                table.utf8_fields += 1;
            }
            s.to_string()
        }
        Err(_) => {
            table.cp1252_fields += 1;
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(field);
            text.into_owned()
        }
    }
}

/// The file as a table. Errors say what is wrong in words, with the line.
pub fn read(bytes: &[u8]) -> Result<Table, Error> {
    let file_error = |m: String| AppError::invalid("file", m);
    if bytes.len() > MAX_BYTES {
        return Err(Error::from(file_error(format!(
            "The file is larger than {} MB: split it into parts.",
            MAX_BYTES / 1024 / 1024
        ))));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::from(file_error("The file is empty.".into())));
    }
    let delimiter = sniff_delimiter(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut table = Table {
        headers: Vec::new(),
        rows: Vec::new(),
        delimiter,
        utf8_fields: 0,
        cp1252_fields: 0,
    };
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    let (mut newlines, mut counted_to, mut previous_end) = (0usize, 0usize, 0usize);
    loop {
        let more = reader.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            file_error(format!("Line {line} cannot be read as CSV: {e}"))
        })?;
        if !more {
            break;
        }
        // The line people see in an editor. The record began where the previous one
        // ended, after any blank lines the reader skipped; count the line breaks before
        // it (the csv crate's own positions lag by one record).
        let mut start = previous_end;
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        newlines += bytes[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        previous_end = (reader.position().byte() as usize).min(bytes.len());
        let line = newlines + 1;
        let fields: Vec<String> = record
            .iter()
            .map(|f| decode(f, &mut table).trim().to_string())
            .collect();
        if first {
            table.headers = fields;
            first = false;
            continue;
        }
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if table.rows.len() == MAX_ROWS {
            return Err(Error::from(file_error(format!(
                "The file has more than {MAX_ROWS} rows: split it into parts."
            ))));
        }
        table.rows.push((line, fields));
    }
    if table.headers.iter().all(String::is_empty) {
        return Err(Error::from(file_error(
            "The first line must name the columns.".into(),
        )));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_export_with_semicolons_bom_and_quotes() {
        let file = "\u{feff}Klantnummer;Naam;Plaats\r\n1001;\"Jansen; Jan\";Utrecht\r\n\r\n1002;Bakker;\"Den\nHaag\"\r\n";
        let t = read(file.as_bytes()).unwrap();
        assert_eq!(t.delimiter, b';');
        assert_eq!(t.headers, ["Klantnummer", "Naam", "Plaats"]);
        assert_eq!(
            t.rows[0],
            (
                2,
                vec!["1001".into(), "Jansen; Jan".into(), "Utrecht".into()]
            )
        );
        assert_eq!(t.rows[1].1[2], "Den\nHaag");
        assert_eq!(t.rows[1].0, 4, "line numbers count the blank line");
        assert_eq!(t.rows.len(), 2, "blank lines are skipped");
        assert_eq!(t.encoding_label(), "UTF-8");
    }

    #[test]
    fn windows_1252_and_mixed_files_are_read_per_field() {
        // "Zoë" and "Müller" in Windows-1252, then a UTF-8 line glued on.
        let mut file = b"nr,name\n1,Zo\xEB M\xFCller\n".to_vec();
        file.extend_from_slice("2,Zoë Müller\n".as_bytes());
        let t = read(&file).unwrap();
        assert_eq!(t.delimiter, b',');
        assert_eq!(t.rows[0].1[1], "Zoë Müller");
        assert_eq!(t.rows[1].1[1], "Zoë Müller");
        assert_eq!(t.cp1252_fields, 1);
        assert!(t.encoding_label().starts_with("mixed"));
    }

    #[test]
    fn empty_and_broken_files_are_explained() {
        assert!(read(b"").is_err());
        assert!(read(b" \n ").is_err());
        let e = read(b"a,b\n1,\"unterminated\n").err();
        // The csv crate accepts an unterminated quote at the end of input; whatever it
        // decides, reading never panics.
        let _ = e;
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1;2"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n"), b',');
    }
}
