"""Anti-money-laundering monitoring: rules over the chain index raise alerts, alerts about one person merge
into a case, compliance officers dispose of cases (four eyes for freezes and reports), and each case
exports a signed suspicious-transaction report."""
