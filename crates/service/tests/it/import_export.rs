use super::demo_towns;
use rust_xlsxwriter::Workbook;
use safegrid_service::xlsx::workbook;
use safegrid_service::{Error, Lang, system};

fn sheet(name: &str, rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

const HEAD: &[&str] = &[
    "名称",
    "统一社会信用代码",
    "所在村(社区)",
    "行业",
    "规模",
    "法定代表人",
    "法定代表人手机",
];

#[tokio::test]
async fn a_file_with_a_bad_row_imports_nothing_and_names_the_row() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let count = svc.all_enterprises(&sys).await.unwrap().len();
        let file = sheet(
            "企业",
            &[
                HEAD,
                &[
                    "新开石材厂",
                    "91350100M000100Y43",
                    "石坝村",
                    "B10",
                    "小型",
                    "张三",
                    "13812345678",
                ],
                &[
                    "错误代码厂",
                    "91110000600037341X",
                    "石坝村",
                    "C21",
                    "小型",
                    "李四",
                    "13812345679",
                ],
                &[
                    "无名村厂",
                    "911100001000128855",
                    "不存在村",
                    "C21",
                    "小型",
                    "王五",
                    "138",
                ],
            ],
        );
        let report = svc.import_registry(&sys, &file, |_, _| {}).await.unwrap();
        let got: Vec<_> = report
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "统一社会信用代码", "uscc.check_digit"),
                (4, "所在村(社区)", "xlsx.unknown_region")
            ],
            "{}",
            db.backend()
        );
        assert_eq!(
            svc.all_enterprises(&sys).await.unwrap().len(),
            count,
            "nothing half-imported"
        );
        assert_eq!(
            report.errors[0].message(Lang::Zh),
            "工作表「企业」第3行「统一社会信用代码」：校验位不正确，请核对营业执照"
        );
    }
}

#[tokio::test]
async fn a_good_file_creates_and_updates() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let existing = svc.all_enterprises(&sys).await.unwrap().remove(0);
        let file = sheet(
            "企业",
            &[
                HEAD,
                &[
                    "新开石材厂",
                    "91350100M000100Y43",
                    "石坝村",
                    "非金属矿采选业(非煤矿山)",
                    "小型",
                    "张三",
                    "13812345678",
                ],
                &[
                    &existing.name,
                    &existing.uscc,
                    "文观村",
                    &existing.industry_code,
                    "微型",
                    "新法人",
                    "",
                ],
            ],
        );
        let report = svc.import_registry(&sys, &file, |_, _| {}).await.unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!((report.created, report.updated), (1, 1), "{}", db.backend());
        let updated = svc.enterprise(&sys, existing.id).await.unwrap();
        assert_eq!(
            (
                updated.region_name.as_str(),
                updated.legal_representative.as_str(),
                updated.scale.as_str()
            ),
            ("文观村", "新法人", "micro")
        );
    }
}

#[tokio::test]
async fn not_an_xlsx_and_missing_columns() {
    for (_db, svc) in demo_towns().await {
        let sys = system();
        match svc
            .import_registry(&sys, b"name,uscc\nfoo,bar\n", |_, _| {})
            .await
        {
            Err(Error::Invalid(i)) => assert_eq!(i.errors[0].code, "xlsx.not_xlsx"),
            other => panic!("{other:?}"),
        }
        let file = sheet("企业", &[&["名称", "行业"], &["某厂", "C21"]]);
        let report = svc.import_registry(&sys, &file, |_, _| {}).await.unwrap();
        let missing: Vec<_> = report.errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(missing, ["统一社会信用代码", "所在村(社区)", "法定代表人"]);
        let file = sheet("Sheet1", &[&["x"]]);
        assert!(matches!(
            svc.import_registry(&sys, &file, |_, _| {}).await,
            Err(Error::Invalid(_))
        ));
    }
}

#[tokio::test]
async fn an_export_imports_back_unchanged() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let before = svc.all_enterprises(&sys).await.unwrap();
        let tables = [
            svc.enterprise_table(&sys, Lang::Zh).await.unwrap(),
            svc.people_table(&sys, Lang::Zh).await.unwrap(),
        ];
        assert_eq!(tables[0].rows.len(), before.len());
        let bytes = workbook(&tables).unwrap();
        let report = svc.import_registry(&sys, &bytes, |_, _| {}).await.unwrap();
        assert!(
            report.errors.is_empty(),
            "{}: {:?}",
            db.backend(),
            &report.errors[..report.errors.len().min(3)]
        );
        assert_eq!(report.created, 0);
        let after = svc.all_enterprises(&sys).await.unwrap();
        let strip = |v: Vec<safegrid_store::enterprises::EnterpriseRow>| {
            v.into_iter()
                .map(|mut e| {
                    e.updated_at = chrono::DateTime::UNIX_EPOCH;
                    e
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(before), strip(after));
    }
}
