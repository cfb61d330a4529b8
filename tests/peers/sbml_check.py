"""Validate an SBML file with python-libsbml and simulate it with libRoadRunner.

Used by tests/sbml_roadrunner.rs (run with the peers venv's python):

    python sbml_check.py MODEL.xml REQUEST.json  >  RESULT.json

REQUEST: {"times": [...s...], "selections": ["a", ...], "rtol": 1e-10, "atol": 1e-12}
RESULT:  {"libsbml_version", "roadrunner_version", "errors", "warnings", "messages",
          "columns", "times", "values" (rows), "wall_s"}
"""
import json
import sys
import time


def validate(path):
    import libsbml

    doc = libsbml.readSBMLFromFile(path)
    read_errors = doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) + doc.getNumErrors(
        libsbml.LIBSBML_SEV_FATAL
    )
    doc.checkConsistency()
    errors, warnings, messages = 0, 0, []
    for k in range(doc.getNumErrors()):
        e = doc.getError(k)
        sev = e.getSeverity()
        if sev in (libsbml.LIBSBML_SEV_ERROR, libsbml.LIBSBML_SEV_FATAL):
            errors += 1
        elif sev == libsbml.LIBSBML_SEV_WARNING:
            warnings += 1
        messages.append(
            "%s %d line %d: %s"
            % (e.getSeverityAsString(), e.getErrorId(), e.getLine(), e.getMessage().strip())
        )
    return {
        "libsbml_version": libsbml.getLibSBMLDottedVersion(),
        "errors": errors,
        "read_errors": read_errors,
        "warnings": warnings,
        "messages": messages,
    }


def simulate(path, req):
    import roadrunner

    rr = roadrunner.RoadRunner(path)
    integ = rr.getIntegrator()
    integ.setValue("relative_tolerance", req["rtol"])
    integ.setValue("absolute_tolerance", req["atol"])
    integ.setValue("maximum_num_steps", 1000000)
    integ.setValue("stiff", True)
    sel = ["time"] + req["selections"]
    t0 = time.perf_counter()
    res = rr.simulate(times=req["times"], selections=sel)
    wall = time.perf_counter() - t0
    return {
        "roadrunner_version": roadrunner.__version__,
        "columns": sel,
        "times": [float(r[0]) for r in res],
        "values": [[float(x) for x in r[1:]] for r in res],
        "wall_s": wall,
    }


def main():
    path, req_path = sys.argv[1], sys.argv[2]
    with open(req_path) as f:
        req = json.load(f)
    out = validate(path)
    out.update(simulate(path, req))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
