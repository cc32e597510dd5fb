"""Every limit of the kit, once: sizes, counts, times and text lengths, each with its unit
and why it has this size.

Standard library only and no imports of the kit, so both sides of the sandbox read it:
the confined worker (a sibling module) and the grader (`grading.sandbox`, `grading.grade`,
`grading.results`). The modules that apply a limit import it from here under the same name.
"""

from __future__ import annotations

# -- the worker process (grading.sandbox.workers.Limits' defaults) ---------------------------

WORKER_MEMORY_MB = 512
"""Address space of one worker, MiB: Gradescope's container has 768 MB and the grader
needs room too."""
WORKER_CPU_SECONDS = 60
"""CPU time of one worker process, seconds (RLIMIT_CPU): an honest suite uses a few."""
WORKER_FILE_MB = 8
"""Size of any one file a worker writes, MiB (RLIMIT_FSIZE)."""
WORKER_SCRATCH_MB = 64
"""All a worker writes to its scratch folder (a tmpfs of this size), MiB."""
WORKER_PROCESSES = 16
"""Processes a worker's user may run at once (RLIMIT_NPROC): numpy's threads need a few."""
CALL_TIMEOUT_SECONDS = 5.0
"""Wall time of one call of student code unless a check asks for more, seconds: the
reference solution's slowest call takes well under one."""
OUTPUT_BYTES = 16_384
"""What the student's code prints that the grader keeps, bytes (the first 16 KiB)."""
BUDGET_SECONDS = 300.0
"""Wall time to grade one submission, seconds: past it, every remaining call fails as
timed out (the solution is graded in a few seconds)."""

