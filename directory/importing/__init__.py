"""Bulk import of the directory from the secretariat's spreadsheets (CSV and XLSX).

- ``reading``: file checks and parsing (header aliases in French and English, sheet names);
- ``values``: cell text → field values, with French reasons for rejected rows;
- ``rows``: matching by natural keys and applying each row through ``directory.services``;
- ``jobs``: the import jobs (store, dry run, real run, progress, report).
"""

from directory.importing.jobs import (
    ACTIONS,
    create_import_job,
    create_real_run,
    job_file_path,
    read_progress,
    report_counts,
    report_rows,
    run_import,
    store_import,
)
from directory.importing.reading import MAX_FILE_BYTES, Kind

__all__ = [
    "ACTIONS",
    "MAX_FILE_BYTES",
    "Kind",
    "create_import_job",
    "create_real_run",
    "job_file_path",
    "read_progress",
    "report_counts",
    "report_rows",
    "run_import",
    "store_import",
]
