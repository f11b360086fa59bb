"""Plain-text table of a bench results document (bench/results.json)."""

from __future__ import annotations

import json


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)


def _gas(section: dict) -> None:
    figures = section.get("figures") or {}
    if not figures:
        return
    width = max(len(k) for k in figures)
    print(f"  {'operation':<{width}}  {'gas':>11}  {'aim':>11}  status")
    for key, entry in figures.items():
        aim = entry.get("aim")
        status = "" if aim is None else ("within aim" if entry["within_aim"] else "OVER AIM")
        aim_text = f"<= {aim:,}" if aim is not None else ""
        print(f"  {key:<{width}}  {entry['gas']:>11,}  {aim_text:>11}  {status}")
    for test in section.get("tests", []):
        state = "passed" if test["ok"] else "FAILED"
        print(f"  [{state}] {test['test']} ({test['seconds']}s)")
    sizes = section.get("sizes") or {}
    if sizes:
        width = max(len(k) for k in sizes)
        print(f"\n  {'contract':<{width}}  {'bytes':>7}  {'room under EIP-170':>18}")
        for name, s in sizes.items():
            status = "within aim" if s["within_aim"] else "OVER AIM"
            print(f"  {name:<{width}}  {s['bytes']:>7,}  {s['headroom']:>18,}  {status}")


def _api(section: dict) -> None:
    levels = section.get("by_concurrency") or {"": {"endpoints": section.get("endpoints") or {}}}
    for level, figures in levels.items():
        endpoints = figures.get("endpoints") or {}
        if not endpoints:
            continue
        ratios = figures.get("throughput_ratio_to_healthz") or {}
        width = max(len(k) for k in endpoints)
        print(f"  concurrency {level}")
        print(
            f"  {'endpoint':<{width}}  {'req/s':>8}  {'÷healthz':>8}  {'p50 ms':>8}  {'p99 ms':>8}"
            f"  {'ok':>6}  {'503':>5}"
        )
        for name, r in endpoints.items():
            ratio = ratios.get(name)
            print(
                f"  {name:<{width}}  {r['rps']:>8,.0f}  {ratio if ratio is not None else '':>8}"
                f"  {r['p50_ms']:>8.1f}  {r['p99_ms']:>8.1f}  {r['ok']:>6}"
                f"  {r['status_counts'].get('503', 0):>5}"
            )
    open_loop = section.get("open_loop_half_saturation") or {}
    if open_loop:
        print("  open loop at half the rate served at the first concurrency (latency from scheduled start)")
        for name, r in open_loop.items():
            print(f"  {name}: {r['rate_rps']:,.0f} req/s  p50 {r['p50_ms']:.1f} ms  p99 {r['p99_ms']:.1f} ms")
    load = section.get("load", {})
    print(
        f"  ({load.get('requests')} requests per endpoint and concurrency; "
        f"{section.get('server', '')}; client on the same {section.get('cpus')} CPUs)"
    )


def _flat(section: dict, skip=("ok", "seconds", "traceback", "error"), indent: str = "  ") -> None:
    for key, value in section.items():
        if key in skip:
            continue
        if isinstance(value, dict) and all(not isinstance(v, dict | list) for v in value.values()):
            print(f"{indent}{key:<28} " + ", ".join(f"{k} {_fmt(v)}" for k, v in value.items())[:200])
        elif isinstance(value, dict):
            print(f"{indent}{key}")
            _flat(value, skip, indent + "  ")
        else:
            text = json.dumps(value) if isinstance(value, list) else _fmt(value)
            print(f"{indent}{key:<28} {text[:160]}")


def print_table(results: dict) -> None:
    for name, section in results.get("sections", {}).items():
        head = "ok" if section.get("ok") else "FAILED"
        print(f"\n== {name} ({head}, {section.get('seconds')}s)")
        if name == "gas":
            _gas(section)
        elif name == "api":
            _api(section)
        else:
            _flat(section)
        if section.get("error"):
            print(f"  error: {section['error'][:600]}")
