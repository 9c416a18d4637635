"""Fuzzing the command line with generated bad inputs: no traceback, no hang, nothing written
or deleted outside the output folder.

Each case is one command (``run``, ``sweep``, ``compare``, ``plot`` or ``run
--from-manifest``) on an input made bad in one of the ways an adversarial review found:
YAML alias bombs, non-UTF-8 and binary bytes, deep nesting, duplicate keys, NaN/Inf and
extreme numbers in every numeric field, tiny and huge steps, type confusion, truncation,
hostile output paths and options, huge sweep designs, damaged run folders, manifests and
checkpoints. The command runs in-process (``sim.cli.main``) in a sandbox folder that also
holds a user's files; afterwards the sandbox must be unchanged outside the case's output
folder.

    python tests/fuzz_inputs.py --cases 1000 --seed 0     (prints the counts; exit 1 on any)

``tests/test_fuzz.py`` runs a sample in the default suite and all 1,000 with ``-m slow``.
"""

from __future__ import annotations

import argparse
import contextlib
import io as _io
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

BASE: dict[str, Any] = {
    "name": "fz",
    "duration_min": 10,
    "cells": {"muscle": 2, "liver": 2, "adipose": 2},
    "parameters": {"muscle.glut4_total": 1.0},
    "interventions": [
        {"kind": "meal", "at_min": 0, "carbs_g": 40, "protein_g": 5},
        {"kind": "exercise", "start_min": 2, "duration_min": 5, "intensity_vo2max": 0.5},
        {"kind": "secretagogue", "at_min": 1, "drug": "ipamorelin", "dose_ug": 100},
    ],
}
PROTOCOLS: list[dict[str, Any]] = [
    {"kind": "clamp", "insulin_uU_ml": [20, 40], "step_min": 5, "glucose_mM": 5.0},
    {"kind": "medium", "insulin_nM": [[0, 0.0], [5, 10.0]], "glucose_mM": 5.0},
    {"kind": "ogtt", "glucose_g": 75, "at_min": 0},
]
SWEEP: dict[str, Any] = {
    "name": "fzs",
    "base": "base.yaml",
    "replicates": 1,
    "design": {"kind": "grid", "parameters": {"parameters.muscle.glut4_total": [0.9, 1.1]}},
}
HOSTILE_VALUES: list[Any] = [
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    -1e308,
    1e-300,
    -1e-300,
    0,
    -1,
    2**63,
    -(2**63),
    10**400,
    "",
    "1e999",
    True,
    None,
    [],
    {},
    [[1, 2]],
    "x" * 10_000,
]
TIMEOUT_S = {"plot": 150}
"""Seconds a case may take before it counts as a hang (figures take longest: drawing a run
is slow on a loaded 2-core machine); 60 s for every other kind."""


class Hang(BaseException):
    """A case ran past its time limit (not an Exception: nothing may swallow it)."""


@dataclass
class Case:
    kind: str
    args: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    out: str = "out"
    setup: str = ""
    """A prepared output of an earlier good run the case damages: run, sweep, checkpoint."""
    damage: str = ""


# ------------------------------------------------------------------ generators


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


def _leaves(data: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))]
    return [path]


def _set(data: Any, path: tuple, value: Any) -> None:
    for k in path[:-1]:
        data = data[k]
    data[path[-1]] = value


def _scenario(rng: random.Random) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE))
    if rng.random() < 0.5:
        data["protocol"] = json.loads(json.dumps(rng.choice(PROTOCOLS)))
        if data["protocol"]["kind"] == "medium":
            data["interventions"] = []
    return data


