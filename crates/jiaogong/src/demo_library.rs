//! Demo data for the resource library: excerpts of the Trade Union Law (as a Word file made with
//! docx-rs) and the Teachers Law, the school's welfare rules in two versions, an application
//! form as Word and a relief form as Excel, and training notes; indexed as an upload would be,
//! so 工会 and 福利 find them at once.

use jiaogong_domain::activities::library::{document_text, index_tokens, FileKind, Folder};
use jiaogong_office::docx::{write_docx, Block};
use jiaogong_office::extract::{extract_text, TextSource};
use jiaogong_store::activities::library::{self as lib, NewFile};
use jiaogong_store::Store;

fn p(s: &str) -> Block {
    Block::Paragraph(s.to_string())
}

fn union_law() -> anyhow::Result<Vec<u8>> {
    Ok(write_docx(
        "中华人民共和国工会法（节选）",
        &[
            Block::Heading(2, "第一章 总则".into()),
            p("第一条 为保障工会在国家政治、经济和社会生活中的地位，确定工会的权利与义务，发挥工会在社会主义现代化建设事业中的作用，根据宪法，制定本法。"),
            p("第三条 在中国境内的企业、事业单位、机关、社会组织中以工资收入为主要生活来源的劳动者，不分民族、种族、性别、职业、宗教信仰、教育程度，都有依法参加和组织工会的权利。任何组织和个人不得阻挠和限制。"),
            p("第六条 维护职工合法权益、竭诚服务职工群众是工会的基本职责。工会在维护全国人民总体利益的同时，代表和维护职工的合法权益。"),
            Block::Heading(2, "第五章 工会的经费和财产".into()),
            p("第四十二条 工会经费的来源：（一）工会会员缴纳的会费；（二）建立工会组织的用人单位按每月全部职工工资总额的百分之二向工会拨缴的经费；（三）工会所属的企业、事业单位上缴的收入；（四）人民政府的补助；（五）其他收入。"),
            p("工会经费主要用于为职工服务和工会活动。经费使用的具体办法由中华全国总工会制定。"),
        ],
    )?)
}

fn welfare_rules(version: u8) -> anyhow::Result<Vec<u8>> {
    let mut blocks = vec![
        p("为关心教职工生活，增强工会组织的凝聚力，根据《基层工会经费收支管理办法》，结合我校实际，制定本制度。"),
        Block::Table {
            headers: vec!["慰问事项".into(), "标准".into()],
            rows: vec![
                vec!["教职工生日".into(), "生日蛋糕券一张（不超过200元）".into()],
                vec!["生病住院".into(), "慰问金500元".into()],
                vec!["传统节日".into(), "节日福利不超过500元/人".into()],
            ],
        },
    ];
    if version > 1 {
        blocks.push(p("2026年修订：退休教职工的节日福利与在职教职工相同。"));
    }
    Ok(write_docx("教职工福利慰问制度", &blocks)?)
}

fn membership_form() -> anyhow::Result<Vec<u8>> {
    Ok(write_docx(
        "工会会员入会申请书",
        &[
            p("本人自愿加入中华全国总工会，遵守工会章程，履行会员义务，按时缴纳会费。"),
            Block::Table {
                headers: vec!["项目".into(), "填写".into()],
                rows: vec![
                    vec!["姓名".into(), String::new()],
                    vec!["所在工会小组".into(), String::new()],
                    vec!["申请日期".into(), String::new()],
                ],
            },
        ],
    )?)
}

fn relief_form() -> anyhow::Result<Vec<u8>> {
    Ok(jiaogong_office::xlsx_write::write_tables(&[jiaogong_office::xlsx_write::Table {
        sheet_name: "困难补助申请表".into(),
        headers: ["姓名", "工会小组", "困难情况", "申请金额（元）", "小组长意见"]
            .iter()
            .map(|h| h.to_string())
            .collect(),
        rows: Vec::new(),
        col_widths: Vec::new(),
    }])?)
}

