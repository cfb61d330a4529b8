fn main() {
    for c in spasm::validate::all().unwrap() {
        println!("{:>2} {:4} {:70} exp {:>16} got {:>14}", c.target, if c.pass {"ok"} else {"FAIL"}, c.name, c.expected, c.measured);
    }
}