def bomb(rng: random.Random, levels: int | None = None) -> str:
    levels = levels or rng.randint(6, 12)
    width = rng.randint(6, 10)
    lines = [f"b0: &b0 [{', '.join(['x'] * width)}]"]
    for i in range(1, levels + 1):
        lines.append(f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _bad_yaml(rng: random.Random, data: dict[str, Any]) -> bytes:
    """``data`` made bad in one of the review's ways."""
    how = rng.choice(
        ["bomb", "utf8", "binary", "nest", "dup", "number", "type", "unknown", "truncate", "steps"]
    )
    text = _dump(data)
    if how == "bomb":
        key = rng.choice(["junk", "parameters", "interventions", "protocol", "cells", "name"])
        body = "\n".join(
            line for line in text.decode().splitlines() if not line.startswith(f"{key}:")
        )
        return (bomb(rng) + body + f"\n{key}: *b{rng.randint(5, 6)}\n").encode()
    if how == "utf8":
        pos = rng.randrange(len(text))
        return (
            text[:pos]
            + bytes(rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xfe\xff"]))
            + text[pos:]
        )
    if how == "binary":
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 2000)))
    if how == "nest":
        depth = rng.choice([65, 200, 1000, 5000, 20000])
        if rng.random() < 0.5:
            return text + b"deep: " + b"[" * depth + b"]" * depth + b"\n"
        return text + b"deep:\n" + b"".join(b" " * i + b"k:\n" for i in range(1, min(depth, 400)))
    if how == "dup":
        lines = text.decode().splitlines()
        i = rng.randrange(len(lines))
        return ("\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :]) + "\n").encode()
    if how in ("number", "type"):
        leaves = _leaves(data)
        for _ in range(rng.randint(1, 3)):
            _set(
                data,
                rng.choice(leaves),
                rng.choice(HOSTILE_VALUES[:12] if how == "number" else HOSTILE_VALUES),
            )
        try:
            return _dump(data)
        except (yaml.YAMLError, ValueError, OverflowError):
            return text
    if how == "unknown":
        data[rng.choice(["colour", "protocl", "intervention", "Cells", "seed "])] = 1
        if data["interventions"]:
            data["interventions"][0]["kind"] = rng.choice(["mael", "", "gh", 3])
        return _dump(data)
    if how == "truncate":
        return text[: rng.randrange(1, len(text))]
    # steps: tiny, huge, odd and misaligned steps and cadences
    data["dt_min"] = rng.choice([1e-300, 1e-9, 1e-7, 0.3, 0.7, 5.0, 5.0001, 7, -1, 0])
    if rng.random() < 0.5:
        data["record_every_min"] = rng.choice([1e-9, 0.5, 5, 7.3, 1e12])
    if rng.random() < 0.5:
        data["duration_min"] = rng.choice([1e-9, 0.5, 10.5, 1e9, 527041])
    if rng.random() < 0.3 and data["interventions"]:
        data["interventions"][0]["repeat_every_min"] = rng.choice([1e-9, 1e-3, 0.5])
    return _dump(data)


def _hostile_out(rng: random.Random) -> tuple[list[str], str]:
    """Output options a careless or hostile user might give (``out`` is what may change)."""
    choice = rng.choice(
        [".", "..", "/", "~", "user", "user/file.txt", "inputs", "x" * 300, "out/../user", "a\x00b"]
    )
    if choice == "~":
        return ["--out", str(Path.home()), "--force"], "out"
    return ["--out", choice, "--force"] + (["--resume"] if rng.random() < 0.2 else []), "out"


def case(rng: random.Random) -> Case:
    """One generated bad input."""
    kind = rng.choice(
        ["run", "run", "run", "sweep", "compare", "plot", "manifest", "resume", "cli"]
    )
    if kind == "run":
        return Case(
            "run",
            ["run", "inputs/s.yaml", "--out", "out", "-q"],
            {"inputs/s.yaml": _bad_yaml(rng, _scenario(rng))},
        )
    if kind == "sweep":
        spec = json.loads(json.dumps(SWEEP))
        files = {"inputs/base.yaml": _dump(BASE)}
        sub = rng.choice(["spec", "base", "design", "base_path"])
        if sub == "spec":
            files["inputs/sw.yaml"] = _bad_yaml_generic(rng, spec)
        elif sub == "base":
            files["inputs/base.yaml"] = _bad_yaml(rng, _scenario(rng))
            files["inputs/sw.yaml"] = _dump(spec)
        elif sub == "design":
            spec["design"] = rng.choice(
                [
                    {
                        "kind": "grid",
                        "parameters": {
                            f"parameters.muscle.k{i}": list(range(6)) for i in range(10)
                        },
                    },
                    {
                        "kind": "lhs",
                        "samples": rng.choice([0, -1, 10**7, 10**12]),
                        "parameters": {"seed": [0, 1]},
                    },
                    {
                        "kind": "sobol",
                        "samples": rng.choice([3, 2**30]),
                        "parameters": {"seed": [0, 1]},
                    },
                    {"kind": "random", "samples": 2, "parameters": {"seed": [float("nan"), 1]}},
                    {"kind": "grid", "parameters": {"dt_min": [1e-9, 1e-300]}},
                ]
            )
            spec["replicates"] = rng.choice([1, 0, 10**9])
            files["inputs/sw.yaml"] = _dump(spec)
        else:
            spec["base"] = rng.choice(
                ["/dev/zero", "../../etc/passwd", "missing.yaml", "/", "base.yaml\x00"]
            )
            files["inputs/sw.yaml"] = _dump(spec)
        args = ["sweep", "inputs/sw.yaml", "--out", "out", "--workers", "1", "-q"]
        if rng.random() < 0.15:
            args += ["--scheduler", rng.choice(["tcp://127.0.0.1:1", "nonsense", "tcp://[::1:9"])]
        return Case("sweep", args, files)
    if kind == "compare":
        if rng.random() < 0.5:
            files = {"inputs/a.yaml": _dump(BASE), "inputs/b.yaml": _bad_yaml(rng, _scenario(rng))}
            return Case(
                "compare",
                [
                    "compare",
                    "inputs/a.yaml",
                    "inputs/b.yaml",
                    "--replicates",
                    "2",
                    "--workers",
                    "1",
                    "--out",
                    "out",
                    "-q",
                ],
                files,
            )
        study = {
            "name": "st",
            "arms": {"control": {"scenario": BASE}, "b": {"scenario": BASE, "set": ["seed=1"]}},
            "replicates": 2,
        }
        return Case(
            "compare",
            ["compare", "inputs/h.yaml", "--workers", "1", "--out", "out", "-q"],
            {"inputs/h.yaml": _bad_yaml_generic(rng, study)},
        )
    if kind == "plot":
        return Case(
            "plot",
            ["plot", "prepared/run"],
            setup="run",
            damage=rng.choice(
                [
                    "ts_trunc",
                    "ts_flip",
                    "ts_garbage",
                    "cells_garbage",
                    "scenario",
                    "summary",
                    "manifest",
                    "missing",
                    "sweep_summary",
                ]
            ),
            out="prepared/run/figures",
        )
    if kind == "manifest":
        return Case(
            "manifest",
            ["run", "--from-manifest", "prepared/run", "--out", "out", "-q"],
            setup="run",
            damage=rng.choice(
                [
                    "m_flip",
                    "m_keys",
                    "m_types",
                    "m_nest",
                    "m_utf8",
                    "m_bomb",
                    "s_altered",
                    "s_missing",
                    "m_dir",
                ]
            ),
        )
    if kind == "resume":
        return Case(
            "resume",
            ["run", "inputs/ck.yaml", "--out", "prepared/ck", "--resume", "-q"],
            setup="checkpoint",
            damage=rng.choice(
                ["c_trunc", "c_flip", "c_garbage", "c_chunk_missing", "c_chunk_flip", "c_meta"]
            ),
            out="prepared/ck",
        )
    # hostile command lines around a good scenario
    extra, out = _hostile_out(rng)
    opts = rng.choice(
        [
            extra,
            [
                "--checkpoint-every-min",
                rng.choice(["nan", "-1", "0", "inf", "1e-300"]),
                "--out",
                "out",
            ],
            ["--seed", rng.choice(["-1", str(2**64), "nan"]), "--out", "out"],
            [
                "--set",
                rng.choice(
                    [
                        "dt_min",
                        "=",
                        "cells.muscle=-1",
                        "protocol.kind=x",
                        "a.b.c.d=1",
                        "interventions.99.at_min=1",
                        "parameters.nope=1",
                        "dt_min=[1,",
                        "seed=*a",
                    ]
                ),
                "--out",
                "out",
            ],
            ["--engine", "gpu", "--out", "out"],
            ["--resume", "--out", "out"],
        ]
    )
    return Case(
        "cli", ["run", "inputs/s.yaml", "-q", *opts], {"inputs/s.yaml": _dump(BASE)}, out=out
    )


def _bad_yaml_generic(rng: random.Random, data: dict[str, Any]) -> bytes:
    data = json.loads(json.dumps(data))
    if rng.random() < 0.5:
        leaves = _leaves(data)
        _set(data, rng.choice(leaves), rng.choice(HOSTILE_VALUES))
        try:
            return _dump(data)
        except (yaml.YAMLError, ValueError, OverflowError):
            pass
    text = _dump(data)
    how = rng.choice(["bomb", "utf8", "nest", "dup", "truncate"])
    if how == "bomb":
        return (bomb(rng) + text.decode() + f"junk: *b{rng.randint(5, 6)}\n").encode()
    if how == "utf8":
        pos = rng.randrange(len(text))
        return text[:pos] + b"\xff\xfe" + text[pos:]
    if how == "nest":
        return text + b"deep: " + b"[" * 3000 + b"]" * 3000 + b"\n"
    if how == "dup":
        return text + text.splitlines(keepends=True)[0]
    return text[: rng.randrange(1, len(text))]


# ------------------------------------------------------------------ preparing and damaging


def _flip(path: Path, rng: random.Random, n: int = 3) -> None:
    raw = bytearray(path.read_bytes())
    for _ in range(n):
        if raw:
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(raw))