# -- the wire between grader and worker (grading.confined.wire, grading.sandbox.workers) ----

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""One message on the wire, bytes: the largest honest request (a training set) is far less."""
MAX_WIRE_DEPTH = 32
"""Nesting of lists, tuples and dicts in one message, levels (a deeper one is refused
before it can exhaust the decoder's stack)."""
MAX_PROBE_POINTS = 10_000
"""Evaluation points a probe records per call, count."""
MAX_REPLY_BYTES = 16 * 1024 * 1024
"""One reply from the worker, bytes: the largest honest reply (a weight history) is far
less, and the grader holds it in memory."""
MAX_REPLY_CONTAINERS = 200_000
"""Lists, tuples and dicts in one reply, count (each costs the grader memory to decode)."""
MAX_TYPE_NAME_CHARS = 60
"""Characters of a type or probe name carried on the wire (a Python identifier is short)."""
MAX_DTYPE_CHARS = 20
"""Characters of a refused array dtype quoted in a protocol error ("<f8" has 3)."""
MAX_CALLBACKS = 100_000
"""Questions the worker may ask the grader during one request, count (a probe's calls)."""
REQUEST_ID_BYTES = 16
"""Random bytes in a request id, bytes: 128 bits, so a reply can never guess one."""

# -- the grader's functions standing in for other parts (grading.sandbox.stand_ins) ----------

MAX_STAND_IN_ANSWERS = 50_000
"""Calls of the grader's functions answered during one request, count: the longest honest
call, train with its default 5000 epochs, makes one or two per epoch (loss_and_grads, maybe
forward); each answer costs grader time, which the request's own time limit bounds too."""
MAX_REMEMBERED_ANSWERS = 4096
"""Answers of the grader's functions a grading process keeps for questions asked again,
count (about 1 KiB each; the oldest is dropped first): every student whose train and
init_params step like the reference's asks the same 450 questions in training's XOR check."""
MAX_STAND_IN_ARRAY_BYTES = 4 * 1024 * 1024
"""The arrays of one call of a grader's function together, bytes: the kit's checks pass a
few KiB; the grader computes on them in its own process, so they are kept small."""
SECOND_RUN_TIMEOUT_FACTOR = 2.0
"""A call's time limit in the second run of a check (with the grader's functions standing
in for other parts) is this many times its own, count: each call of a grader's function is
a round trip to the grader (tens of microseconds), and a training call makes thousands."""

# -- text from the worker (grading.sandbox.untrusted; the worker cuts its own the same) ----

MAX_MESSAGE_CHARS = 400
"""Characters of an exception message kept: a real numpy or Python error fits in 200."""
MAX_ERROR_TYPE_CHARS = 80
"""Characters of an exception's type name (a Python identifier, else "Exception")."""
MAX_WARNINGS = 20
"""Warnings kept per call: one is enough to fail a no-warning check, 20 to count them."""
MAX_WARNING_CHARS = 300
"""Characters of one warning kept ("RuntimeWarning: overflow encountered in exp")."""
MAX_NOTES = 10
"""Confinement notes kept per worker (the real worker sends at most 3)."""
MAX_NOTE_CHARS = 300
"""Characters of one confinement note (a real one is a line of under 100)."""
MAX_STUDENT_OUTPUT_CHARS = OUTPUT_BYTES
"""Characters of the student's printed output kept in results.json (the sandbox keeps the
first OUTPUT_BYTES bytes already; this bounds what a decoded form can grow to)."""
MAX_VALUE_TEXT_CHARS = 1_000
"""Characters of a string inside a returned value (no check expects a long string)."""
MAX_CALL_SECONDS = 3_600.0
"""Largest believable time for one call, seconds (the grader's own budget is
BUDGET_SECONDS); a timing that is not a finite number in [0, MAX_CALL_SECONDS] is 0."""

MAX_REASON_CHARS = 200
"""Characters of a library's or the grader's own reason quoted in a one-line error (a
damaged zip, a probe that could not be evaluated): enough for its first sentence."""

# -- reading an upload (grading.sandbox.uploads; each is per submission) --------------------

MAX_ENTRIES = 10_000
"""Files and folders looked at (a folder upload) or listed (a zip's entries), count. An
honest hand-in has tens; a zip's listing costs about 1 KB of memory per entry."""
MAX_ZIP_DIRECTORY_BYTES = 4 * 1024 * 1024
"""A zip's central directory, bytes: `zipfile` reads it whole and parses every record in
it, whatever entry count the archive claims."""
MAX_DEPTH = 8
"""Folder levels below the top of the upload searched for the package, count (an honest
`hw/project/src/<package>/` is 4). Also keeps paths far below PATH_MAX (4096 bytes)."""
MAX_NAME_BYTES = 255
"""One file or folder name, bytes (Linux NAME_MAX): longer names are skipped, never
created."""
MAX_PACKAGE_FILES = 100
"""`.py` files in the package folder, count (an assignment has about ten modules)."""
MAX_FILE_BYTES = 2 * 1024 * 1024
"""One module file, bytes; a larger file is skipped (its tests fail as if missing)."""
MAX_TOTAL_BYTES = 8 * 1024 * 1024
"""All the package's files together, bytes: what the grader holds in memory at once."""

# -- results (grading.results, grading.grade.whole_class) ----------------------------------

MAX_OUTPUT_CHARS = 90_000
"""Characters of results.json's top-level output and of the student's output in it:
Gradescope truncates at 100,000."""
MAX_FIELD_CHARS = 2_000
"""Characters of one field of a failure read back from a results.json document (a summary
names shapes and indices, got/expected hold at most 60 numbers: every real field is far
below this)."""
MAX_CAUSE_NAMES = 16
"""Names in one failure's cause (its functions) or pointer (its parts) read back from a
results.json document, count: the assignment's parts and functions are fewer; a longer
list is not a diagnosis and is left out."""
MAX_JUNIT_MESSAGE_CHARS = 1_000
"""Characters of a JUnit failure's `message` attribute (CI shows it on one line)."""
MAX_ERROR_CHARS = 500
"""Characters of one error message about a submission (a gradebook cell, a log line)."""
MAX_TEXT_CHARS = 200
"""Characters of one name or email from submission metadata (all of a group's, joined)."""
MAX_ID_BYTES = 200
"""One submission id, UTF-8 bytes (a folder name may have 255; room for a suffix)."""
GRADE_DEADLINE_SECONDS = 900.0
"""One submission's whole grading in its grade-all pool process, seconds. Each check has
its own time limits; this only bounds a grading process that is wedged, so it is generous."""
POOL_STOP_GRACE_SECONDS = 5.0
"""How long an idle pool process may take to exit when told to, seconds."""
MAX_LABEL_CHARS = 60
"""Characters of a test's label on the class report's pass-rate plot ("3.2 dense_backward:
dW ..."): enough to tell the tests apart, short enough for the plot's margin."""

# -- the similarity report (grading.similarity) --------------------------------------------

MAX_SIMILARITY_CHARS = 150_000
"""Characters of one submission's code that are compared, the rest cut (the report says
so): the reference solution, docstrings and all, has about 32,000, and fingerprinting
costs about 2.5 s per 150,000 on one core."""
MAX_SIMILARITY_PAIRS = 500
"""Pairs the similarity report shows, the most alike first, count: more than anyone reads
(the report says how many more reached the threshold)."""

# -- trying the Gradescope zip here (grading.release.try_bundle) ----------------------------

KEEP_VENVS = 3
"""Venvs kept in the cache, count (each over 100 MB, mostly numpy): the most recently used."""
SETUP_TIMEOUT_SECONDS = 900.0
"""Wall time of setup.sh, seconds (a first run downloads numpy)."""
RUN_TIMEOUT_SECONDS = 600.0
"""Wall time of run_autograder, seconds: Gradescope's default limit (10 minutes)."""
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""A submission .zip unpacked into ROOT/submission, bytes (declared sizes, all entries)."""

# -- mutation testing (grading.mutants.runner) -----------------------------------------------

MUTANT_TIMEOUT_SECONDS = 30.0
"""Wall time one mutant may take before it counts as killed (timeout), seconds."""
MUTANT_GRACE_SECONDS = 60.0
"""Beyond a mutant's own timeout, seconds its worker process may take (start-up, the
reference values) before it counts as hung and is killed."""
MAX_MUTANT_MESSAGE_CHARS = 300
"""Characters of why a mutant was killed, kept in the mutants report (one failure line)."""
MUTANT_MEMORY_BYTES = 4 << 30
"""Address space of one mutant-grading process, bytes: a mutant that allocates without
end is stopped, not the machine."""
VARIANT_SEEDS = 3
"""Submission seeds each allowed variant is graded under, count (grading.mutants.variants):
checks draw random inputs, so one seed could hide a check that fails a correct variant
only on some inputs."""
