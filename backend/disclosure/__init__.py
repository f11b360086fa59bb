"""Public disclosure (信息披露) and regulator reporting (监管报送): platform figures computed from the chain
index, monthly snapshots anchored on-chain, anonymised loan disclosure, signed regulator exports."""