def _damage(sandbox: Path, c: Case, rng: random.Random) -> None:
    run = sandbox / "prepared" / "run"
    d = c.damage
    if d == "ts_trunc":
        p = run / "timeseries.parquet"
        p.write_bytes(p.read_bytes()[: rng.randrange(1, 400)])
    elif d == "ts_flip":
        _flip(run / "timeseries.parquet", rng, 8)
    elif d == "ts_garbage":
        (run / "timeseries.parquet").write_bytes(os.urandom(rng.randint(0, 3000)))
    elif d == "cells_garbage":
        (run / "cells.parquet").write_bytes(b"PAR1" + os.urandom(500) + b"PAR1")
    elif d in ("scenario", "m_bomb"):
        name = "scenario.yaml" if d == "scenario" else "manifest.json"
        (run / name).write_text(bomb(rng) + "name: *b6\n")
    elif d == "summary":
        (run / "summary.json").write_bytes(b"{" * 5000 if rng.random() < 0.5 else b"\xff\xfe")
    elif d == "manifest":
        (run / "manifest.json").write_text("[" * 10000)
    elif d == "missing":
        (run / rng.choice(["timeseries.parquet", "scenario.yaml", "cells.parquet"])).unlink()
    elif d == "sweep_summary":
        (run / "sweep.yaml").write_text("name: x\n")
        (run / "parts").mkdir()
        (run / "summary.parquet").write_bytes(os.urandom(300))
    elif d == "m_flip":
        _flip(run / "manifest.json", rng)
    elif d == "m_keys":
        (run / "manifest.json").write_text('{"seed": 1}')
    elif d == "m_types":
        (run / "manifest.json").write_text(
            json.dumps({"scenario_sha256": rng.choice([1, None, [], {}, "x" * 100])})
        )
    elif d == "m_nest":
        (run / "manifest.json").write_text('{"a": ' + "[" * 5000 + "]" * 5000 + "}")
    elif d == "m_utf8":
        (run / "manifest.json").write_bytes(b'{"scenario_sha256": "\xff"}')
    elif d == "s_altered":
        with open(run / "scenario.yaml", "a") as fh:
            fh.write("# edited\n")
    elif d == "s_missing":
        (run / "scenario.yaml").unlink()
    elif d == "m_dir":
        (run / "manifest.json").unlink()
        (run / "manifest.json").mkdir()
    elif d.startswith("c_"):
        ck = sandbox / "prepared" / "ck.checkpoint"
        state = ck / "state.npz"
        chunks = sorted(ck.glob("snapshots-*.npz"))
        if d == "c_trunc":
            state.write_bytes(state.read_bytes()[: rng.randrange(1, max(2, state.stat().st_size))])
        elif d == "c_flip":
            _flip(state, rng, 5)
        elif d == "c_garbage":
            state.write_bytes(b"PK\x03\x04" + os.urandom(rng.randint(0, 2000)))
        elif d == "c_chunk_missing" and chunks:
            chunks[0].unlink()
        elif d == "c_chunk_flip" and chunks:
            _flip(chunks[-1], rng, 5)
        elif d == "c_meta":
            with np.load(state, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
            arrays["__meta__"] = np.array(rng.choice(["[", "{}", '{"format": 3}', "null"]))
            with open(state, "wb") as fh:
                np.savez(fh, **arrays)


def _prepare(template: Path) -> None:
    """Good outputs (a run folder, an interrupted run's checkpoint) the cases damage."""
    from sim import runner

    (template / "prepared").mkdir(parents=True)
    scn = {**BASE, "cell_record_every_min": 5, "duration_min": 20}
    (template / "inputs").mkdir()
    (template / "inputs" / "ck.yaml").write_bytes(_dump(scn))
    runner.run(scn).save(template / "prepared" / "run")
    runner.run(
        template / "inputs" / "ck.yaml",
        checkpoint_dir=template / "prepared" / "ck.checkpoint",
        checkpoint_every_min=5,
    )


# ------------------------------------------------------------------ running


def _snapshot(root: Path, skip: tuple[Path, ...]) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        dirnames[:] = [n for n in dirnames if not any((d / n).is_relative_to(s) for s in skip)]
        for n in filenames:
            p = d / n
            if any(p.is_relative_to(s) for s in skip):
                continue
            st = p.lstat()
            out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
        out[str(d.relative_to(root)) + "/"] = (0, 0)
    return out


def _alarm(signum: int, frame: Any) -> None:
    raise Hang


def run_case(c: Case, sandbox: Path, rng: random.Random) -> dict[str, Any]:
    """Run one case in ``sandbox``; returns its verdict."""
    from sim.cli import main

    for name, content in c.files.items():
        (sandbox / name).parent.mkdir(parents=True, exist_ok=True)
        (sandbox / name).write_bytes(content)
    if c.damage:
        _damage(sandbox, c, rng)
    out = (sandbox / c.out).resolve() if "\x00" not in c.out else sandbox / "out"
    allowed = (out, out.with_name(out.name + ".checkpoint"), sandbox / "cache")
    allowed += tuple(sandbox.glob(out.name + "-failed*"))
    before = _snapshot(sandbox, allowed)
    err = _io.StringIO()
    verdict: dict[str, Any] = {"kind": c.kind, "args": c.args, "damage": c.damage}
    old_cwd = os.getcwd()
    os.chdir(sandbox)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT_S.get(c.kind, 60))
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(_io.StringIO()):
            code = main(c.args)
    except SystemExit as exc:  # argparse
        code = exc.code
    except Hang:
        code = "hang"
    except BaseException as exc:  # noqa: BLE001 - a traceback: what the fuzz looks for
        code = f"traceback: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.alarm(0)
        os.chdir(old_cwd)
    verdict["seconds"] = round(time.perf_counter() - t0, 3)
    allowed += tuple(sandbox.glob(out.name + "-failed*"))
    after = _snapshot(sandbox, allowed)
    verdict["code"] = code
    verdict["stderr"] = err.getvalue()[-500:]
    if "internal error" in verdict["stderr"] or "Traceback" in verdict["stderr"]:
        verdict["code"] = f"traceback: {verdict['stderr'][:200]}"
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    verdict["outside"] = [k for k in changed if not k.startswith(("prepared/", "inputs/"))] or [
        k for k in changed if k in before and k not in after
    ]
    return verdict


