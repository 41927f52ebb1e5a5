//! The digitisation ratio by month against its target, as an SVG bar chart drawn on the
//! server (no script, no chart library): a bar a month, the target a dashed line, each bar
//! titled with its figures. The same figures follow in a table for those who do not see
//! the chart.

use maud::{html, Markup};

/// One month's digitisation (indicator 4.2).
pub struct Month {
    /// `mm/yyyy`.
    pub label: String,
    pub dossiers: i64,
    pub digitised: i64,
    /// `None` when the month had no dossier to judge.
    pub ratio: Option<f64>,
}

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 44.0;

/// A share as Vietnamese write it: `82,5 %`.
pub fn percent(ratio: f64) -> String {
    format!("{:.1} %", ratio * 100.0).replace('.', ",")
}

fn y_of(ratio: f64) -> f64 {
    TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - ratio.clamp(0.0, 1.0))
}

/// The chart, with its table.
pub fn digitisation(months: &[Month], target: f64) -> Markup {
    let plot = WIDTH - LEFT - RIGHT;
    let slot = plot / months.len().max(1) as f64;
    let bar = (slot * 0.6).min(60.0);
    let summary = format!(
        "Tỷ lệ số hoá hồ sơ theo tháng so với mục tiêu {}",
        percent(target)
    );
    html! {
        figure class="chart" id="digitisation-chart" {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {WIDTH} {HEIGHT}"))
                width="100%" role="img" aria-labelledby="chart-title" focusable="false" {
                title id="chart-title" { (summary) }
                @for step in 0..=5 {
                    @let ratio = f64::from(step) / 5.0;
                    @let y = y_of(ratio);
                    line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y) y2=(y) stroke="#d0d0d0" stroke-width="1" {}
                    text x=(LEFT - 6.0) y=(y + 4.0) text-anchor="end" font-size="12" fill="#3b3b3b" { (step * 20) " %" }
                }
                @for (i, month) in months.iter().enumerate() {
                    @let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
                    @let centre = LEFT + slot * i as f64 + slot / 2.0;
                    @match month.ratio {
                        Some(ratio) => {
                            rect class="bar" x=(x) y=(y_of(ratio)) width=(bar)
                                height=(y_of(0.0) - y_of(ratio))
                                fill=(if ratio >= target { "#00703c" } else { "#b35900" })
                                data-month=(month.label) data-ratio=(format!("{ratio:.4}")) {
                                title { (month.label) ": " (percent(ratio)) " (" (month.digitised) "/" (month.dossiers) " hồ sơ)" }
                            }
                        },
                        None => {
                            text x=(centre) y=(y_of(0.0) - 6.0) text-anchor="middle" font-size="12" fill="#3b3b3b" { "—" }
                        },
                    }
                    text x=(centre) y=(HEIGHT - BOTTOM + 18.0) text-anchor="middle" font-size="12" fill="#1b1b1b" { (month.label) }
                }
                line class="target" x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y_of(target)) y2=(y_of(target))
                    stroke="#b10e1e" stroke-width="2" stroke-dasharray="6 4" {}
                text x=(WIDTH - RIGHT) y=(y_of(target) - 6.0) text-anchor="end" font-size="12" fill="#b10e1e" {
                    "Mục tiêu " (percent(target))
                }
                line x1=(LEFT) x2=(LEFT) y1=(TOP) y2=(y_of(0.0)) stroke="#1b1b1b" stroke-width="1" {}
                line x1=(LEFT) x2=(WIDTH - RIGHT) y1=(y_of(0.0)) y2=(y_of(0.0)) stroke="#1b1b1b" stroke-width="1" {}
            }
            figcaption { (summary) " (cột xanh: đạt mục tiêu; cột cam: chưa đạt; đường đỏ đứt nét: mục tiêu)." }
        }
        table class="compact" id="digitisation-months" {
            caption { "Số liệu của biểu đồ" }
            thead { tr {
                th scope="col" { "Tháng" }
                th scope="col" class="num" { "Hồ sơ" }
                th scope="col" class="num" { "Đã số hoá" }
                th scope="col" class="num" { "Tỷ lệ" }
                th scope="col" { "So với mục tiêu" }
            } }
            tbody {
                @for month in months {
                    tr data-month=(month.label) {
                        th scope="row" { (month.label) }
                        td class="num" { (month.dossiers) }
                        td class="num" { (month.digitised) }
                        td class="num ratio" { (month.ratio.map_or("—".to_owned(), percent)) }
                        td {
                            @match month.ratio {
                                Some(r) if r >= target => "Đạt",
                                Some(_) => strong class="late" { "Chưa đạt" },
                                None => "Không có hồ sơ",
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stand_as_high_as_their_ratio_and_shares_read_in_vietnamese() {
        assert_eq!(percent(0.825), "82,5 %");
        assert_eq!(y_of(1.0), TOP);
        assert_eq!(y_of(0.0), HEIGHT - BOTTOM);
        let months = [
            Month {
                label: "10/2026".into(),
                dossiers: 4,
                digitised: 3,
                ratio: Some(0.75),
            },
            Month {
                label: "11/2026".into(),
                dossiers: 0,
                digitised: 0,
                ratio: None,
            },
        ];
        let svg = digitisation(&months, 0.8).into_string();
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 1, "{svg}");
        assert!(svg.contains("10/2026: 75,0 % (3/4 hồ sơ)"));
        assert!(svg.contains("Mục tiêu 80,0 %"));
        assert!(svg.contains("fill=\"#b35900\""), "below the target");
    }
}
