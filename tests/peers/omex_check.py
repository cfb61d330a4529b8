"""Run a COMBINE/OMEX archive in Tellurium and validate it with biosimulators-utils.

Used by tests/omex_tellurium.rs (run with the peer venv's python):

    python omex_check.py ARCHIVE.omex OUT_DIR RESULT.json

- Tellurium: tellurium.sedml.tesedml.executeCombineArchive(archive, saveOutputs=True,
  outputDir=OUT_DIR) executes the SED-ML of the archive and writes every report to
  OUT_DIR/<sedml stem>_<report id>.csv. The reports are rebuilt here at full precision
  from the data generators it returns, with the data-set labels of the SED-ML.
- biosimulators-utils (the validator behind `biosimulators-utils validate-project`):
  the archive, manifest, SED-ML, SBML models and metadata.

RESULT: {"tellurium_version", "roadrunner_version", "wall_s", "warnings",
         "report_files", "reports": [{"id", "name", "labels", "rows"}],
         "validation": {"available", "reason", "version", "errors", "warnings"}}

Tellurium prints to standard output; the result therefore goes to a file.
"""
import os

os.environ.setdefault("MPLBACKEND", "Agg")  # before tellurium imports matplotlib

import contextlib
import io
import json
import shutil
import sys
import tempfile
import time
import traceback
import warnings
import zipfile


def execute(archive, outdir):
    import libsedml
    import numpy as np
    import roadrunner
    import tellurium as te
    from tellurium.sedml import tesedml

    os.makedirs(outdir, exist_ok=True)
    t0 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = tesedml.executeCombineArchive(
            archive, createOutputs=True, saveOutputs=True, outputDir=os.path.abspath(outdir)
        )
    wall = time.perf_counter() - t0
    with zipfile.ZipFile(archive) as z:
        texts = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".sedml")}
    reports = []
    for path, r in result.items():
        doc = libsedml.readSedMLFromString(texts[os.path.basename(path)])
        generators = r["dataGenerators"]
        for k in range(doc.getNumOutputs()):
            o = doc.getOutput(k)
            if o.getTypeCode() != libsedml.SEDML_OUTPUT_REPORT:
                continue
            labels, columns = [], []
            for ds in o.getListOfDataSets():
                labels.append(ds.getLabel())
                columns.append(np.asarray(generators[ds.getDataReference()])[:, 0])
            rows = np.column_stack(columns)
            reports.append(
                {
                    "id": o.getId(),
                    "name": o.getName(),
                    "labels": labels,
                    "rows": [[float(x) for x in row] for row in rows],
                }
            )
    return {
        "tellurium_version": te.__version__,
        "roadrunner_version": roadrunner.__version__,
        "wall_s": wall,
        "warnings": sorted({f"{w.category.__name__}: {w.message}" for w in caught}),
        "report_files": sorted(os.listdir(outdir)),
        "reports": reports,
    }


def validate(archive):
    warnings.filterwarnings("ignore")
    try:
        import biosimulators_utils
        from biosimulators_utils.combine.data_model import CombineArchiveContentFormat
        from biosimulators_utils.combine.io import CombineArchiveReader
        from biosimulators_utils.combine.validation import validate as validate_archive
        from biosimulators_utils.config import get_config
        from biosimulators_utils.utils.core import flatten_nested_list_of_strings
    except Exception as e:  # not installed, or does not import
        return {"available": False, "reason": f"{type(e).__name__}: {e}"}
    d = tempfile.mkdtemp(prefix="omex_validate_")
    try:
        config = get_config()
        contents = CombineArchiveReader().run(archive, d, config=config)
        errors, warns = validate_archive(
            contents,
            d,
            formats_to_validate=list(CombineArchiveContentFormat.__members__.values()),
            config=config,
        )
        flat = lambda x: flatten_nested_list_of_strings(x) if x else ""
        return {
            "available": True,
            "version": biosimulators_utils.__version__,
            "errors": flat(errors),
            "warnings": flat(warns),
        }
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    archive, outdir, result_path = sys.argv[1], sys.argv[2], sys.argv[3]
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        out = execute(archive, outdir)
        try:
            out["validation"] = validate(archive)
        except Exception:
            out["validation"] = {
                "available": True,
                "version": "?",
                "errors": "validation raised:\n" + traceback.format_exc(),
                "warnings": "",
            }
    out["stdout"] = chatter.getvalue()[-4000:]
    with open(result_path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
