"""Measure the yardstick and write it into docs/validation.md (issue 9, item 6).

    .venv/bin/python scripts/yardstick.py                  # the model vs the baselines
    .venv/bin/python scripts/yardstick.py --calibrate      # and the fit out of sample (minutes)

Writes ``docs/yardstick.json`` (the measured numbers) and replaces the block between the
yardstick markers in ``docs/validation.md`` with the tables rendered from it
(:func:`escalade.analysis.yardstick.markdown_tables`); ``tests/hindcast/test_yardstick_doc.py``
checks that the page holds exactly that rendering. Never edit the block by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from escalade.analysis import calibrate as cal
from escalade.analysis import hindcast as hc
from escalade.analysis import yardstick as ys
from escalade.report.hindcast import finite
from escalade.version import __version__

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "validation.md"
DATA = ROOT / "docs" / "yardstick.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--train-until", default="2020-12-31")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--calibrate", action="store_true", help="also measure the fit out of sample")
    ap.add_argument("--render-only", action="store_true", help="re-render docs from the JSON")
    a = ap.parse_args(argv)
    if a.render_only:
        doc = json.loads(DATA.read_text(encoding="utf-8"))
    else:
        until = dt.date.fromisoformat(a.train_until)
        eps = hc.load_episodes()
        result = hc.run_hindcast(eps, runs=a.runs, seed=a.seed, workers=a.workers)
        loo = ys.yardstick(result.cases, result.forecasts)
        ref, test = ys.split_by_date(eps, until)
        test_ids = {e.id for e in test}
        cases = [c for c in result.cases if c.id in test_ids]
        temporal = ys.yardstick(cases, result.forecasts, ref)
        cmd = f"python scripts/yardstick.py --runs {a.runs} --seed {a.seed} --train-until {until}"
        doc = {
            "command": cmd + (" --calibrate" if a.calibrate else ""),
            "version": __version__,
            "runs": a.runs,
            "seed": a.seed,
            "protocols": {
                "Leave-one-out (all episodes)": ys.doc_summary(loo),
                f"Temporal split: reference up to {until}, scored after": ys.doc_summary(temporal),
            },
            "in_the_large": ys.in_the_large_doc(loo),
        }
        if a.calibrate:
            params = [cal.parse_param(s) for s in cal.DEFAULT_PARAMS]
            fit = cal.calibrate(eps, params, seed=a.seed, workers=a.workers, train_until=until)
            rows = [
                {
                    "protocol": "leave-one-out, every fold re-fitted",
                    "n": len(fit.loo),
                    "fitted": float(
                        sum(-(h.fitted.log_rung + h.fitted.log_lag) for h in fit.loo) / len(fit.loo)
                    ),
                    "default": float(
                        sum(-(h.default.log_rung + h.default.log_lag) for h in fit.loo)
                        / len(fit.loo)
                    ),
                }
            ]
            if fit.temporal is not None and fit.out_of_sample is not None:
                rows.append(
                    {
                        "protocol": f"fitted up to {until}, scored after",
                        "n": len(fit.temporal.test),
                        **fit.out_of_sample,
                    }
                )
            doc["calibration"] = {
                "command": f"escalade calibrate --train-until {until} --seed {a.seed}",
                "settings": f"its defaults: {cal.DEFAULT_RUNS} runs, design {cal.DEFAULT_DESIGN}, "
                f"iters {cal.DEFAULT_ITERS}; parameters {', '.join(cal.DEFAULT_PARAMS)}",
                "rows": rows,
            }
        DATA.write_text(json.dumps(finite(doc), indent=1) + "\n", encoding="utf-8")
    block = ys.markdown_tables(doc)
    DOC.write_text(ys.splice(DOC.read_text(encoding="utf-8"), block), encoding="utf-8")
    sys.stdout.write(block)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
