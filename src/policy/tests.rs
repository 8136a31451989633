use super::*;

const CONFIG: &str = r#"{
  "revision": 3,
  "categories": [
    { "id": "necessary", "required": true, "title": {"ja": "必須", "en": "Necessary"},
      "description": "x",
      "services": [{ "id": "login", "name": {"ja": "ログイン", "en": "Login"},
        "provider": {"ja": "当サイト", "en": "This site"}, "purpose": {"ja": "ログイン状態の維持", "en": "Keeps you logged in"},
        "cookies": [{ "name": "wordpress_logged_in_*", "lifetime": "2d",
                      "note": {"ja": "「ログイン状態を保存する」では2週間", "en": "2 weeks with Remember me"} }] }] },
    { "id": "preferences", "title": {"ja": "機能", "en": "Preferences"}, "description": "x",
      "services": [{ "id": "comments", "name": {"ja": "コメント", "en": "Comments"},
        "provider": {"ja": "当サイト", "en": "This site"}, "purpose": {"ja": "コメント欄への入力の省略", "en": "Fills in the comment form"},
        "cookies": [{ "name": "comment_author_*", "lifetime": "1y" }] }] },
    { "id": "analytics", "title": {"ja": "アクセス解析", "en": "Analytics"}, "description": "x",
      "services": [{ "id": "google-analytics", "name": {"ja": "Google アナリティクス", "en": "Google Analytics"},
        "provider": "Google LLC", "purpose": {"ja": "アクセス解析", "en": "Statistics"},
        "privacyUrl": "https://policies.google.com/privacy",
        "cookies": [{ "name": "_ga", "lifetime": "2y" }],
        "transmissions": [{ "data": {"ja": "閲覧したページのURL、IPアドレス、Cookie ID（_ga）", "en": "page URL, IP address, cookie ID (_ga)"},
          "purposeSite": {"ja": "サイトの改善", "en": "Improving the site"},
          "purposeRecipient": {"ja": "Google のサービスの提供", "en": "Providing Google's services"} }] }] }
  ]
}"#;

fn config() -> Config {
    Config::from_json(CONFIG).unwrap()
}

fn html(src: &str) -> String {
    render(src, Some(&config())).unwrap().html
}

#[test]
fn headings_get_readable_unique_ids_and_a_toc() {
    let p = render(
        "# 方針\n\n## 第1条（目的）\n\n## 第1条（目的）\n\n### Cookie の利用\n\n## Custom {#mine}\n",
        None,
    )
    .unwrap();
    let ids: Vec<_> = p.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        ["方針", "第1条目的", "第1条目的-2", "cookie-の利用", "mine"]
    );
    assert!(p.html.contains("<h2 id=\"第1条目的-2\">第1条（目的）</h2>"));
    assert!(p.html.contains(
        "<li><a href=\"#第1条目的-2\">第1条（目的）</a><ul><li><a href=\"#cookie-の利用\">"
    ));
    assert_eq!(p.title, "方針");
    // The table of contents comes right after the title.
    let h1_end = p.html.find("</h1>").unwrap();
    let toc = p.html.find("<nav class=\"doui-toc\"").unwrap();
    assert!(toc > h1_end && toc < p.html.find("<h2 id=\"第1条目的\"").unwrap());
}

#[test]
fn toc_can_be_turned_off_or_deepened() {
    let src = "---\ntoc: false\n---\n# T\n\n## A\n";
    assert!(!render(src, None).unwrap().html.contains("doui-toc"));
    let src = "---\ntoc: 4\n---\n# T\n\n## A\n\n### B\n\n#### C\n";
    assert!(render(src, None).unwrap().html.contains("href=\"#c\""));
}