const TEACHERS_LAW: &str = "中华人民共和国教师法（节选）\n\
第七条 教师享有下列权利：（一）进行教育教学活动，开展教育教学改革和实验；（二）从事科学研究、学术交流，参加专业的学术团体；\
（四）按时获取工资报酬，享受国家规定的福利待遇以及寒暑假期的带薪休假；（五）对学校教育教学、管理工作和教育行政部门的工作提出意见和建议，\
通过教职工代表大会或者其他形式，参与学校的民主管理；（六）参加进修或者其他方式的培训。\n\
第八条 教师应当履行下列义务：（一）遵守宪法、法律和职业道德，为人师表；（二）贯彻国家的教育方针，遵守规章制度，执行学校的教学计划，完成教育教学工作任务。\n";

const TRAINING: &str = "工会经费使用培训讲义\n\
一、工会经费的来源：会员会费、行政拨缴经费（职工工资总额的2%）、上级补助。\n\
二、使用原则：遵纪守法、经费独立、预算管理、服务职工、勤俭节约、民主管理。\n\
三、常见问题：节日慰问品不得发放购物卡；文体活动的奖品以实物为主；所有开支须有审批和公示。\n";

/// Adds the demo library of a school.
pub async fn create(store: &Store, school: &str) -> anyhow::Result<()> {
    let docs: Vec<(Folder, &str, &str, FileKind, Vec<u8>)> = vec![
        (Folder::Laws, "中华人民共和国工会法（节选）", "工会法（节选）.docx", FileKind::Docx, union_law()?),
        (
            Folder::Laws,
            "中华人民共和国教师法（节选）",
            "教师法（节选）.txt",
            FileKind::Text,
            TEACHERS_LAW.as_bytes().to_vec(),
        ),
        (Folder::Rules, "教职工福利慰问制度", "福利慰问制度.docx", FileKind::Docx, welfare_rules(1)?),
        (Folder::Forms, "工会会员入会申请书", "入会申请书.docx", FileKind::Docx, membership_form()?),
        (Folder::Forms, "困难职工补助申请表", "困难补助申请表.xlsx", FileKind::Xlsx, relief_form()?),
        (Folder::Training, "工会经费使用培训讲义", "经费培训讲义.txt", FileKind::Text, TRAINING.as_bytes().to_vec()),
    ];
    let mut tx = store.begin().await?;
    let mut welfare = None;
    for (folder, title, file_name, kind, bytes) in &docs {
        let text = text_of(*kind, bytes)?;
        let search = document_text(title, &text);
        let tokens = index_tokens(&search);
        let f = NewFile { file_name, content_type: kind.content_type(), bytes, search_text: &search, tokens: &tokens };
        let id = lib::create(&mut tx, school, *folder, title, &f, "demo").await?;
        if *folder == Folder::Rules {
            welfare = Some((id, *title));
        }
    }
    // The welfare rules were revised: version 2 is current, version 1 stays downloadable.
    if let Some((id, title)) = welfare {
        let bytes = welfare_rules(2)?;
        let search = document_text(title, &text_of(FileKind::Docx, &bytes)?);
        let tokens = index_tokens(&search);
        let f = NewFile {
            file_name: "福利慰问制度（2026年修订）.docx",
            content_type: FileKind::Docx.content_type(),
            bytes: &bytes,
            search_text: &search,
            tokens: &tokens,
        };
        lib::add_version(&mut tx, school, &id, 1, &f, "demo").await?;
    }
    jiaogong_store::commit(tx).await?;
    Ok(())
}

fn text_of(kind: FileKind, bytes: &[u8]) -> anyhow::Result<String> {
    let source = match kind {
        FileKind::Docx => TextSource::Docx,
        FileKind::Pdf => TextSource::Pdf,
        FileKind::Text => TextSource::Plain,
        FileKind::Xlsx => return Ok(String::new()),
    };
    Ok(extract_text(source, bytes)?)
}
