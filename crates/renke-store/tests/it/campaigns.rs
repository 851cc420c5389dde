use crate::fixtures::{now, tree};
use chrono::NaiveDate;
use renke_domain::campaign::CampaignInput;
use renke_store::campaigns::{self, Reach};
use renke_store::orgs;
use renke_store::testing::backends;

const ALL: Reach = Reach {
    below: true,
    above: true,
};

#[tokio::test]
async fn campaigns_with_local_themes_and_visibility() {
    for t in backends().await {
        let db = &t.db;
        tree(db).await;
        let n = orgs::get_by_code(db, "N").await.unwrap();
        let gd = orgs::get_by_code(db, "GD").await.unwrap();
        let sh = orgs::get_by_code(db, "SH").await.unwrap();
        let input = CampaignInput {
            title: "第十五个世界认可日".into(),
            edition: "15".into(),
            day: "2022-06-09".into(),
            international_theme: "认可：促进经济和环境可持续发展".into(),
            domestic_theme: "传递质量信任 服务绿色发展".into(),
            owner_org_id: n.id,
            public: true,
            local_themes: vec![(gd.id, "广东主题".into())],
        };
        let c = campaigns::create(db, &input.validate().unwrap(), now())
            .await
            .unwrap();
        assert_eq!(c.edition, Some(15));
        assert_eq!(c.day, NaiveDate::from_ymd_opt(2022, 6, 9).unwrap());
        assert_eq!(c.local_themes.len(), 1);
        assert_eq!(c.local_themes[0].org_name, "广东省市场监督管理局");

        let internal = CampaignInput {
            title: "上海内部活动".into(),
            owner_org_id: sh.id,
            public: false,
            local_themes: vec![],
            ..input.clone()
        };
        let ci = campaigns::create(db, &internal.validate().unwrap(), now())
            .await
            .unwrap();
        // Guangdong sees the public campaign but not Shanghai's internal one; SAMR (above) sees both.
        let for_gd = campaigns::list(db, Some(&gd.path), ALL, 0, 20)
            .await
            .unwrap();
        assert_eq!(
            for_gd.items.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![c.id],
            "{}",
            t.label()
        );
        let for_n = campaigns::list(db, Some(&n.path), ALL, 0, 20)
            .await
            .unwrap();
        assert_eq!(for_n.total, 2);
        // Without sight of descendants (staff), SAMR sees only the public campaign.
        let for_n_staff = campaigns::list(
            db,
            Some(&n.path),
            Reach {
                below: false,
                above: true,
            },
            0,
            20,
        )
        .await
        .unwrap();
        assert_eq!(for_n_staff.total, 1, "{}", t.label());
        let for_sh = campaigns::list(db, Some(&sh.path), ALL, 0, 20)
            .await
            .unwrap();
        assert_eq!(for_sh.total, 2);
        // An organisation under Shanghai sees Shanghai's internal campaign only when it
        // reads its superiors' internal material (the administration, not an institution).
        let below_sh = sh.path.child(999_999);
        for (above, want) in [(true, 2), (false, 1)] {
            let reach = Reach { below: true, above };
            let l = campaigns::list(db, Some(&below_sh), reach, 0, 20)
                .await
                .unwrap();
            assert_eq!(l.total, want, "above={above} {}", t.label());
        }

        let mut edit = input.clone();
        edit.local_themes = vec![(sh.id, "浦东主题".into()), (gd.id, "广东新主题".into())];
        edit.title = "第十五个“世界认可日”".into();
        let c2 = campaigns::update(db, c.id, &edit.validate().unwrap(), now())
            .await
            .unwrap();
        assert_eq!(c2.title, "第十五个“世界认可日”");
        assert_eq!(c2.local_themes.len(), 2);

        let today = NaiveDate::from_ymd_opt(2022, 6, 1).unwrap();
        assert_eq!(
            campaigns::current_public(db, today)
                .await
                .unwrap()
                .map(|c| c.id),
            Some(c.id)
        );
        let later = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        assert_eq!(
            campaigns::current_public(db, later)
                .await
                .unwrap()
                .map(|c| c.id),
            Some(c.id),
            "falls back to the latest past"
        );
        assert_ne!(ci.id, c.id);
        t.cleanup().await;
    }
}