#[test]
fn raw_html_is_escaped() {
    let out =
        html("<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> and <b>bold</b>.\n");
    assert!(!out.contains("<script>"));
    assert!(!out.contains("<img"));
    assert!(!out.contains("<b>"));
    assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[test]
fn unsafe_links_are_neutralised_and_external_ones_open_safely() {
    let out = html(
        "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c](data:text/html,x) [d](vbscript:x) \
         [e](/local) [f](https://example.com/) [g](mailto:a@example.jp) <javascript:alert(1)>\n",
    );
    assert_eq!(out.matches("<a ").count(), 3, "{out}");
    assert!(
        !out.to_ascii_lowercase().contains("href=\"javascript"),
        "{out}"
    );
    assert!(out.contains("<a href=\"/local\">e</a>"));
    assert!(out.contains(
        "<a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\">f<span class=\"doui-sr\">（新しいタブで開きます）</span></a>"
    ));
    assert!(out.contains("<a href=\"mailto:a@example.jp\">g</a>"));
    // The text of a neutralised link stays readable.
    assert!(out.contains("<p>a b c d <a href=\"/local\">"), "{out}");
}

#[test]
fn attribute_breaking_urls_stay_inside_the_attribute() {
    let out = html("[x](/a\"onmouseover=\"alert(1))\n\n[y](</p\" onclick=\"x>)\n");
    assert!(!out.contains("\"onmouseover"), "{out}");
    assert!(!out.contains("\" onclick"), "{out}");
}

#[test]
fn only_local_images_load() {
    let out = html("![logo](/logo.png) ![pixel](https://tracker.example/p.gif) ![d](data:image/png;base64,AA)\n");
    assert!(out.contains("<img src=\"/logo.png\" alt=\"logo\""));
    assert!(!out.contains("tracker.example"));
    assert!(!out.contains("data:image"));
    assert!(out.contains("pixel"));
}

#[test]
fn tables_footnotes_strikethrough() {
    let out = html("| a | b |\n|---|---|\n| 1 | 2 |\n\nNote[^1] ~~old~~\n\n[^1]: The note.\n");
    assert!(out.contains("<div class=\"doui-table\" tabindex=\"0\"><table>"));
    assert!(out.contains("<del>old</del>"));
    assert!(out.contains("footnote-definition"));
}

#[test]
fn cookie_directive_builds_tables_from_config() {
    let out = html("```doui-cookies\n```\n");
    assert!(out.contains("<caption>必須</caption>"));
    assert!(out.contains("<code>wordpress_logged_in_*</code>"));
    assert!(out.contains("<td>2日（「ログイン状態を保存する」では2週間）</td>"));
    assert!(out.contains("<td>1年</td>"));
    assert!(out.contains("<td>2年</td>"));
    assert!(out.contains("<td>ファーストパーティ</td>"));
    assert!(out.contains("<th scope=\"col\">保存期間</th>"));
    let en = render(
        "---\nlang: en\n---\n```doui-cookies\ncategory: preferences\n```\n",
        Some(&config()),
    )
    .unwrap()
    .html;
    assert!(en.contains("<caption>Preferences</caption>"));
    assert!(en.contains("<td>1 year</td>"));
    assert!(!en.contains("_ga"));
}

#[test]
fn transmission_directive_lists_what_to_whom_for_what() {
    let out = html("```doui-transmissions\n```\n");
    for want in [
        "<th scope=\"col\">送信先</th>",
        "<th scope=\"col\">送信される情報</th>",
        "<th scope=\"col\">当サイトの利用目的</th>",
        "<th scope=\"col\">送信先での利用目的</th>",
        "<td>Google LLC（Google アナリティクス）</td>",
        "<td>閲覧したページのURL、IPアドレス、Cookie ID（_ga）</td>",
        "<td>サイトの改善</td>",
        "<td>Google のサービスの提供</td>",
    ] {
        assert!(out.contains(want), "missing {want} in {out}");
    }
}

#[test]
fn directive_errors_name_the_line() {
    let err = |src: &str, cfg: Option<&Config>| render(src, cfg).unwrap_err().to_string();
    assert_eq!(
        err("# T\n\n```doui-cookie\n```\n", Some(&config())),
        "policy line 3: unknown block `doui-cookie` (doui knows doui-cookies and doui-transmissions)"
    );
    assert_eq!(
        err("---\ntitle: T\n---\n# T\n\n```doui-cookies\n```\n", None),
        "policy line 6: `doui-cookies` builds its table from the site config, but no config was given"
    );
    assert_eq!(
        err("```doui-transmissions\ncategory: preferences\n```\n", Some(&config())),
        "policy line 1: `doui-transmissions`: the config declares no transmissions for the selected categories"
    );
    assert_eq!(
        err("```doui-cookies\ncategory: ads\n```\n", Some(&config())),
        "policy line 1: the config has no category `ads`"
    );
    assert_eq!(
        err(
            "\n```doui-cookies\ncategory: analytics\nsort: name\n```\n",
            Some(&config())
        ),
        "policy line 4: directive options are written `category: id, id`"
    );
    // The second directive's line is counted on from the first's.
    assert_eq!(
        err(
            "---\ntitle: T\n---\n```doui-cookies\n```\n\n```text\n```\n\n```doui-x\n```\n",
            Some(&config())
        ),
        "policy line 10: unknown block `doui-x` (doui knows doui-cookies and doui-transmissions)"
    );
    assert_eq!(
        err("---\ndate: 2024-01-01\n---\n", None),
        "policy line 2: unknown front matter key (use title, lang, organization, effective, revised, toc)"
    );
}

#[test]
fn other_code_blocks_are_code() {
    let out = html("```rust\nfn main() {}\n```\n");
    assert!(out.contains("<pre><code class=\"language-rust\">fn main() {}"));
}

#[test]
fn own_markers_drop_the_bullet() {
    let out =
        html("- (1) 一つ目\n- (2) 二つ目\n  - ア 細目\n  - イ 細目\n\n段落\n\n- 普通の箇条\n");
    assert_eq!(out.matches("<ul class=\"doui-marked\">").count(), 2);
    assert!(out.contains("<ul>\n<li>普通の箇条"));
}

#[test]
fn version_and_meta_are_shown() {
    let src = "---\neffective: 2023-09-04\nrevised: 2025-08-26\n---\n# T\n";
    let p = render(src, None).unwrap();
    assert_eq!(p.version, version(src));
    assert_eq!(p.version.len(), 8);
    assert_eq!(version(src), version(&src.replace('\n', "\r\n")));
    assert_ne!(version(src), version("# T\n"));
    assert!(p.html.contains("data-version=\"") && p.html.contains(&p.version));
    assert!(p
        .html
        .contains("施行日 <time datetime=\"2023-09-04\">2023-09-04</time>"));
    assert!(p.html.contains("改定日 <time datetime=\"2025-08-26\">"));
    assert!(p
        .html
        .starts_with("<article class=\"doui-policy\" lang=\"ja\""));
}

// Regression tests for the bugs of issue 14, each with its minimal input.

/// The paragraph `render` makes of a one-line input, without the article and meta.
fn body(src: &str) -> String {
    let out = render(src, None).unwrap().html;
    let start = out.find("</p>").unwrap() + 4;
    out[start..out.len() - "</article>".len()]
        .trim()
        .to_string()
}

#[test]
fn email_autolinks_get_mailto() {
    assert_eq!(
        body("<info@example.jp>\n"),
        "<p><a href=\"mailto:info@example.jp\">info@example.jp</a></p>"
    );
    // Spec example 605: the `+` and `.` in the address stay as written.
    assert_eq!(
        body("<foo+special@Bar.baz-bar0.com>\n"),
        "<p><a href=\"mailto:foo+special@Bar.baz-bar0.com\">foo+special@Bar.baz-bar0.com</a></p>"
    );
}

#[test]
fn link_titles_are_kept() {
    assert_eq!(
        body("[a](/x \"t\")\n"),
        "<p><a href=\"/x\" title=\"t\">a</a></p>"
    );
    assert_eq!(
        body("[a](https://example.com/ 'say \"hi\" & go')\n"),
        "<p><a href=\"https://example.com/\" title=\"say &quot;hi&quot; &amp; go\" target=\"_blank\" rel=\"noopener noreferrer\">a<span class=\"doui-sr\">（新しいタブで開きます）</span></a></p>"
    );
}

#[test]
fn backslashes_in_destinations_are_percent_encoded() {
    assert_eq!(
        body("[a](foo\\bar)\n"),
        "<p><a href=\"foo%5Cbar\">a</a></p>"
    );
    assert!(body("<https://example.com/a\\b>\n")
        .starts_with("<p><a href=\"https://example.com/a%5Cb\" target=\"_blank\""));
    // An escaped punctuation character is the character itself (spec 202).
    assert_eq!(body("[a](/f\\*o)\n"), "<p><a href=\"/f*o\">a</a></p>");
}

#[test]
fn links_inside_alt_text_are_text() {
    assert_eq!(
        body("![a [b](/u)](/i.png)\n"),
        "<p><img src=\"/i.png\" alt=\"a b\" /></p>"
    );
    assert_eq!(
        body("![a [b](https://example.com/)](/i.png)\n"),
        "<p><img src=\"/i.png\" alt=\"a b\" /></p>"
    );
    // A link around an image still closes, with its new-tab note outside the alt.
    assert_eq!(
        body("[![i](/i.png)](https://example.com/)\n"),
        "<p><a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\"><img src=\"/i.png\" alt=\"i\" /><span class=\"doui-sr\">（新しいタブで開きます）</span></a></p>"
    );
}

#[test]
fn ids_are_unique_across_headings_footnotes_and_contents() {
    let out = html("## 1\n\nSee[^1].\n\n[^1]: Note.\n");
    assert!(out.contains("<h2 id=\"1-2\">1</h2>"), "{out}");
    assert!(out.contains("<div class=\"footnote-definition\" id=\"1\">"));
    assert_eq!(out.matches(" id=\"1\"").count(), 1, "{out}");

    let p = render("## doui-toc-title\n\n## b\n", None).unwrap();
    assert_eq!(p.headings[0].id, "doui-toc-title-2");
    assert_eq!(p.html.matches("id=\"doui-toc-title\"").count(), 1);

    let p = render("## x {#dup}\n\n## y {#dup}\n\n## dup\n", None).unwrap();
    let ids: Vec<_> = p.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["dup", "dup-2", "dup-3"]);
    // An explicit id wins over a generated one that came first.
    let p = render("## mine\n\n## Other {#mine}\n", None).unwrap();
    let ids: Vec<_> = p.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["mine-2", "mine"]);
}

