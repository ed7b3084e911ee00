"""Running a stage: the request (record and command line merged once), the checks before the
kernel, papermill execution, provenance, the rendered page, and "which run" for everyone."""
