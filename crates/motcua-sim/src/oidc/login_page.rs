//! The login form (đăng nhập). Every value from the request is escaped.

use super::authorize::AuthorizeRequest;
use crate::accounts::{accounts, AccountKind, PASSWORD};
use crate::html::{self, escape};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Datelike;
use std::fmt::Write;

pub fn render(request: &AuthorizeRequest, username: &str, error: Option<&str>) -> Response {
    let mut body = String::new();
    // `write!` into a String cannot fail; the results are ignored for that reason.
    let _ = write!(
        body,
        "<h1>Đăng nhập VNeID (mô phỏng)<br><small>VNeID login (simulated)</small></h1>\n\
         <p>Ứng dụng <strong>{client}</strong> yêu cầu xác thực danh tính của bạn.<br>\
         The application <strong>{client}</strong> asks to verify your identity.</p>\n",
        client = escape(&request.client_id),
    );
    if let Some(error) = error {
        let _ = writeln!(
            body,
            r#"<p class="error" role="alert">{}</p>"#,
            escape(error)
        );
    }
    body.push_str("<form method=\"post\">\n");
    for (name, value) in request.form_fields() {
        let _ = writeln!(
            body,
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape(name),
            escape(value)
        );
    }
    let _ = write!(
        body,
        r#"<label for="username">Số định danh cá nhân / tên đăng nhập<br><small>Personal identification number / username</small></label>
<input type="text" id="username" name="username" value="{username}" autocomplete="username" required autofocus>
<label for="password">Mật khẩu<br><small>Password</small></label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập / Log in</button>
</form>
"#,
        username = escape(username),
    );
    body.push_str(&account_table());
    html::page(
        StatusCode::OK,
        "Đăng nhập VNeID (mô phỏng) / VNeID login (simulated)",
        &body,
    )
}

/// The test accounts, so whoever tries the simulator need not look them up.
fn account_table() -> String {
    let mut table = format!(
        "<h2>Tài khoản thử / Test accounts</h2>\n\
         <p>Mật khẩu của mọi tài khoản / Password of every account: <code>{}</code></p>\n\
         <table>\n<tr><th>Tên đăng nhập / Username</th><th>Họ tên / Name</th><th>Loại / Kind</th></tr>\n",
        escape(PASSWORD)
    );
    for account in accounts() {
        let kind = match account.kind {
            AccountKind::Citizen { level } => format!(
                "công dân, mức {} / citizen, level {}",
                level.number(),
                level.number()
            ),
            AccountKind::Staff { roles, agency } => {
                format!("cán bộ / staff: {} ({agency})", roles.join(", "))
            }
        };
        let _ = writeln!(
            table,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(account.username),
            escape(account.name),
            escape(&kind)
        );
    }
    table.push_str("</table>\n");
    let _ = writeln!(
        table,
        "<p>Ngoài ra, mọi người trong dân cư mô phỏng ({} người) đăng nhập bằng số định danh, \
         ví dụ <code>{}</code>. / Besides, every living person of the simulated population ({} \
         people) logs in with their number, e.g. <code>{}</code>.</p>",
        population_size(),
        escape(&sample_resident()),
        population_size(),
        escape(&sample_resident()),
    );
    table
}

fn population_size() -> usize {
    crate::register::Population::shared().len()
}

/// A generated resident (not a named account) to show as an example.
fn sample_resident() -> String {
    crate::register::Population::shared()
        .iter()
        .find(|r| {
            r.status() == crate::register::Status::Alive
                && crate::accounts::find(&r.pin()).is_none()
                && r.birth_date().year() < 2005
        })
        .map(|r| r.pin())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    fn request() -> AuthorizeRequest {
        AuthorizeRequest {
            client_id: "motcua".into(),
            redirect_uri: "http://127.0.0.1:1/cb".into(),
            scope: "openid profile".into(),
            state: Some(r#""><script>alert(1)</script>"#.into()),
            nonce: Some("n&n".into()),
            code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
            login_hint: None,
            acr_values: None,
        }
    }

    #[tokio::test]
    async fn request_values_are_escaped() {
        let response = render(&request(), "<b>", Some("x"));
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(!body.contains("<script>"));
        assert!(!body.contains("<b>"));
        assert!(body.contains(r#"name="state" value="&quot;&gt;&lt;script&gt;"#));
        assert!(body.contains(r#"name="nonce" value="n&amp;n""#));
        assert!(body.contains(r#"name="username""#));
        assert!(body.contains(r#"name="password""#));
        assert!(body.contains("Mô phỏng VNeID"));
    }
}