#[test]
fn task_lists_are_checkboxes() {
    assert_eq!(
        body("- [ ] item\n- [x] done\n"),
        "<ul>\n<li><input disabled=\"\" type=\"checkbox\"/>\nitem</li>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\ndone</li>\n</ul>"
    );
}

#[test]
fn a_leading_thematic_break_is_markdown() {
    let p = render("---\nFoo\n---\nBar\n---\nBaz\n", None).unwrap();
    assert!(
        p.html
            .contains("<hr />\n<h2 id=\"foo\">Foo</h2>\n<h2 id=\"bar\">Bar</h2>\n<p>Baz</p>"),
        "{}",
        p.html
    );
    let p = render("---\n\nText after a rule.\n", None).unwrap();
    assert!(
        p.html.contains("<hr />\n<p>Text after a rule.</p>"),
        "{}",
        p.html
    );
    // Real front matter is still read.
    let p = render("---\ntitle: T\n---\nx\n", None).unwrap();
    assert_eq!(p.title, "T");
    assert!(!p.html.contains("<hr"));
}

#[test]
fn hrefs_are_percent_encoded_as_the_reference_does() {
    assert_eq!(
        body("[a](/f%C3%B6%C3%B6 \"f\")\n"),
        "<p><a href=\"/f%C3%B6%C3%B6\" title=\"f\">a</a></p>"
    );
    assert_eq!(
        body("[a](</my uri>)\n"),
        "<p><a href=\"/my%20uri\">a</a></p>"
    );
    assert_eq!(
        body("[a](/ö?q=1&r=[2])\n"),
        "<p><a href=\"/%C3%B6?q=1&amp;r=%5B2%5D\">a</a></p>"
    );
}

