use spasm::scenario::Scenario;
use spasm::model::idx;
#[test]
fn scratch() {
    let mut paths: Vec<_> = std::fs::read_dir("examples").unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
    paths.sort();
    for p in paths {
        let s = Scenario::load(&p).unwrap();
        let t = std::time::Instant::now();
        let r = s.run().unwrap();
        println!("{} ({:?})", p.file_name().unwrap().to_string_lossy(), t.elapsed());
        for a in &r {
            let tr = &a.trajectory;
            let p = tr.series(idx::P);
            let auc: f64 = tr.times.windows(2).zip(p.windows(2)).map(|(t, w)| 0.5*(w[0]+w[1])*(t[1]-t[0])/3600.0).sum();
            let peak = p.iter().cloned().fold(0.0, f64::max);
            let amax = tr.series(idx::A).iter().cloned().fold(0.0, f64::max);
            let mmax = tr.series(idx::M).iter().cloned().fold(0.0, f64::max);
            let capmin = tr.series(idx::CAP).iter().cloned().fold(1.0, f64::min);
            println!("   {:32} peakP {peak:5.2} aucP {auc:7.1} finalP {:5.2} max a {amax:.3} max M {mmax:.2} min cap {capmin:.3}", a.name, p.last().unwrap());
        }
    }
}