def fuzz(n: int, seed: int = 0, progress: bool = False) -> dict[str, Any]:
    """Run ``n`` generated cases; returns the counts and every bad verdict."""
    import shutil

    rng = random.Random(seed)
    root = Path(tempfile.mkdtemp(prefix="sim-fuzz-"))
    saved_cache = os.environ.get("SIM_WARM_CACHE")
    os.environ["SIM_WARM_CACHE"] = str(root / "sandbox" / "cache")
    template = root / "template"
    template.mkdir()
    (template / "user").mkdir()
    (template / "user" / "file.txt").write_text("the user's own data")
    (template / "cache").mkdir()
    _prepare(template)
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    bad: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    try:
        for i in range(n):
            sandbox = root / "sandbox"
            shutil.rmtree(sandbox, ignore_errors=True)
            shutil.copytree(template, sandbox, symlinks=True)
            c = case(rng)
            v = run_case(c, sandbox, rng)
            code = v["code"]
            key = f"{c.kind} exit {code}" if isinstance(code, int) else f"{c.kind} {code}"[:40]
            counts[key] += 1
            examples.setdefault(key, f"{' '.join(c.args)} [{c.damage}]: {v['stderr'][-300:]}")
            if not isinstance(code, int) or v["outside"]:
                bad.append(v)
            if progress and (i + 1) % 50 == 0:
                print(
                    f"{i + 1}/{n} cases, {len(bad)} bad, {time.perf_counter() - t0:.0f} s",
                    file=sys.stderr,
                )
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if saved_cache is None:
            os.environ.pop("SIM_WARM_CACHE", None)
        else:
            os.environ["SIM_WARM_CACHE"] = saved_cache
    tracebacks = sum(1 for v in bad if str(v["code"]).startswith("traceback"))
    hangs = sum(1 for v in bad if v["code"] == "hang")
    outside = sum(1 for v in bad if v["outside"])
    return {
        "cases": n,
        "seed": seed,
        "tracebacks": tracebacks,
        "hangs": hangs,
        "written_or_deleted_outside": outside,
        "seconds": round(time.perf_counter() - t0, 1),
        "outcomes": dict(sorted(counts.items())),
        "examples": dict(sorted(examples.items())),
        "bad": bad,
    }


def main_cli() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="write the full report here")
    a = ap.parse_args()
    rep = fuzz(a.cases, a.seed, progress=True)
    if a.json:
        Path(a.json).write_text(json.dumps(rep, indent=1, default=str))
    print(json.dumps({k: v for k, v in rep.items() if k not in ("bad", "examples")}, indent=1))
    for v in rep["bad"][:20]:
        print(json.dumps(v, default=str)[:600])
    return 1 if rep["bad"] else 0


if __name__ == "__main__":
    sys.exit(main_cli())
