//! .docx reports and SVG charts.

#![allow(clippy::unwrap_used)] // Tests may panic on unexpected results.

mod common;

use jiaogong_office::docx::{write_docx, Block};
use jiaogong_office::svg::{bar_chart, donut, line_chart, Series};

#[test]
fn docx_is_a_word_package() {
    let blocks = vec![
        Block::Heading(1, "一、工作概况".into()),
        Block::Paragraph("本年度共开展活动 12 次。\n第二行 <b>&amp;</b>\u{1}".into()),
        Block::Table {
            headers: vec!["项目".into(), "金额（元）".into()],
            rows: vec![vec!["会费收入".into(), "12,345.00".into()], vec!["短行".into()]],
        },
        Block::PageBreak,
        Block::Heading(9, "附录".into()),
        Block::Table { headers: vec![], rows: vec![] },
    ];
    let bytes = write_docx("某某学校工会 2024 年度工作总结", &blocks).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let entries = common::unzip(&bytes);
    let doc = entries
        .iter()
        .find(|(n, _)| n == "word/document.xml")
        .map(|(_, d)| String::from_utf8_lossy(d).to_string())
        .unwrap();
    assert!(doc.contains("工作概况"));
    assert!(doc.contains("&lt;b&gt;"), "text is escaped");
    assert!(!doc.contains('\u{1}'));
    assert!(doc.contains("w:w=\"11906\""), "A4 page");
    assert!(doc.contains("黑体"));
    assert!(write_docx("", &[]).is_ok());
}

fn data() -> Vec<Series> {
    vec![
        Series { label: "<script>alert(1)</script>".into(), value: 3.0 },
        Series { label: "教研组 & \"后勤\"".into(), value: 1.5 },
        Series { label: "负数".into(), value: -2.0 },
        Series { label: "非数".into(), value: f64::NAN },
    ]
}

fn check(svg: &str) {
    assert!(svg.starts_with("<svg "));
    assert!(svg.ends_with("</svg>"));
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("viewBox=\"0 0 "));
    assert!(svg.contains("width=\"640\"") || svg.contains("width=\"360\""));
    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
}

#[test]
fn charts_escape_text_and_scale() {
    let title = "<script>x</script>出勤率";
    let bar = bar_chart(title, &data(), "人<次>");
    check(&bar);
    assert!(bar.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(bar.contains("&amp; &quot;后勤&quot;"));
    assert!(bar.contains("人&lt;次&gt;"));
    let labels: Vec<String> = (1..=12).map(|m| format!("{m}月")).collect();
    let mut values: Vec<f64> = (1..=12).map(f64::from).collect();
    values[5] = f64::INFINITY;
    let line = line_chart(title, &labels, &values, "<u>");
    check(&line);
    assert!(line.contains("12月"));
    let d = donut(title, &data());
    check(&d);
    assert!(d.contains("66.7%"));
}

#[test]
fn charts_with_nothing_to_show() {
    check(&bar_chart("空", &[], ""));
    check(&line_chart("空", &[], &[], ""));
    check(&line_chart("一点", &["1月".into()], &[5.0, 6.0], "元"));
    check(&donut("空", &[]));
    let zeros = vec![Series { label: "零".into(), value: 0.0 }];
    check(&bar_chart("零", &zeros, ""));
    check(&donut("零", &zeros));
    let huge = vec![Series { label: "大".into(), value: 1e300 }];
    check(&bar_chart("大", &huge, ""));
    check(&line_chart("大", &["a".into(), "b".into()], &[1e300, -1e300], ""));
}

/// Finding 19: a bar chart shown on a 390 px phone (about 340 px inside its card) keeps its
/// labels at 12 px or more.
#[test]
fn bar_chart_labels_stay_readable_on_a_phone() {
    let svg = bar_chart("欠缴", &data(), "元");
    let attr = |name: &str| -> f64 {
        let rest = svg.split(&format!(" {name}=\"")).nth(1).unwrap_or_default();
        rest.split('"').next().unwrap_or_default().parse().unwrap_or(0.0)
    };
    let (width, font) = (attr("width"), attr("font-size"));
    assert!(width > 0.0, "the chart has a width");
    // A 390 px phone leaves about 340 px inside a card.
    let drawn = font * (340.0 / width).min(1.0);
    assert!(drawn >= 12.0, "labels drawn at {drawn:.1} px ({font} units in {width})");
}
