"""zh-CN translations of the msgids the patches in this folder add (pagefacts baseline box).
After applying a patch: make catalogues, then
  .venv/bin/python docs/zh-handoff/fill.py docs/zh-handoff/translations.py
(fill.py runs the same extract + update as make catalogues, then fills the empty entries
named here; it prints the msgids still empty)."""
T = {
    "not enough data": "数据不足",
    "signal: not stable": "信号：不稳定",
    "No headline KPI could be measured on this export (see Not computed below).":
        "本次导出数据无法计算核心 KPI（见下方“本次导出数据未计算”）。",
    "{name}: {value}": "{name}：{value}",
    ", meets the target of {target}": "，已达到 {target} 的目标",
    ", does not yet meet the target of {target}": "，尚未达到 {target} 的目标",
    "; the baseline is not stable (signals of non-random variation)":
        "；基线不稳定（存在非随机变异信号）",
    "; the baseline is stable": "；基线稳定",
}
