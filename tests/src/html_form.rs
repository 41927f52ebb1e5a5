//! Just enough HTML reading to fill in a login form the way a browser would.

/// The `<input>` fields (name, value) and the `action` of the first form in `html`.
pub fn read_form(html: &str) -> (Option<String>, Vec<(String, String)>) {
    let action = html
        .find("<form")
        .and_then(|start| tag_at(html, start))
        .and_then(|tag| attribute(tag, "action"));
    let mut fields = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<input") {
        let Some(tag) = tag_at(rest, start) else {
            break;
        };
        if let Some(name) = attribute(tag, "name") {
            fields.push((name, attribute(tag, "value").unwrap_or_default()));
        }
        rest = &rest[start + tag.len()..];
    }
    (action, fields)
}

fn tag_at(html: &str, start: usize) -> Option<&str> {
    let end = html[start..].find('>')?;
    Some(&html[start..start + end + 1])
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    for quote in ['"', '\''] {
        let needle = format!(" {name}={quote}");
        if let Some(at) = tag.find(&needle) {
            let value_start = at + needle.len();
            let value_end = tag[value_start..].find(quote)? + value_start;
            return Some(unescape(&tag[value_start..value_end]));
        }
    }
    None
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