#[test]
fn tables_use_the_sites_own_texts_for_session_lifetimes_and_new_tabs() {
    let json = CONFIG
        .replace("\"lifetime\": \"1y\"", "\"lifetime\": \"session\"")
        .replace(
            "\"purposeSite\":",
            "\"recipientUrl\": \"https://policies.google.com/privacy\", \"purposeSite\":",
        )
        .replace(
            "\"revision\": 3,",
            "\"revision\": 3, \"texts\": {\"ja\": {\"untilClosed\": \"タブを閉じるまで\", \"newTab\": \"（別タブ）\"}},",
        );
    let config = Config::from_json(&json).unwrap();
    let cookies = render("```doui-cookies\n```\n", Some(&config))
        .unwrap()
        .html;
    assert!(cookies.contains("<td>タブを閉じるまで</td>"), "{cookies}");
    assert!(!cookies.contains("ブラウザーを閉じるまで"));
    assert!(
        cookies.contains("<span class=\"doui-sr\">（別タブ）</span>"),
        "{cookies}"
    );
    let sent = render("```doui-transmissions\n```\n", Some(&config))
        .unwrap()
        .html;
    assert!(sent.contains("（別タブ）</span></a>"), "{sent}");
    assert!(!sent.contains("新しいタブで開きます"), "{sent}");
}

#[test]
fn version_is_fnv1a_without_carriage_returns() {
    // The plain byte-by-byte definition the published versions were made with.
    let reference = |s: &str| {
        let h = s
            .bytes()
            .filter(|&b| b != b'\r')
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
            });
        let mut out = String::new();
        crate::text::push_hex(&mut out, h ^ (h >> 32), 8);
        out
    };
    let text = "# 方針\r\n\r\nCookie の利用について。\r\n- a\r\n- b\n\nend\r";
    for end in 0..=text.len() {
        if let Some(s) = text.get(..end) {
            assert_eq!(version(s), reference(s), "{s:?}");
        }
    }
}
