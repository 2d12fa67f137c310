use fixture_numbers::types::Measure;

#[test]
fn integers_keep_every_digit_and_floats_their_width() {
    let json = r#"{"small":-5,"big":9007199254740993,"plain":7,"ratio":0.5,"precise":1e-300,"any_number":3.0,"flag":true}"#;
    let measure: Measure = serde_json::from_str(json).unwrap();
    assert_eq!(
        measure.big, 9_007_199_254_740_993,
        "beyond f64's exact range"
    );
    let _: (i32, i64, f32, f64, bool) = (
        measure.small,
        measure.plain,
        measure.ratio,
        measure.precise,
        measure.flag,
    );
    assert!(
        serde_json::from_str::<Measure>(&json.replace("-5", "3000000000")).is_err(),
        "int32 overflow is refused"
    );
}
